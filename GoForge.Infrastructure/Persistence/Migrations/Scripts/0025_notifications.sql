-- GoForge schema, version 25: notification channels, their subscriptions, and the durable delivery queue
-- (docs/decisions/notifications.md). Forward-only: never edit this file after it has landed; add a new numbered script.

-- Where notifications go. project_id NULL: an admin-wide channel (panel events, and every project's events it subscribes
-- to). settings holds what is not secret (an SMTP host, the generic webhook's URL); every secret (a Slack or Discord
-- webhook URL, the generic webhook's signing secret, the SMTP password) is in secrets_ciphertext, one JSON document
-- encrypted like every secret (ISecretProtector, bound to the row's id).
CREATE TABLE notification_channels (
    id                 uuid        PRIMARY KEY,
    project_id         uuid        NULL REFERENCES projects (id) ON DELETE CASCADE,
    kind               text        NOT NULL CHECK (kind IN ('webhook', 'slack', 'discord', 'email')),
    name               text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    settings           jsonb       NOT NULL,
    secrets_ciphertext bytea       NOT NULL,
    secrets_key_id     text        NOT NULL REFERENCES secret_key_ids (key_id),
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);

CREATE INDEX notification_channels_project_idx ON notification_channels (project_id);
CREATE INDEX notification_channels_secrets_key_id_idx ON notification_channels (secrets_key_id);

-- Which kinds of event a channel takes (the names of NotificationKind, as sent to receivers).
CREATE TABLE notification_subscriptions (
    channel_id uuid NOT NULL REFERENCES notification_channels (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (char_length(kind) BETWEEN 1 AND 64),
    PRIMARY KEY (channel_id, kind)
);

-- One event as published; facts are shown as fields (never a secret: publishers pass names and states).
CREATE TABLE notification_events (
    id          uuid        PRIMARY KEY,
    seq         bigint      GENERATED ALWAYS AS IDENTITY,
    kind        text        NOT NULL CHECK (char_length(kind) BETWEEN 1 AND 64),
    project_id  uuid        NULL REFERENCES projects (id) ON DELETE CASCADE,
    subject     uuid        NOT NULL,
    title       text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    message     text        NOT NULL CHECK (char_length(message) <= 4000),
    facts       jsonb       NOT NULL,
    link        text        NULL CHECK (char_length(link) <= 2000),
    occurred_at timestamptz NOT NULL
);

-- The queue: one row per event and channel. Claimed with FOR UPDATE SKIP LOCKED; a row left 'sending' (its panel was
-- killed mid-send) is taken again once its claim is older than the lease. 'suppressed' rows were over the channel's
-- rate limit when published and are never sent; suppressed_before counts those folded into a later delivered row.
CREATE TABLE notification_deliveries (
    id                uuid        PRIMARY KEY,
    event_id          uuid        NOT NULL REFERENCES notification_events (id) ON DELETE CASCADE,
    channel_id        uuid        NOT NULL REFERENCES notification_channels (id) ON DELETE CASCADE,
    kind              text        NOT NULL CHECK (char_length(kind) BETWEEN 1 AND 64),
    subject           uuid        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('pending', 'sending', 'delivered', 'failed', 'suppressed')),
    attempts          integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at   timestamptz NOT NULL,
    claimed_at        timestamptz NULL,
    last_error        text        NULL CHECK (char_length(last_error) <= 2000),
    suppressed_before integer     NOT NULL DEFAULT 0 CHECK (suppressed_before >= 0),
    created_at        timestamptz NOT NULL,
    delivered_at      timestamptz NULL
);

CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX notification_deliveries_channel_idx ON notification_deliveries (channel_id, created_at DESC);
CREATE INDEX notification_deliveries_event_idx ON notification_deliveries (event_id);
CREATE INDEX notification_events_subject_idx ON notification_events (subject, seq DESC);

-- Where each admin has signed in from before (an address not in here is "new"; the first sign-in ever is known).
CREATE TABLE admin_known_addresses (
    user_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    address       text        NOT NULL CHECK (char_length(address) BETWEEN 1 AND 64),
    first_seen_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, address)
);
