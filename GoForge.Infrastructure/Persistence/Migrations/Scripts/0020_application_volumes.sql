-- GoForge schema, version 20: an application's persistent mounts (docs/deployments/volumes.md).
-- Forward-only: never edit this file after it has landed; add a new numbered script instead.

-- A named engine volume (kind 'volume', named goforge-appvol-<id>-<name> and labelled with its owners) or an
-- administrator-allowed bind mount of a host folder (kind 'bind'). Rows go with their application; the engine volumes
-- are kept unless the user deletes them (a volume delete, or an application delete with "also delete volumes").
CREATE TABLE application_volumes (
    id             uuid        PRIMARY KEY,
    application_id uuid        NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    name           text        NOT NULL CHECK (name ~ '^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$'),
    mount_path     text        NOT NULL CHECK (mount_path LIKE '/_%' AND length(mount_path) <= 255),
    kind           text        NOT NULL CHECK (kind IN ('volume', 'bind')),
    host_path      text        CHECK (host_path LIKE '/_%' AND length(host_path) <= 255),
    created_at     timestamptz NOT NULL,
    CHECK ((kind = 'bind') = (host_path IS NOT NULL)),
    UNIQUE (application_id, name),
    UNIQUE (application_id, mount_path)
);

-- Bind mounts to host folders, allowed per application by an administrator; no row means refused.
CREATE TABLE application_mount_settings (
    application_id    uuid        PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    allow_bind_mounts boolean     NOT NULL,
    updated_by        uuid        REFERENCES users (id) ON DELETE SET NULL,
    updated_at        timestamptz NOT NULL
);
