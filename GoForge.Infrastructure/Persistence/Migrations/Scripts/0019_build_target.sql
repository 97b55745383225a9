-- GoForge schema, version 19: the Dockerfile stage an application builds (BuildKit's --target).
-- Forward-only: never edit this file after it has landed; add a new numbered script instead.

-- NULL builds the Dockerfile's last stage. The same rule as GoForge.Core's BuildTargetRules, kept here too so no
-- writer can store a name the builder would read as anything but a stage name.
ALTER TABLE applications ADD COLUMN build_target text NULL
    CHECK (build_target ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$');
