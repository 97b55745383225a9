-- GoForge schema, version 21: applications that run an image from a registry (docs/decisions/registry-image-apps.md).
-- Forward-only: never edit this file after it has landed; add a new numbered script instead.

-- Where an application's image comes from: a Git repository built by GoForge, or a registry image pulled as it is.
-- An image application keeps empty Git fields; its reference was validated by Core (ImageReference) before it got here.
ALTER TABLE applications
    ADD COLUMN source_kind          text    NOT NULL DEFAULT 'git' CHECK (source_kind IN ('git', 'image')),
    ADD COLUMN image_reference      text    NULL CHECK (char_length(image_reference) <= 512),
    ADD COLUMN digest_check_minutes integer NULL CHECK (digest_check_minutes BETWEEN 5 AND 1440),
    ADD CONSTRAINT applications_image_source_check CHECK ((source_kind = 'image') = (image_reference IS NOT NULL));

-- The credential an image application's pulls present to its image's registry (one per application). The password
-- or token is encrypted like every secret (ISecretProtector, bound to the row's id, which is the application's id).
CREATE TABLE registry_credentials (
    id                uuid        PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    registry          text        NOT NULL CHECK (char_length(registry) BETWEEN 1 AND 255),
    username          text        NOT NULL CHECK (char_length(username) BETWEEN 1 AND 255),
    secret_ciphertext bytea       NOT NULL,
    secret_key_id     text        NOT NULL REFERENCES secret_key_ids (key_id),
    updated_at        timestamptz NOT NULL
);

CREATE INDEX registry_credentials_secret_key_id_idx ON registry_credentials (secret_key_id);

-- A deployment of an image application: the reference it pulled, the digest it resolved to, and whether the user asked
-- to deploy even when that digest is the one already running.
ALTER TABLE deployments
    ADD COLUMN image_reference text    NULL CHECK (char_length(image_reference) <= 512),
    ADD COLUMN image_digest    text    NULL CHECK (image_digest ~ '^sha256:[0-9a-f]{64}$'),
    ADD COLUMN force_deploy    boolean NOT NULL DEFAULT false;

-- Pulling is a step of its own (like cloning and building), and "unchanged" is how a redeploy ends when the pulled
-- digest is the one running: nothing was deployed.
ALTER TABLE deployments DROP CONSTRAINT deployments_state_check;
ALTER TABLE deployments ADD CONSTRAINT deployments_state_check CHECK (state IN ('pending', 'cloning', 'building', 'pulling',
    'deploying', 'running', 'failed', 'canceled', 'rolledback', 'superseded', 'unchanged'));

-- A deployment the digest check queued because the registry's digest differs from the running one.
ALTER TABLE deployments DROP CONSTRAINT deployments_source_check;
ALTER TABLE deployments ADD CONSTRAINT deployments_source_check CHECK (source IN ('manual', 'webhook', 'rollback', 'api', 'recovery', 'imageupdate'));

-- Pulling is active work: still at most one active deployment per application.
DROP INDEX deployments_one_active_per_application;
CREATE UNIQUE INDEX deployments_one_active_per_application
    ON deployments (application_id) WHERE state IN ('cloning', 'building', 'pulling', 'deploying');
