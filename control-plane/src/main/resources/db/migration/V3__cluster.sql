-- Cluster mode: built artifacts by digest, which version uses which, a change counter the nodes poll,
-- and the node registry. On SQLite the tables exist but stay empty.
CREATE TABLE artifacts (
    digest  TEXT PRIMARY KEY,
    content ${blob} NOT NULL,
    size    BIGINT NOT NULL,
    created BIGINT NOT NULL
);

CREATE TABLE version_artifacts (
    name    TEXT    NOT NULL,
    version INTEGER NOT NULL,
    digest  TEXT    NOT NULL,
    PRIMARY KEY (name, version)
);

CREATE TABLE store_changes (
    id      INTEGER PRIMARY KEY,
    counter BIGINT NOT NULL
);

INSERT INTO store_changes (id, counter) VALUES (1, 0);

CREATE TABLE nodes (
    id        TEXT PRIMARY KEY,
    address   TEXT    NOT NULL,
    version   TEXT    NOT NULL,
    started   BIGINT  NOT NULL,
    heartbeat BIGINT  NOT NULL,
    workers   INTEGER NOT NULL,
    in_flight INTEGER NOT NULL
);
