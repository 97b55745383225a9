-- GoForge schema, version 10: service instances run from catalog templates.
-- inputs_ciphertext holds the instance's inputs (generated credentials and the rest) as one JSON object, encrypted with
-- AES-256-GCM bound to the row's id, under a key id listed in secret_key_ids (docs/decisions/services.md).

CREATE TABLE service_instances (
    id                uuid        PRIMARY KEY,
    project_id        uuid        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    environment_id    uuid        NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    template_id       text        NOT NULL CHECK (char_length(template_id) BETWEEN 1 AND 40),
    version           text        NOT NULL CHECK (char_length(version) BETWEEN 1 AND 128),
    name              text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    slug              text        NOT NULL CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    state             text        NOT NULL CHECK (state IN ('creating', 'pulling', 'starting', 'running', 'stopped', 'failed')),
    reason            text        NULL CHECK (char_length(reason) <= 2000),
    container_id      text        NULL CHECK (char_length(container_id) <= 128),
    domain            text        NULL CHECK (char_length(domain) <= 253),
    inputs_ciphertext bytea       NOT NULL,
    inputs_key_id     text        NOT NULL REFERENCES secret_key_ids (key_id),
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    UNIQUE (environment_id, slug)
);

CREATE INDEX service_instances_inputs_key_id_idx ON service_instances (inputs_key_id);
