-- GoForge schema, version 27: two-factor sign-in with TOTP (docs/decisions/two-factor.md).
-- Forward-only: never edit this file after it has landed; add a new numbered script.

-- A user's TOTP secret, encrypted like every secret (ISecretProtector, bound to the row's id). confirmed_at NULL: an
-- enrolment begun but not yet confirmed with a code, which does not count. last_used_step: the RFC 6238 time step of
-- the last code accepted, so a code cannot be used twice within its step.
CREATE TABLE user_two_factor (
    id                uuid        PRIMARY KEY,
    user_id           uuid        NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    secret_ciphertext bytea       NOT NULL,
    secret_key_id     text        NOT NULL REFERENCES secret_key_ids (key_id),
    created_at        timestamptz NOT NULL,
    confirmed_at      timestamptz NULL,
    last_used_step    bigint      NULL
);

CREATE INDEX user_two_factor_secret_key_id_idx ON user_two_factor (secret_key_id);

-- One-time recovery codes, stored as SHA-256 of the user id and the code (the codes carry 80 random bits).
CREATE TABLE two_factor_recovery_codes (
    user_id   uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea       NOT NULL,
    created_at timestamptz NOT NULL,
    used_at   timestamptz NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- A sign-in that passed its first factor and waits for the second (or for enrolment): no session exists yet. The token
-- is in the browser's cookie; only its SHA-256 is here. Single use: used_at is set when it completes.
CREATE TABLE pending_sign_ins (
    token_hash     bytea       PRIMARY KEY,
    user_id        uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose        text        NOT NULL CHECK (purpose IN ('verify', 'enrol')),
    how            text        NULL,
    client_address text        NULL,
    user_agent     text        NULL,
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz NULL
);

CREATE INDEX pending_sign_ins_expires_idx ON pending_sign_ins (expires_at);

-- When the session last passed a second factor (sign-in or re-verification); creating an API token needs a recent one.
ALTER TABLE user_sessions ADD COLUMN second_factor_at timestamptz NULL;

-- The installation's two-factor policy: one row.
CREATE TABLE two_factor_policy (
    id                   smallint    PRIMARY KEY CHECK (id = 1),
    require_for_admins   boolean     NOT NULL,
    require_for_everyone boolean     NOT NULL,
    require_after_github boolean     NOT NULL,
    updated_at           timestamptz NOT NULL
);
