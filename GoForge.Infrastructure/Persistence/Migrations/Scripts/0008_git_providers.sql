-- GoForge schema, version 8: push webhooks (a secret per application, the deliveries received) and repository
-- credentials (an HTTPS token or an SSH deploy key, per application or per project).
-- Encrypted values are AES-256-GCM bound to their row's id, under a key id listed in secret_key_ids.

CREATE TABLE webhook_secrets (
    id                uuid        PRIMARY KEY,
    application_id    uuid        NOT NULL UNIQUE REFERENCES applications (id) ON DELETE CASCADE,
    secret_ciphertext bytea       NOT NULL,
    secret_key_id     text        NOT NULL REFERENCES secret_key_ids (key_id),
    created_at        timestamptz NOT NULL
);

CREATE INDEX webhook_secrets_secret_key_id_idx ON webhook_secrets (secret_key_id);

-- One row per (application, provider, delivery id): a redelivery counts on the row instead of deploying again.
CREATE TABLE webhook_deliveries (
    id               uuid        PRIMARY KEY,
    application_id   uuid        NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    provider         text        NOT NULL CHECK (provider IN ('github', 'gitlab', 'gitea')),
    delivery_key     text        NOT NULL CHECK (char_length(delivery_key) BETWEEN 1 AND 200),
    event            text        NOT NULL CHECK (char_length(event) BETWEEN 1 AND 100),
    received_at      timestamptz NOT NULL,
    last_received_at timestamptz NOT NULL,
    redeliveries     integer     NOT NULL DEFAULT 0,
    outcome          text        NOT NULL CHECK (outcome IN ('received', 'deployed', 'ignored', 'rejected', 'failed')),
    -- Set by whoever claimed the row last; only that caller completes it.
    claim_token      uuid        NOT NULL,
    reason           text        NULL CHECK (char_length(reason) <= 1000),
    git_ref          text        NULL CHECK (char_length(git_ref) <= 255),
    commit_sha       text        NULL CHECK (commit_sha ~ '^[0-9a-f]{40}([0-9a-f]{24})?$'),
    deployment_id    uuid        NULL REFERENCES deployments (id) ON DELETE SET NULL,
    UNIQUE (application_id, provider, delivery_key)
);

CREATE INDEX webhook_deliveries_application_idx ON webhook_deliveries (application_id, id DESC);

CREATE TABLE git_credentials (
    id                uuid        PRIMARY KEY,
    project_id        uuid        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    application_id    uuid        NULL REFERENCES applications (id) ON DELETE CASCADE,
    kind              text        NOT NULL CHECK (kind IN ('token', 'ssh-key')),
    username          text        NOT NULL CHECK (char_length(username) BETWEEN 1 AND 100),
    public_key        text        NULL CHECK (char_length(public_key) <= 1000),
    fingerprint       text        NULL CHECK (char_length(fingerprint) <= 100),
    known_host_key    text        NULL CHECK (char_length(known_host_key) <= 100),
    secret_ciphertext bytea       NOT NULL,
    secret_key_id     text        NOT NULL REFERENCES secret_key_ids (key_id),
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CHECK ((kind = 'ssh-key') = (public_key IS NOT NULL))
);

-- One credential per project (for all its applications) and one per application (which wins).
CREATE UNIQUE INDEX git_credentials_project_key ON git_credentials (project_id) WHERE application_id IS NULL;
CREATE UNIQUE INDEX git_credentials_application_key ON git_credentials (application_id) WHERE application_id IS NOT NULL;
CREATE INDEX git_credentials_secret_key_id_idx ON git_credentials (secret_key_id);
