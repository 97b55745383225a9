-- GoForge schema, version 2: projects, their members, environments, applications, domains and variables.
-- Deleting a project (or environment, or application) removes everything below it: nothing is orphaned.

CREATE TABLE projects (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 64),
    slug        text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'),
    description text        NULL CHECK (char_length(description) <= 500),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE project_members (
    project_id uuid        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text        NOT NULL CHECK (role IN ('viewer', 'deployer', 'maintainer')),
    added_at   timestamptz NOT NULL,
    PRIMARY KEY (project_id, user_id)
);

CREATE INDEX project_members_user_id_idx ON project_members (user_id);

CREATE TABLE environments (
    id         uuid        PRIMARY KEY,
    project_id uuid        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name       text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 64),
    slug       text        NOT NULL CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'),
    created_at timestamptz NOT NULL,
    UNIQUE (project_id, slug),
    UNIQUE (id, project_id)
);

CREATE TABLE applications (
    id                uuid         PRIMARY KEY,
    project_id        uuid         NOT NULL,
    environment_id    uuid         NOT NULL,
    name              text         NOT NULL CHECK (char_length(name) BETWEEN 1 AND 64),
    slug              text         NOT NULL CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'),
    git_url           text         NOT NULL CHECK (char_length(git_url) <= 2048),
    branch            text         NOT NULL CHECK (char_length(branch) <= 255),
    build_context     text         NOT NULL CHECK (char_length(build_context) <= 512),
    dockerfile_path   text         NOT NULL CHECK (char_length(dockerfile_path) <= 512),
    container_port    integer      NOT NULL CHECK (container_port BETWEEN 1 AND 65535),
    health_check_path text         NULL,
    memory_limit_mb   integer      NULL CHECK (memory_limit_mb BETWEEN 6 AND 1048576),
    cpu_limit         numeric(6,2) NULL CHECK (cpu_limit BETWEEN 0.01 AND 1024),
    restart_policy    text         NOT NULL CHECK (restart_policy IN ('unless-stopped', 'always', 'on-failure', 'no')),
    auto_deploy       boolean      NOT NULL,
    created_at        timestamptz  NOT NULL,
    updated_at        timestamptz  NOT NULL,
    UNIQUE (environment_id, slug),
    -- The application's project is its environment's project, enforced by the database.
    FOREIGN KEY (environment_id, project_id) REFERENCES environments (id, project_id) ON DELETE CASCADE
);

CREATE INDEX applications_project_id_idx ON applications (project_id);

-- One host name and path routes to one application across GoForge. '' stands for "no path prefix".
CREATE TABLE application_domains (
    application_id uuid    NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    position       integer NOT NULL,
    host           text    NOT NULL CHECK (char_length(host) BETWEEN 1 AND 253),
    path_prefix    text    NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, position),
    UNIQUE (host, path_prefix)
);

-- Values are AES-256-GCM ciphertext (nonce | ciphertext | tag) bound to the row id; never plain text.
CREATE TABLE environment_variables (
    id               uuid        PRIMARY KEY,
    application_id   uuid        NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    key              text        NOT NULL CHECK (key ~ '^[A-Za-z_][A-Za-z0-9_]*$' AND char_length(key) <= 256),
    value_ciphertext bytea       NOT NULL,
    value_key_id     text        NOT NULL,
    is_secret        boolean     NOT NULL,
    is_build_time    boolean     NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    UNIQUE (application_id, key)
);
