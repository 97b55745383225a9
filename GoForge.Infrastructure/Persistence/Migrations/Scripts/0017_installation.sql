-- GoForge schema, version 17: the installation's identity and the reconciler (docs/deployments/after-a-crash.md).
-- Forward-only: never edit this file after it has landed; add a new numbered script instead.

-- A random id made once per database. Every container, network and volume GoForge creates carries it
-- (goforge.installation), so the reconciler touches only what this installation made, never another panel's
-- resources on a shared engine. One row: its key is fixed.
CREATE TABLE installation (
    singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    id         uuid        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO installation (id) VALUES (gen_random_uuid());

-- A deployment the reconciler queued because the running deployment's container was gone: it starts that image again.
ALTER TABLE deployments DROP CONSTRAINT deployments_source_check;
ALTER TABLE deployments ADD CONSTRAINT deployments_source_check CHECK (source IN ('manual', 'webhook', 'rollback', 'api', 'recovery'));

-- An application's event list reads its audit events by target, newest first.
CREATE INDEX audit_events_target_idx ON audit_events (target, id DESC);
