-- GoForge schema, version 14: every application container gets a process limit and drops NET_RAW unless the
-- application allows raw sockets (docs/deployments/container-defaults.md). Existing applications get the defaults;
-- they apply from their next deployment.

ALTER TABLE applications
    ADD COLUMN pids_limit        integer NOT NULL DEFAULT 1024 CHECK (pids_limit BETWEEN 16 AND 32768),
    ADD COLUMN allow_raw_sockets boolean NOT NULL DEFAULT false;
