-- GoForge schema, version 6: image retention. A deployment's image is kept for rollbacks until the retention
-- policy removes it; image_pruned_at records when, so a pruned image is never offered as a rollback target.
ALTER TABLE deployments ADD COLUMN image_pruned_at timestamptz NULL;

CREATE INDEX deployments_images_idx ON deployments (application_id, created_at DESC)
    WHERE image_tag IS NOT NULL AND image_pruned_at IS NULL;
