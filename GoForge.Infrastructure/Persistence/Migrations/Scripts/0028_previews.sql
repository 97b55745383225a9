-- GoForge schema, version 28: pull-request preview deployments (docs/decisions/previews.md).
-- Settings per application (off until saved), the variables marked "available to previews", and one preview per
-- (application, provider, pull request number).

CREATE TABLE preview_settings (
    application_id uuid        PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    enabled        boolean     NOT NULL,
    domain_pattern text        NOT NULL CHECK (char_length(domain_pattern) <= 253),
    -- The pattern's host after its first label; one application holds a zone (empty while no pattern is set).
    domain_zone    text        NOT NULL CHECK (char_length(domain_zone) <= 253),
    max_concurrent integer     NOT NULL CHECK (max_concurrent BETWEEN 1 AND 50),
    idle_days      integer     NOT NULL CHECK (idle_days BETWEEN 1 AND 365),
    updated_at     timestamptz NOT NULL
);

CREATE UNIQUE INDEX preview_settings_zone_idx ON preview_settings (domain_zone) WHERE domain_zone <> '';

-- A variable is given to previews only when it has a row here (default: not).
CREATE TABLE preview_variables (
    variable_id uuid PRIMARY KEY REFERENCES environment_variables (id) ON DELETE CASCADE
);

CREATE TABLE previews (
    id               uuid        PRIMARY KEY,
    application_id   uuid        NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    provider         text        NOT NULL CHECK (provider IN ('github', 'gitlab', 'gitea')),
    number           integer     NOT NULL CHECK (number > 0),
    title            text        NOT NULL CHECK (char_length(title) <= 500),
    author           text        NOT NULL CHECK (char_length(author) <= 500),
    head_repository  text        NOT NULL CHECK (char_length(head_repository) <= 4096),
    head_ref         text        NULL CHECK (char_length(head_ref) <= 255),
    head_commit      text        NOT NULL CHECK (head_commit ~ '^[0-9a-f]{40}([0-9a-f]{24})?$'),
    is_fork          boolean     NOT NULL,
    state            text        NOT NULL CHECK (state IN ('awaiting-approval', 'queued', 'limit-reached', 'running', 'failed', 'closed')),
    approved_commit  text        NULL CHECK (approved_commit ~ '^[0-9a-f]{40}([0-9a-f]{24})?$'),
    approved_by      uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    reason           text        NULL CHECK (char_length(reason) <= 1000),
    created_at       timestamptz NOT NULL,
    last_activity_at timestamptz NOT NULL,
    closed_at        timestamptz NULL,
    UNIQUE (application_id, provider, number)
);

CREATE INDEX previews_open_idx ON previews (application_id, state) WHERE state <> 'closed';
