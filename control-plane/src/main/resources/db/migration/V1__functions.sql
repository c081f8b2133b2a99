-- The route table: k = METHOD:/path, v = the function descriptor JSON, updated = Unix seconds.
-- IF NOT EXISTS: a data dir from before migrations already has it (baseline).
CREATE TABLE IF NOT EXISTS functions (
    k       TEXT PRIMARY KEY,
    v       TEXT NOT NULL,
    updated BIGINT NOT NULL
);
