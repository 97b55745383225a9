-- GoForge schema, version 18: settings applied without a rebuild, stopped applications, and same-commit redeploys.
-- Forward-only: never edit this file after it has landed; add a new numbered script instead.

-- What a deployment does: 'build' clones and builds (or reuses an image with the same build fingerprint, or starts a
-- rollback's kept image); 'restart' recreates the container from the running deployment's image with the current
-- settings ("Apply", docs/deployments/apply-and-stop.md).
ALTER TABLE deployments ADD COLUMN kind text NOT NULL DEFAULT 'build' CHECK (kind IN ('build', 'restart'));

-- SHA-256 (hex) of the commit, repository and build settings the image was built from (BuildFingerprint): a later
-- deployment with the same one starts that image instead of cloning and building again.
ALTER TABLE deployments ADD COLUMN build_fingerprint text NULL CHECK (build_fingerprint ~ '^[0-9a-f]{64}$');

-- SHA-256 (hex) of the runtime settings the container was started with (SettingsFingerprint): when the application's
-- settings hash differently now, "Apply" would change something.
ALTER TABLE deployments ADD COLUMN settings_fingerprint text NULL CHECK (settings_fingerprint ~ '^[0-9a-f]{64}$');

-- "Force rebuild": clone and build even when an image with the same build fingerprint is kept.
ALTER TABLE deployments ADD COLUMN force_rebuild boolean NOT NULL DEFAULT false;

CREATE INDEX deployments_build_fingerprint_idx ON deployments (application_id, build_fingerprint)
    WHERE build_fingerprint IS NOT NULL AND image_tag IS NOT NULL AND image_pruned_at IS NULL;

-- What the user wants the application's container to do: 'stopped' after Stop, until Start. The reconciler never
-- starts, nor redeploys, a stopped application's container.
ALTER TABLE applications ADD COLUMN run_state text NOT NULL DEFAULT 'running' CHECK (run_state IN ('running', 'stopped'));
