-- GoForge schema, version 11: personal API tokens (docs/decisions/api-tokens.md).
-- Forward-only: never edit this file after it has landed; add a new numbered script instead.
-- Only the SHA-256 of a token is kept: the token is 32 random bytes, so the hash cannot be reversed by guessing.

CREATE TABLE api_tokens (
    id           uuid        PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
    token_hash   bytea       NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    scopes       text[]      NOT NULL CHECK (cardinality(scopes) BETWEEN 1 AND 5
                                             AND scopes <@ ARRAY['read', 'deploy', 'write', 'secrets', 'admin']::text[]),
    -- A restricted token goes with its project: setting it to NULL would widen it to every project.
    project_id   uuid        NULL REFERENCES projects (id) ON DELETE CASCADE,
    expires_at   timestamptz NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz NULL,
    revoked_at   timestamptz NULL
);

CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id, created_at DESC);
CREATE INDEX api_tokens_project_id_idx ON api_tokens (project_id) WHERE project_id IS NOT NULL;
