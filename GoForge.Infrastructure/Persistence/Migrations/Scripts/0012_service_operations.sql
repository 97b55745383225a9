-- GoForge schema, version 12: services get the deployments' model (docs/decisions/services.md#operations).
-- service_operations is the durable queue of what was asked of a service (create, start, stop, restart, version
-- change, delete), worked by the ServiceWorker; at most one queued or running per service. service_id has no foreign
-- key: a delete's record outlives the service it removed. service_transitions records every state change.

CREATE TABLE service_operations (
    id           uuid        PRIMARY KEY,
    service_id   uuid        NOT NULL,
    project_id   uuid        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    kind         text        NOT NULL CHECK (kind IN ('create', 'start', 'stop', 'restart', 'version', 'delete')),
    state        text        NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    version      text        NULL CHECK (char_length(version) BETWEEN 1 AND 128),
    keep_volumes boolean     NOT NULL DEFAULT true,
    requested_by uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    outcome      text        NULL CHECK (char_length(outcome) <= 2000),
    created_at   timestamptz NOT NULL,
    started_at   timestamptz NULL,
    ended_at     timestamptz NULL
);

CREATE UNIQUE INDEX service_operations_one_in_flight_idx ON service_operations (service_id) WHERE state IN ('queued', 'running');
CREATE INDEX service_operations_queued_idx ON service_operations (created_at, id) WHERE state = 'queued';
CREATE INDEX service_operations_service_idx ON service_operations (service_id, created_at);

CREATE TABLE service_transitions (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_id  uuid        NOT NULL REFERENCES service_instances (id) ON DELETE CASCADE,
    from_state  text        NOT NULL,
    to_state    text        NOT NULL,
    reason      text        NULL,
    occurred_at timestamptz NOT NULL
);

CREATE INDEX service_transitions_service_idx ON service_transitions (service_id, id);
