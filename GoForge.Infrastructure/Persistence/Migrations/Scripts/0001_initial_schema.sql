-- GoForge schema, version 1: people, their sessions, and the audit trail.
-- Forward-only: never edit this file after it has landed; add a new numbered script instead.

CREATE TABLE users (
    id            uuid        PRIMARY KEY,
    login         text        NOT NULL CHECK (login = lower(login) AND char_length(login) BETWEEN 3 AND 64),
    display_name  text        NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 100),
    password_hash text        NULL,
    role          text        NOT NULL CHECK (role IN ('admin', 'member')),
    github_id     bigint      NULL,
    is_disabled   boolean     NOT NULL DEFAULT false,
    theme         text        NOT NULL DEFAULT 'system' CHECK (theme IN ('system', 'light', 'dark')),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE UNIQUE INDEX users_login_key ON users (login);
CREATE UNIQUE INDEX users_github_id_key ON users (github_id) WHERE github_id IS NOT NULL;

-- The cookie names a row here; revoking the row ends the session wherever the cookie is.
CREATE TABLE user_sessions (
    id             uuid        PRIMARY KEY,
    user_id        uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL,
    last_seen_at   timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz NULL,
    client_address text        NULL,
    user_agent     text        NULL
);

CREATE INDEX user_sessions_user_id_idx ON user_sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE audit_events (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at    timestamptz NOT NULL,
    actor_user_id  uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    action         text        NOT NULL,
    target         text        NULL,
    client_address text        NULL,
    detail         text        NULL
);

CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at DESC);
