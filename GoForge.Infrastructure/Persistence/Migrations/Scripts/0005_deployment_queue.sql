-- GoForge schema, version 5: one active deployment per application, enforced by the database, and deployment logs.

-- Cloning, building or deploying: at most one per application. A second worker (or a race) cannot start another.
CREATE UNIQUE INDEX deployments_one_active_per_application
    ON deployments (application_id) WHERE state IN ('cloning', 'building', 'deploying');

-- Log lines as shown to users: secrets already masked before they are written.
CREATE TABLE deployment_log_lines (
    deployment_id uuid        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    line_no       integer     NOT NULL,
    logged_at     timestamptz NOT NULL,
    text          text        NOT NULL,
    PRIMARY KEY (deployment_id, line_no)
);
