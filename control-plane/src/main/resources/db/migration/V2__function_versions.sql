-- Every deploy's immutable version; one active per function. IF NOT EXISTS for the same reason as V1.
CREATE TABLE IF NOT EXISTS function_versions (
    name         TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    route_key    TEXT    NOT NULL,
    code_digest  TEXT    NOT NULL,
    descriptor   TEXT    NOT NULL,
    build_output TEXT    NOT NULL,
    deployed_at  BIGINT  NOT NULL,
    deployed_by  TEXT    NOT NULL,
    active       INTEGER NOT NULL,
    PRIMARY KEY (name, version)
);
