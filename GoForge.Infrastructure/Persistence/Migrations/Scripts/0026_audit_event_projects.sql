-- GoForge schema, version 26: an audit event names the project it belongs to, so a project's maintainers can read
-- their projects' events (docs/decisions/audit-log.md). Forward-only: never edit this file after it has landed; add a
-- new numbered script instead.

-- No foreign key: a project's events outlive the project (its deletion is one of them), and administrators still
-- read them by its id. NULL: an installation-wide event (sign-ins, users, settings, the panel's own backups).
ALTER TABLE audit_events ADD COLUMN project_id uuid NULL;

-- The maintainer's read and the project filter: one project's events, newest first, by id (keyset).
CREATE INDEX audit_events_project_idx ON audit_events (project_id, id DESC) WHERE project_id IS NOT NULL;

-- The actor filter: one person's events, newest first, by id (keyset).
CREATE INDEX audit_events_actor_idx ON audit_events (actor_user_id, id DESC) WHERE actor_user_id IS NOT NULL;

-- Backfill only what the rows prove. Ids are never reused, so an id in a target or detail names one project forever;
-- slugs are reused after a deletion (and an application's or service's slug is unique only within its environment),
-- so events that name their subject only by slug are left NULL: administrators still read them, maintainers do not.

-- project:<uuid> (project.updated, member.set, member.removed): the id is the project's.
UPDATE audit_events
SET project_id = substring(target FROM 9)::uuid
WHERE project_id IS NULL
  AND target ~ '^project:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

-- environment.created / environment.deleted carry "project <uuid>" as their detail.
UPDATE audit_events
SET project_id = substring(detail FROM 9)::uuid
WHERE project_id IS NULL
  AND action IN ('environment.created', 'environment.deleted')
  AND detail ~ '^project [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

-- application:<uuid> (the runtime and reconciler events): the application's project, while the application exists.
UPDATE audit_events e
SET project_id = a.project_id
FROM applications a
WHERE e.project_id IS NULL
  AND e.target ~ '^application:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
  AND a.id = substring(e.target FROM 13)::uuid;

-- service:<uuid> (the reconciler's service events): the service's project, while the service exists.
UPDATE audit_events e
SET project_id = s.project_id
FROM service_instances s
WHERE e.project_id IS NULL
  AND e.target ~ '^service:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
  AND s.id = substring(e.target FROM 9)::uuid;

-- application.created carries "environment <uuid>" as its detail: that environment's project, while it exists.
UPDATE audit_events e
SET project_id = env.project_id
FROM environments env
WHERE e.project_id IS NULL
  AND e.action = 'application.created'
  AND e.detail ~ '^environment [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
  AND env.id = substring(e.detail FROM 13)::uuid;
