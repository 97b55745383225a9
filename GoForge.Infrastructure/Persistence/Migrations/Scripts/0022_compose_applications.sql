-- GoForge schema, version 22: compose applications as data (docs/decisions/compose-app-settings.md).
-- Forward-only: never edit this file after it has landed; add a new numbered script instead.

-- A compose application is cloned like a Git one and names the compose file to read inside the repository. The path
-- was validated by Core (ComposeSourceRules); the checks here hold the shape whatever wrote the row: relative, no
-- '.' or '..' segment, no leading '/' or '-', ending .yml or .yaml, at most 255 characters; and only a compose application has one.
ALTER TABLE applications DROP CONSTRAINT applications_source_kind_check;
ALTER TABLE applications
    ADD CONSTRAINT applications_source_kind_check CHECK (source_kind IN ('git', 'image', 'compose')),
    ADD COLUMN compose_path text NULL CHECK (
        char_length(compose_path) BETWEEN 5 AND 255
        AND compose_path ~ '^\.?[A-Za-z0-9_][A-Za-z0-9._-]*(/\.?[A-Za-z0-9_][A-Za-z0-9._-]*)*\.ya?ml$'),
    ADD CONSTRAINT applications_compose_source_check CHECK ((source_kind = 'compose') = (compose_path IS NOT NULL));

-- The compose service a domain routes to; null for any other application's domain. The domain stays unique across
-- GoForge (host, path_prefix) whatever the service: a domain is held by an application, never by two services.
ALTER TABLE application_domains
    ADD COLUMN service_name text NULL CHECK (service_name ~ '^[a-z0-9][a-z0-9_-]{0,62}$');

-- The compose services a variable reaches; null reaches every service (and is the only value for other applications).
-- At most 32 names, each a service name, no empty array (the repository stores "every service" as null).
ALTER TABLE environment_variables
    ADD COLUMN services text[] NULL CHECK (
        cardinality(services) BETWEEN 1 AND 32
        AND array_ndims(services) = 1
        AND array_to_string(services, ',', '') ~ '^[a-z0-9][a-z0-9_-]{0,62}(,[a-z0-9][a-z0-9_-]{0,62})*$');
