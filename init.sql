-- Route table of a fresh data directory. Run once, when faas_meta.db does not exist yet.
-- k: METHOD:/path, v: function descriptor JSON (module paths relative to the data directory),
-- updated: Unix seconds of the last change (the route sync also watches PRAGMA data_version).
CREATE TABLE IF NOT EXISTS functions (
    k       TEXT PRIMARY KEY,
    v       TEXT NOT NULL,
    updated INTEGER NOT NULL
);

INSERT OR IGNORE INTO functions (k, v, updated) VALUES
    ('POST:/resize',
     '{"name":"resize","runtime":"php","module":"functions/resize/1/resize.php","handler":"main","memory":64,"timeout":5,"version":1}',
     CAST(strftime('%s', 'now') AS INTEGER)),
    ('GET:/ping',
     '{"name":"ping","runtime":"php","module":"functions/ping/1/ping.php","handler":"main","memory":64,"timeout":5,"version":1}',
     CAST(strftime('%s', 'now') AS INTEGER)),
    ('POST:/api/hello',
     '{"name":"hello","runtime":"php","module":"functions/hello/1/hello.php","handler":"main","memory":64,"timeout":5,"version":1}',
     CAST(strftime('%s', 'now') AS INTEGER)),
    ('GET:/api/info',
     '{"name":"info","runtime":"php","module":"functions/info/1/info.php","handler":"main","memory":64,"timeout":5,"version":1}',
     CAST(strftime('%s', 'now') AS INTEGER));
