-- GoForge schema, version 15: services' domains are looked up by host when a domain is claimed (docs/routing/domains.md).
-- Applications' domains already have one (the UNIQUE (host, path_prefix) index). Ownership itself is decided by the
-- saving transaction under an advisory lock per host, not by a constraint: data saved before this version may hold
-- conflicts, which administrators see on the domains overview, and a constraint would stop the upgrade.

CREATE INDEX service_instances_domain_idx ON service_instances (domain) WHERE domain IS NOT NULL;
