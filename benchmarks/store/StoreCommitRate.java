import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many store transactions per second PostgreSQL commits on this machine, for the two write
 * shapes cluster mode has: the async enqueue group commit (one duplicate check plus one batched
 * INSERT per transaction, batch sizes as GroupCommit forms them under load) and a redeploy's
 * transaction (the statements Deployer.switchTo runs, one expired version included). The tables
 * are those of db/migration and of JdbcCallQueue; the database is created with a random name and
 * dropped at the end. Run from the repository root (docs/SCALING.md has the results):
 *
 *   java -cp ~/.m2/repository/org/postgresql/postgresql/42.7.11/postgresql-42.7.11.jar \
 *        benchmarks/store/StoreCommitRate.java jdbc:postgresql://127.0.0.1:5432/ postgres 5
 *
 * Arguments: server URL ending in '/', user, seconds per scenario.
 */
public class StoreCommitRate {

    static String server;
    static String user;
    static int seconds;
    static String database;
    static int run; // each redeploy scenario writes functions of its own

    public static void main(String[] args) throws Exception {
        server = args.length > 0 ? args[0] : "jdbc:postgresql://127.0.0.1:5432/";
        user = args.length > 1 ? args[1] : "postgres";
        seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        database = "commitrate_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        admin("CREATE DATABASE " + database);
        try {
            try (Connection c = connect()) {
                settings(c);
                schema(c);
            }
            for (int batch : new int[] {1, 16, 256}) {
                for (int writers : new int[] {1, 4}) {
                    report("enqueue batch " + batch, writers, batch, run(writers, (c, n) -> enqueue(c, batch)));
                }
            }
            for (int writers : new int[] {1, 4}) {
                run++;
                report("redeploy", writers, 1, run(writers, StoreCommitRate::redeploy));
            }
        } finally {
            admin("DROP DATABASE " + database);
        }
    }

    interface Transaction {
        void run(Connection c, long n) throws SQLException;
    }

