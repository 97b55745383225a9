-- GoForge schema, version 19: BuildKit builds: the Dockerfile stage an application builds (--target) and the build
-- cache records that are GoForge's.
-- Forward-only: never edit this file after it has landed; add a new numbered script instead.

-- NULL builds the Dockerfile's last stage. The same rule as GoForge.Core's BuildTargetRules, kept here too so no
-- writer can store a name the builder would read as anything but a stage name.
ALTER TABLE applications ADD COLUMN build_target text NULL
    CHECK (build_target ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$');

-- BuildKit's cache records carry no labels, and the engine ignores a label filter when pruning: GoForge tells its own
-- records from other owners' on a shared engine by writing down the ids that appeared during its builds. Only these
-- are pruned to keep GoForge:Builds:CacheBudgetBytes, or by an admin's "GoForge's only" prune.
CREATE TABLE build_cache_records (
    id          text        PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9]{1,128}$'),
    recorded_at timestamptz NOT NULL
);
