-- GoForge schema, version 31: how long audit events are kept (docs/decisions/audit-log.md, "Retention").
-- Forward-only: never edit this file after it has landed; add a new numbered script instead.

-- "Keep audit events for N days" as an administrator saved it; while the row is missing the default (365) applies.
-- One row: its id is fixed. The bounds are Core's (AuditRetention), checked here too.
CREATE TABLE audit_retention (
    id          smallint    PRIMARY KEY CHECK (id = 1),
    days        integer     NOT NULL CHECK (days BETWEEN 30 AND 3650),
    updated_at  timestamptz NOT NULL,
    updated_by  uuid        NULL REFERENCES users (id) ON DELETE SET NULL
);

