-- Cluster mode: every node's invocation records in one table, so any node shows any call. Columns
-- as in a node's own calls.db, plus the node that ran the call and the first 8 KiB of its stderr
-- (the log lines, readable from any node). On SQLite the table exists but stays empty: one node
-- keeps its records in <data-dir>/calls.db.
CREATE TABLE invocations (
    id            ${row_id},
    call_id       TEXT    NOT NULL,
    function      TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    worker        INTEGER NOT NULL,
    started       BIGINT  NOT NULL,
    duration_us   BIGINT  NOT NULL,
    queue_wait_us BIGINT  NOT NULL,
    status        INTEGER NOT NULL,
    outcome       TEXT    NOT NULL,
    exit_code     INTEGER NOT NULL,
    cold          INTEGER NOT NULL,
    cpu_us        BIGINT  NOT NULL,
    peak_rss_kb   BIGINT  NOT NULL,
    node          TEXT    NOT NULL,
    stderr        TEXT    NOT NULL
);

-- a function's newest records (the list, the per-function cap)
CREATE INDEX invocations_by_function ON invocations (function, started DESC);
-- one call by id
CREATE INDEX invocations_by_call ON invocations (call_id);
-- the age prune: without it every node's prune would read the whole table once a minute
CREATE INDEX invocations_by_started ON invocations (started);
