-- GoForge schema, version 29: a preview's deployments (docs/decisions/previews.md).
-- A deployment with a preview_id builds and serves that pull request's preview; its queue lane is (application,
-- preview), so it never supersedes, blocks or retires the application's own deployments, nor they its.
-- Deleting a preview deletes its deployments (their containers are removed by the teardown first; a crash between
-- leaves containers whose deployment is gone, which the reconciler removes as its own).
ALTER TABLE deployments ADD COLUMN preview_id uuid NULL REFERENCES previews (id) ON DELETE CASCADE;

CREATE INDEX deployments_preview_idx ON deployments (preview_id, created_at) WHERE preview_id IS NOT NULL;

-- At most one active deployment per application and lane (the application's own lane has no preview).
DROP INDEX deployments_one_active_per_application;
CREATE UNIQUE INDEX deployments_one_active_per_application
    ON deployments (application_id, COALESCE(preview_id, '00000000-0000-0000-0000-000000000000'::uuid))
    WHERE state IN ('cloning', 'building', 'pulling', 'deploying');
