-- GoForge schema, version 4: deployments and the record of every state they went through.
-- The state column is the truth the worker and the UI read; each change is written with its transition row in one
-- transaction, and only when the row is still in the state the change started from.

CREATE TABLE deployments (
    id             uuid        PRIMARY KEY,
    application_id uuid        NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    state          text        NOT NULL CHECK (state IN ('pending', 'cloning', 'building', 'deploying', 'running',
                                                         'failed', 'canceled', 'rolledback', 'superseded')),
    source         text        NOT NULL CHECK (source IN ('manual', 'webhook', 'rollback', 'api')),
    requested_by   uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    commit_sha     text        NULL CHECK (commit_sha ~ '^[0-9a-f]{40}([0-9a-f]{24})?$'),
    commit_message text        NULL,
    commit_author  text        NULL,
    rollback_of    uuid        NULL REFERENCES deployments (id) ON DELETE SET NULL,
    image_tag      text        NULL,
    container_id   text        NULL,
    reason         text        NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);

-- The queue: pending deployments in order.
CREATE INDEX deployments_pending_idx ON deployments (created_at, id) WHERE state = 'pending';
CREATE INDEX deployments_application_idx ON deployments (application_id, created_at DESC);

CREATE TABLE deployment_transitions (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deployment_id uuid        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    from_state    text        NULL,
    to_state      text        NOT NULL,
    reason        text        NULL,
    actor_user_id uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    occurred_at   timestamptz NOT NULL
);

CREATE INDEX deployment_transitions_deployment_idx ON deployment_transitions (deployment_id, id);
