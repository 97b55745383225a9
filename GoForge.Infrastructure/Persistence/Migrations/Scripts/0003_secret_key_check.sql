-- GoForge schema, version 3: what the secret keys must match. Key ids only; keys never reach the database.

-- Key ids values may be stored under. Every stored value names one (foreign key), so a rotation can drop a key
-- only when nothing uses it, and a value encrypted under a dropped key cannot be written.
CREATE TABLE secret_key_ids (
    key_id   text        PRIMARY KEY,
    added_at timestamptz NOT NULL
);

-- A known value encrypted under the current key. Start-up decrypts it: a wrong or missing key stops GoForge
-- with a clear error instead of reading garbage.
CREATE TABLE secret_key_check (
    id         integer PRIMARY KEY CHECK (id = 1),
    key_id     text    NOT NULL REFERENCES secret_key_ids (key_id),
    ciphertext bytea   NOT NULL
);

-- Values stored before this script keep their key ids.
INSERT INTO secret_key_ids (key_id, added_at)
SELECT DISTINCT value_key_id, now() FROM environment_variables;

ALTER TABLE environment_variables
    ADD CONSTRAINT environment_variables_value_key_id_fkey FOREIGN KEY (value_key_id) REFERENCES secret_key_ids (key_id);

-- Start-up lists the key ids in use, and dropping a key id checks nothing still uses it.
CREATE INDEX environment_variables_value_key_id_idx ON environment_variables (value_key_id);
