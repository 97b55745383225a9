-- GoForge schema, version 16: which repositories may reach the panel's own host and network, and the host each
-- repository credential was saved for.
-- Forward-only: never edit this file after it has landed; add a new numbered script instead.

-- "Allow local and private repositories" as an administrator saved it; while the row is missing GoForge:Git applies
-- (off by default). One row: its id is fixed.
CREATE TABLE repository_network_settings (
    id                       uuid        PRIMARY KEY CHECK (id = '00000000-0000-0000-0000-726570736e74'),
    allow_local_and_private  boolean     NOT NULL,
    updated_at               timestamptz NOT NULL,
    updated_by               uuid        NULL REFERENCES users (id) ON DELETE SET NULL
);

-- A credential is sent only to a repository on the host it was saved for (lower case; IPv6 in brackets).
ALTER TABLE git_credentials ADD COLUMN host text NULL CHECK (char_length(host) BETWEEN 1 AND 255);

-- Existing credentials take the host of the repository they served: an application's own URL, or for a project's
-- credential the one host all the project's applications use. Local paths name no host; a credential left without
-- one is not used until saved again (the deployment log says so).
WITH app_hosts AS (
    SELECT id, project_id, lower(CASE
        WHEN git_url ~ '^[A-Za-z][A-Za-z0-9+.-]*://' AND git_url !~* '^file:'
            THEN substring(git_url FROM '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/]*@)?(\[[^]/]+\]|[^:/?#]+)')
        WHEN git_url !~ '://' AND git_url ~ '^[^/:]+:' AND git_url !~ '^[./\\]'
            THEN substring(git_url FROM '^(?:[^@/:]*@)?([^@/:]+):')
        ELSE NULL
    END) AS host
    FROM applications
),
project_hosts AS (
    SELECT project_id, min(host) AS host
    FROM app_hosts
    GROUP BY project_id
    HAVING count(DISTINCT host) = 1 AND bool_and(host IS NOT NULL)
)
UPDATE git_credentials c
SET host = COALESCE(
    (SELECT a.host FROM app_hosts a WHERE a.id = c.application_id),
    CASE WHEN c.application_id IS NULL THEN (SELECT p.host FROM project_hosts p WHERE p.project_id = c.project_id) END);
