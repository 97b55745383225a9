-- GoForge schema, version 24: scheduled backups of services and of the panel's own database (docs/decisions/backups.md).
-- Forward-only: never edit this file after it has landed; add a new numbered script instead.

-- Where archives go, managed by administrators, panel-wide. A destination's secrets (an S3 secret key, the archive key
-- of client-side encryption) live in backup_destination_secrets, each encrypted like every secret (ISecretProtector,
-- bound to the secret row's id).
CREATE TABLE backup_destinations (
    id                 uuid        PRIMARY KEY,
    name               text        NOT NULL UNIQUE CHECK (char_length(name) BETWEEN 1 AND 100),
    kind               text        NOT NULL CHECK (kind IN ('local', 's3')),
    local_folder       text        NULL CHECK (char_length(local_folder) <= 1024),
    s3_bucket          text        NULL CHECK (char_length(s3_bucket) BETWEEN 3 AND 63),
    s3_prefix          text        NULL CHECK (char_length(s3_prefix) <= 512),
    s3_region          text        NULL CHECK (char_length(s3_region) <= 64),
    s3_endpoint        text        NULL CHECK (char_length(s3_endpoint) <= 512),
    s3_path_style      boolean     NOT NULL DEFAULT false,
    s3_access_key_id   text        NULL CHECK (char_length(s3_access_key_id) <= 256),
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    CONSTRAINT backup_destinations_local_check CHECK ((kind = 'local') = (local_folder IS NOT NULL)),
    CONSTRAINT backup_destinations_s3_check CHECK ((kind = 's3') = (s3_bucket IS NOT NULL AND s3_region IS NOT NULL AND s3_access_key_id IS NOT NULL))
);

CREATE TABLE backup_destination_secrets (
    id                uuid  PRIMARY KEY,
    destination_id    uuid  NOT NULL REFERENCES backup_destinations (id) ON DELETE CASCADE,
    purpose           text  NOT NULL CHECK (purpose IN ('s3_secret_key', 'archive_key')),
    secret_ciphertext bytea NOT NULL,
    secret_key_id     text  NOT NULL REFERENCES secret_key_ids (key_id),
    UNIQUE (destination_id, purpose)
);

CREATE INDEX backup_destination_secrets_secret_key_id_idx ON backup_destination_secrets (secret_key_id);

-- What is backed up, when and where: one schedule per service, and one for the panel's own database (target_kind
-- 'panel', target_id the fixed PanelDatabase id). cron is validated by Core (Cronos) and read in the server's time zone.
CREATE TABLE backup_schedules (
    id                uuid        PRIMARY KEY,
    target_kind       text        NOT NULL CHECK (target_kind IN ('service', 'panel')),
    target_id         uuid        NOT NULL UNIQUE,
    service_id        uuid        NULL REFERENCES service_instances (id) ON DELETE CASCADE,
    project_id        uuid        NULL REFERENCES projects (id) ON DELETE CASCADE,
    destination_id    uuid        NOT NULL REFERENCES backup_destinations (id) ON DELETE RESTRICT,
    cron              text        NOT NULL CHECK (char_length(cron) BETWEEN 1 AND 100),
    keep_last         integer     NULL CHECK (keep_last BETWEEN 1 AND 1000),
    keep_days         integer     NULL CHECK (keep_days BETWEEN 1 AND 3650),
    enabled           boolean     NOT NULL,
    last_scheduled_at timestamptz NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CONSTRAINT backup_schedules_target_check CHECK ((target_kind = 'service') = (service_id IS NOT NULL AND project_id IS NOT NULL AND service_id = target_id))
);

-- The durable queue of backups and restores, worked by the BackupWorker (claimed with FOR UPDATE SKIP LOCKED). At most
-- one queued or running run per target: a backup still running is never started twice, and a restore waits for nothing
-- else on its target. target_id has no foreign key: a run's record outlives the service it backed up.
CREATE TABLE backup_runs (
    id               uuid        PRIMARY KEY,
    kind             text        NOT NULL CHECK (kind IN ('backup', 'restore')),
    target_kind      text        NOT NULL CHECK (target_kind IN ('service', 'panel')),
    target_id        uuid        NOT NULL,
    project_id       uuid        NULL REFERENCES projects (id) ON DELETE CASCADE,
    schedule_id      uuid        NULL REFERENCES backup_schedules (id) ON DELETE SET NULL,
    destination_id   uuid        NULL REFERENCES backup_destinations (id) ON DELETE SET NULL,
    destination_name text        NOT NULL CHECK (char_length(destination_name) BETWEEN 1 AND 100),
    source_run_id    uuid        NULL REFERENCES backup_runs (id) ON DELETE SET NULL,
    trigger          text        NOT NULL CHECK (trigger IN ('scheduled', 'manual')),
    state            text        NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    archive_key      text        NULL CHECK (char_length(archive_key) <= 1024),
    engine           text        NULL CHECK (char_length(engine) <= 40),
    bytes            bigint      NULL CHECK (bytes >= 0),
    fingerprint      jsonb       NULL,
    verified         boolean     NULL,
    verification     text        NULL CHECK (char_length(verification) <= 4000),
    error            text        NULL CHECK (char_length(error) <= 2000),
    requested_by     uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL,
    started_at       timestamptz NULL,
    ended_at         timestamptz NULL,
    pruned_at        timestamptz NULL
);

CREATE UNIQUE INDEX backup_runs_one_in_flight_idx ON backup_runs (target_id) WHERE state IN ('queued', 'running');
CREATE INDEX backup_runs_queued_idx ON backup_runs (created_at, id) WHERE state = 'queued';
CREATE INDEX backup_runs_target_idx ON backup_runs (target_id, created_at);
