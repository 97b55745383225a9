-- GoForge schema, version 7: routing settings per application (redirects, basic auth, allow-list, rate limit,
-- response headers, strip prefix, compression, certificate resolver). Its own table, one row per application, gone
-- with the application. No row means the defaults (HTTPS redirect on, nothing else).
-- Lists are parallel arrays; basic-auth passwords are bcrypt hashes only, never the password.
CREATE TABLE application_routing (
    application_id         uuid        PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    redirect_to_https      boolean     NOT NULL,
    www_redirect           text        NOT NULL CHECK (www_redirect IN ('none', 'to-www', 'to-apex')),
    basic_auth_user_names  text[]      NOT NULL,
    basic_auth_hashes      text[]      NOT NULL,
    ip_allow_list          text[]      NOT NULL CHECK (cardinality(ip_allow_list) <= 100),
    rate_limit_average     integer     NULL CHECK (rate_limit_average BETWEEN 1 AND 10000),
    rate_limit_burst       integer     NULL CHECK (rate_limit_burst BETWEEN 1 AND 100000),
    security_headers       boolean     NOT NULL,
    response_header_names  text[]      NOT NULL,
    response_header_values text[]      NOT NULL,
    strip_path_prefix      boolean     NOT NULL,
    compression            boolean     NOT NULL,
    cert_resolver          text        NULL CHECK (cert_resolver ~ '^[A-Za-z][A-Za-z0-9_-]{0,63}$'),
    updated_at             timestamptz NOT NULL,
    CHECK (cardinality(basic_auth_user_names) = cardinality(basic_auth_hashes) AND cardinality(basic_auth_hashes) <= 20),
    CHECK (cardinality(response_header_names) = cardinality(response_header_values) AND cardinality(response_header_names) <= 30),
    CHECK ((rate_limit_average IS NULL) = (rate_limit_burst IS NULL))
);
