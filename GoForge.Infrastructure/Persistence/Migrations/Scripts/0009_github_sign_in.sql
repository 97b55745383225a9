-- GoForge schema, version 9: GitHub sign-in (settings set in the panel, invitations, the linked GitHub login).
-- Forward-only: never edit this file after it has landed; add a new numbered script instead.
-- Depends only on 0001 (users) and 0003 (secret_key_ids), so it runs whether or not 0008 has run before it.

-- The GitHub login shown on the profile; accounts are matched by users.github_id (0001) only, never by this.
ALTER TABLE users ADD COLUMN github_login text NULL CHECK (char_length(github_login) BETWEEN 1 AND 100);

-- The GitHub OAuth app as set on the Settings page; when this row exists it wins over GoForge:GitHub.
-- One row (its id is fixed); the client secret is AES-256-GCM encrypted, bound to that id, and names its key.
CREATE TABLE github_sign_in_settings (
    id                       uuid        PRIMARY KEY CHECK (id = '00000000-0000-0000-0000-676974687562'),
    enabled                  boolean     NOT NULL,
    client_id                text        NOT NULL CHECK (char_length(client_id) <= 100),
    client_secret_ciphertext bytea       NOT NULL,
    client_secret_key_id     text        NOT NULL REFERENCES secret_key_ids (key_id),
    base_url                 text        NOT NULL CHECK (char_length(base_url) BETWEEN 1 AND 500),
    api_url                  text        NOT NULL CHECK (char_length(api_url) BETWEEN 1 AND 500),
    allow_sign_up            boolean     NOT NULL,
    updated_at               timestamptz NOT NULL,
    updated_by               uuid        NULL REFERENCES users (id) ON DELETE SET NULL
);

-- One-time links that let a person without an account sign in with GitHub. Only the SHA-256 of the token is kept.
CREATE TABLE user_invitations (
    id         uuid        PRIMARY KEY,
    token_hash bytea       NOT NULL CHECK (octet_length(token_hash) = 32),
    role       text        NOT NULL CHECK (role IN ('admin', 'member')),
    note       text        NULL CHECK (char_length(note) <= 200),
    created_by uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
    used_at    timestamptz NULL,
    used_by    uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    revoked_at timestamptz NULL,
    CHECK (used_at IS NULL OR revoked_at IS NULL)
);

CREATE UNIQUE INDEX user_invitations_token_hash_key ON user_invitations (token_hash);
CREATE INDEX user_invitations_created_at_idx ON user_invitations (created_at DESC);
