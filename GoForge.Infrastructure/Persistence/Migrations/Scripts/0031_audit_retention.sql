-- GoForge schema, version 31: how long audit events are kept, and the API token an event's actor acted through
-- (docs/decisions/audit-log.md).
-- Forward-only: never edit this file after it has landed; add a new numbered script instead.

-- "Keep audit events for N days" as an administrator saved it; while the row is missing the default (365) applies.
-- One row: its id is fixed. The bounds are Core's (AuditRetention), checked here too.
CREATE TABLE audit_retention (
    id          smallint    PRIMARY KEY CHECK (id = 1),
    days        integer     NOT NULL CHECK (days BETWEEN 30 AND 3650),
    updated_at  timestamptz NOT NULL,
    updated_by  uuid        NULL REFERENCES users (id) ON DELETE SET NULL
);


-- The API token the actor acted through (the account stays actor_user_id). No foreign key: an event outlives its
-- token, as it outlives its project.
ALTER TABLE audit_events ADD COLUMN actor_token_id uuid NULL;
