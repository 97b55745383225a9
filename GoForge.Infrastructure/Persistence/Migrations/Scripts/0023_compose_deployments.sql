-- GoForge schema, version 23: what a compose application's deployment holds beyond a single-container one's
-- (docs/deployments/compose-ui-and-cleanup.md). Forward-only: never edit this file after it has landed.

-- The compose file and the files it names, as read from the deployment's commit: path -> text. A rollback, an Apply or
-- a recovery reads them again without a clone. Not secret (the repository's own files; variables are never stored here).
-- The repository refuses a snapshot over 1 MiB; the CHECK is the backstop (JSON escaping can grow the text).
CREATE TABLE compose_snapshots (
    deployment_id uuid        PRIMARY KEY REFERENCES deployments (id) ON DELETE CASCADE,
    compose_path  text        NOT NULL CHECK (length(compose_path) BETWEEN 1 AND 1024),
    files         jsonb       NOT NULL CHECK (jsonb_typeof(files) = 'object' AND files ? compose_path
                                              AND octet_length(files::text) <= 4194304),
    created_at    timestamptz NOT NULL
);

-- One row per service of a compose deployment: where it is, what it runs, and its container.
CREATE TABLE compose_services (
    deployment_id uuid        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    service       text        NOT NULL CHECK (service ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$'),
    position      integer     NOT NULL CHECK (position >= 0),
    image_tag     text        NULL CHECK (length(image_tag) <= 512),
    container_id  text        NULL CHECK (length(container_id) BETWEEN 1 AND 128),
    routed        boolean     NOT NULL,
    state         text        NOT NULL CHECK (state IN ('pending', 'building', 'pulling', 'ready', 'starting', 'running',
                                                        'completed', 'failed', 'removed')),
    reason        text        NULL CHECK (length(reason) <= 4000),
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, service)
);

-- The reconciler and the teardown ask which deployment a container belongs to.
CREATE INDEX compose_services_container_idx ON compose_services (container_id) WHERE container_id IS NOT NULL;