    /** Runs the transaction in a loop on `writers` connections for `seconds`; returns commits. */
    static long run(int writers, Transaction tx) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong commits = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread thread = new Thread(() -> {
                try (Connection c = connect()) {
                    c.setAutoCommit(false);
                    for (long n = 0; !stop.get(); n++) {
                        tx.run(c, writer * 1_000_000_000L + n);
                        c.commit();
                        commits.incrementAndGet();
                    }
                } catch (Exception e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        return commits.get();
    }

    static void report(String what, int writers, int rowsPerCommit, long commits) {
        double perSecond = commits / (double) seconds;
        System.out.printf(Locale.ROOT, "%-20s writers %d: %8.0f commits/s, %9.0f rows/s%n", what, writers, perSecond,
                perSecond * rowsPerCommit);
    }

    /** JdbcCallQueue.insertBatch: SELECT the ids already taken, then one batched INSERT. */
    static void enqueue(Connection c, int batch) throws SQLException {
        List<String> ids = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        StringBuilder in = new StringBuilder("SELECT call_id FROM async_calls WHERE call_id IN (");
        for (int i = 0; i < batch; i++) {
            in.append(i == 0 ? "?" : ", ?");
        }
        try (PreparedStatement p = c.prepareStatement(in.append(')').toString())) {
            for (int i = 0; i < batch; i++) {
                p.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    throw new IllegalStateException("random id taken");
                }
            }
        }
        long now = System.currentTimeMillis();
        try (PreparedStatement p = c.prepareStatement("INSERT INTO async_calls (call_id, function_name, method, path,"
                + " query, headers, body, callback_url, state, attempts, max_attempts, next_run_at, enqueued_at,"
                + " callback_attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, 0)")) {
            for (String id : ids) {
                p.setString(1, id);
                p.setString(2, "hello");
                p.setString(3, "POST");
                p.setString(4, "/api/hello");
                p.setString(5, "");
                p.setString(6, "{\"Content-Type\":[\"application/json\"]}");
                p.setBytes(7, "{\"name\":\"Alice\"}".getBytes());
                p.setString(8, null);
                p.setInt(9, 3);
                p.setLong(10, now);
                p.setLong(11, now);
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    /**
     * Deployer.switchTo for a redeploy of one of 50 functions that keeps the route, with one version
     * past retention: 11 statements (route upsert, 2 version writes, 2 artifact writes, the version
     * list, 3 retention deletes, the change counter, NOTIFY) plus the commit.
     */
    static void redeploy(Connection c, long n) throws SQLException {
        long i = n % 1_000_000_000L;
        String name = "fn-" + run + "-" + (n / 1_000_000_000L) + "-" + (i % 50);
        int version = (int) (i / 50) + 1;
        long now = System.currentTimeMillis();
        update(c, "INSERT INTO functions (k, v, updated) VALUES (?, ?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v,"
                + " updated = excluded.updated", "POST:/api/" + name, "{\"name\":\"" + name + "\",\"version\":" + version + "}", now);
        update(c, "UPDATE function_versions SET active = 0 WHERE name = ?", name);
        update(c, "INSERT INTO function_versions (name, version, route_key, code_digest, descriptor, build_output,"
                + " deployed_at, deployed_by, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)", name, version, "POST:/api/" + name,
                UUID.randomUUID().toString(), "{}", "gcc -O2 ok", now, "0123456789ab");
        String digest = UUID.randomUUID().toString();
        update(c, "INSERT INTO artifacts (digest, content, size, created) VALUES (?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING",
                digest, new byte[16 * 1024], 16 * 1024L, now); // a stripped C hello is about 16 KB
        update(c, "INSERT INTO version_artifacts (name, version, digest) VALUES (?, ?, ?) ON CONFLICT (name, version)"
                + " DO UPDATE SET digest = excluded.digest", name, version, digest);
        try (PreparedStatement p = c.prepareStatement("SELECT name, version, route_key, code_digest, descriptor,"
                + " build_output, deployed_at, deployed_by, active FROM function_versions WHERE name = ? ORDER BY version DESC")) {
            p.setString(1, name);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    rs.getString(5);
                }
            }
        }
        int expired = version - 5; // faas.deploy.keep-versions defaults to 5
        update(c, "DELETE FROM function_versions WHERE name = ? AND version = ?", name, expired);
        update(c, "DELETE FROM version_artifacts WHERE name = ? AND version = ?", name, expired);
        update(c, "DELETE FROM artifacts WHERE digest NOT IN (SELECT digest FROM version_artifacts)");
        update(c, "UPDATE store_changes SET counter = counter + 1 WHERE id = 1");
        update(c, "NOTIFY faasj_routes");
    }

    static void update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                p.setObject(i + 1, params[i]);
            }
            p.executeUpdate();
        }
    }

    static void schema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE functions (k TEXT PRIMARY KEY, v TEXT NOT NULL, updated BIGINT NOT NULL)");
            s.execute("CREATE TABLE function_versions (name TEXT NOT NULL, version INTEGER NOT NULL, route_key TEXT NOT NULL,"
                    + " code_digest TEXT NOT NULL, descriptor TEXT NOT NULL, build_output TEXT NOT NULL, deployed_at BIGINT"
                    + " NOT NULL, deployed_by TEXT NOT NULL, active INTEGER NOT NULL, PRIMARY KEY (name, version))");
            s.execute("CREATE TABLE artifacts (digest TEXT PRIMARY KEY, content BYTEA NOT NULL, size BIGINT NOT NULL,"
                    + " created BIGINT NOT NULL)");
            s.execute("CREATE TABLE version_artifacts (name TEXT NOT NULL, version INTEGER NOT NULL, digest TEXT NOT NULL,"
                    + " PRIMARY KEY (name, version))");
            s.execute("CREATE TABLE store_changes (id INTEGER PRIMARY KEY, counter BIGINT NOT NULL)");
            s.execute("INSERT INTO store_changes (id, counter) VALUES (1, 0)");
            s.execute("CREATE TABLE async_calls (call_id TEXT PRIMARY KEY, function_name TEXT NOT NULL, method TEXT NOT NULL,"
                    + " path TEXT NOT NULL, query TEXT, headers TEXT NOT NULL, body BYTEA, callback_url TEXT, state TEXT NOT NULL,"
                    + " attempts INTEGER NOT NULL, max_attempts INTEGER NOT NULL, next_run_at BIGINT NOT NULL,"
                    + " enqueued_at BIGINT NOT NULL, callback_attempts INTEGER NOT NULL)");
            s.execute("CREATE INDEX async_calls_due ON async_calls (state, next_run_at)");
        }
    }

    static void settings(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version(), current_setting('fsync'), current_setting('synchronous_commit'),"
                     + " current_setting('wal_sync_method'), current_setting('commit_delay')")) {
            rs.next();
            System.out.printf("%s%nfsync=%s synchronous_commit=%s wal_sync_method=%s commit_delay=%s, %d s per scenario%n",
                    rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), seconds);
        }
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(server + database, user, "");
    }

    static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(server + "postgres", user, "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
