package org.faasj.controlplane.async;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.faasj.controlplane.gateway.LocalRequest;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * {@link CallQueue} over JDBC in portable SQL (no upserts, no SQLite-only functions): one table,
 * times as epoch millis, the request and result bodies in a column of one database-specific type
 * (BLOB, BYTEA); the tests run it on SQLite and on PostgreSQL. Here it runs
 * on SQLite, {@code <dataDir>/async.db}, a file of its own: the routes database's data_version
 * would make every enqueue reload all routes. Writes go through one connection, serialised;
 * enqueues are batched by a {@link GroupCommit}. Reads use a second connection (WAL lets them run
 * beside a commit). A claim reads candidates and updates them {@code WHERE state = 'queued'} in
 * one transaction; on a database with row locks the select takes {@code FOR UPDATE SKIP LOCKED}.
 */
public final class JdbcCallQueue implements CallQueue {

    static final String FILE_NAME = "async.db";
    /** The body columns' type on SQLite; the one word of the schema that differs between databases. */
    static final String SQLITE_BYTES = "BLOB";
    static final String POSTGRES_BYTES = "BYTEA";
    private static final int BUSY_TIMEOUT_MILLIS = 5000;
    /** Candidates read per free place, so a claim can skip a function that has no place left. */
    private static final int CANDIDATES_PER_PLACE = 4;
    private static final String PENDING = "pending";
    /** The channel each enqueue notifies on PostgreSQL, so idle dispatchers of every node look at once. */
    public static final String CHANNEL = "faasj_async";
    /** The index behind {@link #recent} and {@link #backlog}. */
    static final String FUNCTION_INDEX = "async_calls_function";
    /** The advisory lock the schema is created under on PostgreSQL. */
    private static final long SCHEMA_LOCK = 7233002;

    private final Object writeLock = new Object();
    private final Object readLock = new Object();
    private final Connections connections;
    private final Claims claims;
    private final boolean postgres;
    private final GroupCommit<NewCall, Enqueued> enqueues;
    /** SQLite: the writer runs with synchronous=NORMAL and switches to FULL for {@link #durably} work. */
    private final boolean switchesSyncMode;
    /** Replaced after a failure leaves it unusable (a restarted PostgreSQL); guarded by {@link #writeLock}. */
    private Connection writer;
    /** Likewise, guarded by {@link #readLock}. */
    private Connection reader;

    /** Opens a new connection to the queue's database. */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    /**
     * Who claims, and how running calls are shared with other nodes.
     *
     * @param nodeId      written on every call this queue claims; finishing a call needs the same id
     * @param shared      other nodes use the same table: recovery at start takes only this node's
     *                    calls, and calls whose lease ran out are queued again by anyone
     * @param leaseMillis how long a claim holds without a renewal ({@link #renewLeases})
     */
    public record Claims(String nodeId, boolean shared, long leaseMillis) {

        /** One node alone on its table: every running row is its own. */
        public static Claims local(String nodeId) {
            return new Claims(nodeId, false, Long.MAX_VALUE / 4);
        }
    }

    /** @param bytesType the type of the body columns ({@link #SQLITE_BYTES}, {@link #POSTGRES_BYTES}) */
    JdbcCallQueue(Connection writer, Connection reader, String bytesType, int maxBatch) throws SQLException {
        this(() -> {
            throw new SQLException("this queue cannot reconnect");
        }, writer, reader, bytesType, maxBatch, Claims.local("local"));
    }

    private JdbcCallQueue(Connections connections, Connection writer, Connection reader, String bytesType,
                          int maxBatch, Claims claims) throws SQLException {
        this.connections = connections;
        this.writer = writer;
        this.reader = reader;
        this.claims = claims;
        this.postgres = POSTGRES_BYTES.equals(bytesType);
        this.switchesSyncMode = !postgres;
        createSchema(bytesType);
        this.enqueues = new GroupCommit<>("async-enqueue", maxBatch, this::insertBatch);
    }

    /**
     * The queue in a shared PostgreSQL database (cluster mode): claims take {@code FOR UPDATE SKIP
     * LOCKED}, each enqueue notifies {@link #CHANNEL}, and broken connections are opened again.
     */
    public static JdbcCallQueue openPostgres(Connections connections, int maxBatch, Claims claims) throws SQLException {
        return new JdbcCallQueue(connections, connections.open(), connections.open(), POSTGRES_BYTES, maxBatch, claims);
    }

    /**
     * The SQLite file, in WAL mode. What a client was promised commits with {@code synchronous=FULL}
     * (a 202 means the call is on disk; a cancel answered 204 stays cancelled). The dispatcher's own
     * bookkeeping (claims, finishes, retries, callback states) commits with NORMAL: in WAL mode that
     * survives a crash of the process, {@code kill -9} included, and only a power cut can lose the
     * last of those commits; the call then runs again or its callback is sent again, which
     * at-least-once allows. Two fsyncs per call made the drain rate the disk's, not the functions'.
     */
    public static JdbcCallQueue openSqlite(Path file, int maxBatch) throws SQLException {
        return openSqlite(file, maxBatch, Claims.local("local"));
    }

    /** The SQLite file, claims recorded under {@code claims}' node id. */
    public static JdbcCallQueue openSqlite(Path file, int maxBatch, Claims claims) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        // every transaction here writes: taking the write lock at BEGIN lets a second connection wait
        // (busy timeout) instead of failing when its read would have to become a write
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file);
        return new JdbcCallQueue(dataSource::getConnection, dataSource.getConnection(), dataSource.getConnection(),
                SQLITE_BYTES, maxBatch, claims);
    }

    /** Runs writer work whose commit must reach the disk before the caller answers. Caller holds the writer's lock. */
    private <V> V durably(Work<V> work) throws SQLException {
        if (!switchesSyncMode) {
            return work.run(); // PostgreSQL commits durably by default
        }
        syncMode("FULL");
        try {
            return work.run();
        } finally {
            syncMode("NORMAL");
        }
    }

    private void syncMode(String mode) throws SQLException {
        try (Statement s = writer.createStatement()) {
            s.execute("PRAGMA synchronous = " + mode);
        }
    }

    /**
     * The queue keeps its own schema (on SQLite it lives in a file of its own, outside the
     * migrated store). On PostgreSQL an advisory lock keeps two nodes starting at once from
     * creating it twice. Columns added since the first release are added to an older table.
     */
    private void createSchema(String bytes) throws SQLException {
        synchronized (writeLock) {
            inTransaction(() -> {
                try (Statement s = writer.createStatement()) {
                    if (postgres) {
                        s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
                    }
                    s.executeUpdate("CREATE TABLE IF NOT EXISTS async_calls ("
                            + "call_id TEXT PRIMARY KEY, function_name TEXT NOT NULL,"
                            + " method TEXT NOT NULL, path TEXT NOT NULL, query TEXT, headers TEXT NOT NULL, body " + bytes + ","
                            + " callback_url TEXT, state TEXT NOT NULL, attempts INTEGER NOT NULL, max_attempts INTEGER NOT NULL,"
                            + " next_run_at BIGINT NOT NULL, enqueued_at BIGINT NOT NULL, started_at BIGINT, finished_at BIGINT,"
                            + " result_status INTEGER, result_headers TEXT, result_body " + bytes + ", result_truncated INTEGER,"
                            + " last_error TEXT, callback_state TEXT, callback_attempts INTEGER NOT NULL,"
                            + " callback_next_at BIGINT, callback_error TEXT, node_id TEXT, lease_until BIGINT, route_version INTEGER)");
                    s.executeUpdate("CREATE INDEX IF NOT EXISTS async_calls_due ON async_calls(state, next_run_at)");
                    s.executeUpdate("CREATE INDEX IF NOT EXISTS async_calls_callbacks ON async_calls(callback_state, callback_next_at)");
                    s.executeUpdate("CREATE INDEX IF NOT EXISTS async_calls_finished ON async_calls(finished_at)");
                    // an operator's view of one function: its calls of one state newest first, and its
                    // counts per state, both read from this index alone and never from the whole table
                    s.executeUpdate("CREATE INDEX IF NOT EXISTS " + FUNCTION_INDEX
                            + " ON async_calls(function_name, state, enqueued_at, call_id)");
                }
                addColumnIfMissing("node_id", "TEXT");
                addColumnIfMissing("lease_until", "BIGINT");
                addColumnIfMissing("route_version", "INTEGER");
                return null;
            });
        }
    }

    /** Portable: asks for the column's name through the driver's metadata, in either case. */
    private void addColumnIfMissing(String column, String type) throws SQLException {
        var meta = writer.getMetaData();
        for (String table : List.of("async_calls", "ASYNC_CALLS")) {
            try (ResultSet rs = meta.getColumns(null, null, table, null)) {
                while (rs.next()) {
                    if (rs.getString("COLUMN_NAME").equalsIgnoreCase(column)) {
                        return;
                    }
                }
            }
        }
        try (Statement s = writer.createStatement()) {
            s.executeUpdate("ALTER TABLE async_calls ADD COLUMN " + column + " " + type);
        }
    }

    @Override
    public Enqueued enqueue(NewCall call) throws QueueException {
        return enqueues.submit(call);
    }

    /** One transaction for the whole batch; an id already stored, or twice in the batch, is refused alone. */
    private List<Enqueued> insertBatch(List<NewCall> batch) throws SQLException {
        synchronized (writeLock) {
            return writing(() -> durably(() -> inTransaction(() -> {
                Set<String> taken = existingIds(batch);
                List<Enqueued> results = new ArrayList<>(batch.size());
                try (PreparedStatement p = writer.prepareStatement("INSERT INTO async_calls (call_id, function_name,"
                        + " method, path, query, headers, body, callback_url, state, attempts, max_attempts, next_run_at,"
                        + " enqueued_at, callback_attempts, route_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, 0, ?)")) {
                    for (NewCall call : batch) {
                        if (!taken.add(call.callId())) {
                            results.add(Enqueued.DUPLICATE_ID);
                            continue;
                        }
                        LocalRequest r = call.request();
                        p.setString(1, r.callId());
                        p.setString(2, call.function());
                        p.setString(3, r.method());
                        p.setString(4, r.path());
                        p.setString(5, r.query());
                        p.setString(6, HeaderJson.write(r.headers()));
                        p.setBytes(7, r.body());
                        p.setString(8, call.callbackUrl());
                        p.setInt(9, call.maxAttempts());
                        p.setLong(10, call.enqueuedAt());
                        p.setLong(11, call.enqueuedAt());
                        p.setInt(12, call.version());
                        p.addBatch();
                        results.add(Enqueued.STORED);
                    }
                    p.executeBatch();
                }
                if (postgres && results.contains(Enqueued.STORED)) {
                    // delivered at commit, to every node listening, this one included
                    try (Statement s = writer.createStatement()) {
                        s.execute("NOTIFY " + CHANNEL);
                    }
                }
                return results;
            })));
        }
    }

    private Set<String> existingIds(List<NewCall> batch) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT call_id FROM async_calls WHERE call_id IN (");
        for (int i = 0; i < batch.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        Set<String> found = new HashSet<>();
        try (PreparedStatement p = writer.prepareStatement(sql.append(')').toString())) {
            for (int i = 0; i < batch.size(); i++) {
                p.setString(i + 1, batch.get(i).callId());
            }
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        }
        return found;
    }

    @Override
    public List<ClaimedCall> claim(long now, int max, Map<String, Integer> perFunctionFree, int perFunctionDefault)
            throws QueueException {
        if (max <= 0) {
            return List.of();
        }
        synchronized (writeLock) {
            return write("claim", () -> inTransaction(() -> {
                List<String> chosen = chooseDue(now, max, perFunctionFree, perFunctionDefault);
                List<ClaimedCall> claimed = new ArrayList<>(chosen.size());
                for (String id : chosen) {
                    ClaimedCall c = markRunning(id, now);
                    if (c != null) {
                        claimed.add(c);
                    }
                }
                return claimed;
            }));
        }
    }

    /** Due queued ids, oldest due first, skipping functions without a free place. */
    private List<String> chooseDue(long now, int max, Map<String, Integer> perFunctionFree, int perFunctionDefault)
            throws SQLException {
        List<String> full = new ArrayList<>();
        perFunctionFree.forEach((f, free) -> {
            if (free <= 0) {
                full.add(f);
            }
        });
        StringBuilder sql = new StringBuilder("SELECT call_id, function_name FROM async_calls"
                + " WHERE state = 'queued' AND next_run_at <= ?");
        if (!full.isEmpty()) {
            sql.append(" AND function_name NOT IN (").append("?, ".repeat(full.size() - 1)).append("?)");
        }
        sql.append(" ORDER BY next_run_at LIMIT ?");
        if (postgres) {
            // another node's claim holds its candidates locked until it commits: take the next ones
            sql.append(" FOR UPDATE SKIP LOCKED");
        }
        Map<String, Integer> free = new LinkedHashMap<>(perFunctionFree);
        List<String> chosen = new ArrayList<>();
        try (PreparedStatement p = writer.prepareStatement(sql.toString())) {
            int i = 1;
            p.setLong(i++, now);
            for (String f : full) {
                p.setString(i++, f);
            }
            p.setInt(i, max * CANDIDATES_PER_PLACE);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next() && chosen.size() < max) {
                    String function = rs.getString(2);
                    int left = free.getOrDefault(function, perFunctionDefault);
                    if (left > 0) {
                        free.put(function, left - 1);
                        chosen.add(rs.getString(1));
                    }
                }
            }
        }
        return chosen;
    }

    private ClaimedCall markRunning(String id, long now) throws SQLException {
        try (PreparedStatement u = writer.prepareStatement("UPDATE async_calls SET state = 'running',"
                + " attempts = attempts + 1, started_at = ?, node_id = ?, lease_until = ?"
                + " WHERE call_id = ? AND state = 'queued'")) {
            u.setLong(1, now);
            u.setString(2, claims.nodeId());
            u.setLong(3, now + claims.leaseMillis());
            u.setString(4, id);
            if (u.executeUpdate() != 1) {
                return null;
            }
        }
        try (PreparedStatement p = writer.prepareStatement("SELECT function_name, method, path, query, headers, body,"
                + " attempts, max_attempts, enqueued_at, route_version FROM async_calls WHERE call_id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                LocalRequest request = new LocalRequest(rs.getString(2), rs.getString(3), rs.getString(4),
                        HeaderJson.read(rs.getString(5)), orEmpty(rs.getBytes(6)), id);
                // route_version is NULL in rows stored before the column came: getInt reads 0, "unknown"
                return new ClaimedCall(rs.getString(1), request, rs.getInt(7), rs.getInt(8), now, rs.getLong(9),
                        rs.getInt(10));
            }
        }
    }

    @Override
    public void finish(String callId, CallState state, CallResult result, long now) throws QueueException {
        if (!state.isFinal() || state == CallState.CANCELLED) {
            throw new IllegalArgumentException("a run ends succeeded or failed, not " + state);
        }
        synchronized (writeLock) {
            write("finish", () -> {
                // the request body is not needed any more: the row keeps only what the API shows
                try (PreparedStatement p = writer.prepareStatement("UPDATE async_calls SET state = ?, finished_at = ?,"
                        + " body = NULL, result_status = ?, result_headers = ?, result_body = ?, result_truncated = ?,"
                        + " last_error = ?, callback_state = CASE WHEN callback_url IS NULL THEN NULL ELSE 'pending' END,"
                        + " callback_next_at = ?, lease_until = NULL"
                        + " WHERE call_id = ? AND state = 'running' AND node_id = ?")) {
                    p.setString(1, state.id());
                    p.setLong(2, now);
                    int i = bindResult(p, 3, result);
                    p.setLong(i++, now);
                    p.setString(i++, callId);
                    p.setString(i, claims.nodeId());
                    return p.executeUpdate();
                }
            });
        }
    }

    @Override
    public void retryLater(String callId, CallResult result, long nextRunAt) throws QueueException {
        synchronized (writeLock) {
            write("retry", () -> {
                try (PreparedStatement p = writer.prepareStatement("UPDATE async_calls SET state = 'queued',"
                        + " next_run_at = ?, result_status = ?, result_headers = ?, result_body = ?, result_truncated = ?,"
                        + " last_error = ?, node_id = NULL, lease_until = NULL"
                        + " WHERE call_id = ? AND state = 'running' AND node_id = ?")) {
                    p.setLong(1, nextRunAt);
                    int i = bindResult(p, 2, result);
                    p.setString(i++, callId);
                    p.setString(i, claims.nodeId());
                    return p.executeUpdate();
                }
            });
        }
    }

    private static int bindResult(PreparedStatement p, int first, CallResult result) throws SQLException {
        int i = first;
        if (result.status() == null) {
            p.setNull(i++, Types.INTEGER);
        } else {
            p.setInt(i++, result.status());
        }
        p.setString(i++, HeaderJson.write(result.headers()));
        p.setBytes(i++, result.body());
        p.setInt(i++, result.truncated() ? 1 : 0);
        p.setString(i++, result.error());
        return i;
    }

    /**
     * The claim never happened as far as the call can tell: its attempt is given back (and its start
     * time when it had no earlier attempt). Other nodes are told, as for a new call.
     */
    @Override
    public void handBack(String callId, long nextRunAt) throws QueueException {
        synchronized (writeLock) {
            write("hand back", () -> {
                int n;
                try (PreparedStatement p = writer.prepareStatement("UPDATE async_calls SET state = 'queued',"
                        + " next_run_at = ?, attempts = attempts - 1,"
                        + " started_at = CASE WHEN attempts = 1 THEN NULL ELSE started_at END,"
                        + " node_id = NULL, lease_until = NULL WHERE call_id = ? AND state = 'running' AND node_id = ?")) {
                    p.setLong(1, nextRunAt);
                    p.setString(2, callId);
                    p.setString(3, claims.nodeId());
                    n = p.executeUpdate();
                }
                notifyQueued(n);
                return n;
            });
        }
    }

    /**
     * On a shared table only this node's calls: another node's running calls are its own business.
     * The other nodes are told, so a clean stop's calls start elsewhere at once, not at a poll.
     */
    @Override
    public int recover(long now) throws QueueException {
        synchronized (writeLock) {
            return write("recover", () -> {
                String mine = claims.shared() ? " AND node_id = ?" : "";
                int n;
                try (PreparedStatement p = writer.prepareStatement(REQUEUE
                        + " WHERE state = 'running'" + mine)) {
                    p.setLong(1, now);
                    p.setString(2, "interrupted: the control plane stopped during this attempt");
                    if (claims.shared()) {
                        p.setString(3, claims.nodeId());
                    }
                    n = p.executeUpdate();
                }
                notifyQueued(n);
                return n;
            });
        }
    }

    /** PostgreSQL, autocommit: after {@code requeued} calls became queued, wake the idle dispatchers of every node. */
    private void notifyQueued(int requeued) throws SQLException {
        if (postgres && requeued > 0) {
            try (Statement s = writer.createStatement()) {
                s.execute("NOTIFY " + CHANNEL);
            }
        }
    }

    /** Puts a running call back in the queue, keeping its counted attempt and granting one more. */
    private static final String REQUEUE = "UPDATE async_calls SET state = 'queued', next_run_at = ?, last_error = ?,"
            + " node_id = NULL, lease_until = NULL,"
            + " max_attempts = CASE WHEN max_attempts > attempts THEN max_attempts ELSE attempts + 1 END";

    @Override
    public int renewLeases(long now) throws QueueException {
        synchronized (writeLock) {
            return write("renew leases", () -> {
                try (PreparedStatement p = writer.prepareStatement("UPDATE async_calls SET lease_until = ?"
                        + " WHERE state = 'running' AND node_id = ?")) {
                    p.setLong(1, now + claims.leaseMillis());
                    p.setString(2, claims.nodeId());
                    return p.executeUpdate();
                }
            });
        }
    }

    /** Alone on its table a node never takes its own calls away: a late renewal is no death. */
    @Override
    public int requeueExpired(long now) throws QueueException {
        if (!claims.shared()) {
            return 0;
        }
        synchronized (writeLock) {
            return write("requeue expired", () -> {
                try (PreparedStatement p = writer.prepareStatement(REQUEUE
                        + " WHERE state = 'running' AND lease_until < ?")) {
                    p.setLong(1, now);
                    p.setString(2, "interrupted: the node running this attempt stopped renewing its lease");
                    p.setLong(3, now);
                    return p.executeUpdate();
                }
            });
        }
    }

    @Override
    public Optional<CallState> cancel(String callId, long now) throws QueueException {
        synchronized (writeLock) {
            return write("cancel", () -> durably(() -> inTransaction(() -> {
                try (PreparedStatement p = writer.prepareStatement("UPDATE async_calls SET state = 'cancelled',"
                        + " finished_at = ?, body = NULL WHERE call_id = ? AND state = 'queued'")) {
                    p.setLong(1, now);
                    p.setString(2, callId);
                    if (p.executeUpdate() == 1) {
                        return Optional.of(CallState.QUEUED);
                    }
                }
                try (PreparedStatement p = writer.prepareStatement("SELECT state FROM async_calls WHERE call_id = ?")) {
                    p.setString(1, callId);
                    try (ResultSet rs = p.executeQuery()) {
                        return rs.next() ? Optional.of(CallState.fromId(rs.getString(1))) : Optional.<CallState>empty();
                    }
                }
            })));
        }
    }

    @Override
    public Optional<CallSnapshot> find(String callId) throws QueueException {
        synchronized (readLock) {
            return read("find", () -> {
                try (PreparedStatement p = reader.prepareStatement("SELECT function_name, state, attempts, max_attempts,"
                        + " enqueued_at, started_at, finished_at, next_run_at, result_status, result_headers, result_body,"
                        + " result_truncated, last_error, callback_url, callback_state, callback_attempts, callback_error"
                        + " FROM async_calls WHERE call_id = ?")) {
                    p.setString(1, callId);
                    try (ResultSet rs = p.executeQuery()) {
                        if (!rs.next()) {
                            return Optional.empty();
                        }
                        return Optional.of(new CallSnapshot(callId, rs.getString(1), CallState.fromId(rs.getString(2)),
                                rs.getInt(3), rs.getInt(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8),
                                result(rs, 9), rs.getString(14), rs.getString(15), rs.getInt(16), rs.getString(17)));
                    }
                }
            });
        }
    }

    /** The result columns starting at {@code first}: status, headers, body, truncated, error. */
    private static CallResult result(ResultSet rs, int first) throws SQLException {
        int status = rs.getInt(first);
        Integer boxed = rs.wasNull() ? null : status;
        String headers = rs.getString(first + 1);
        return new CallResult(boxed, headers == null ? List.of() : HeaderJson.read(headers), rs.getBytes(first + 2),
                rs.getInt(first + 3) == 1, rs.getString(first + 4));
    }

    @Override
    public List<PendingCallback> claimCallbacks(long now, int max, long leaseUntil) throws QueueException {
        synchronized (writeLock) {
            return write("claim callbacks", () -> inTransaction(() -> {
                List<PendingCallback> due = new ArrayList<>();
                try (PreparedStatement p = writer.prepareStatement("SELECT call_id, function_name, callback_url,"
                        + " result_status, result_headers, result_body, result_truncated, last_error, callback_attempts,"
                        + " started_at, finished_at FROM async_calls WHERE callback_state = 'pending'"
                        + " AND callback_next_at <= ? ORDER BY callback_next_at LIMIT ?"
                        + (postgres ? " FOR UPDATE SKIP LOCKED" : ""))) {
                    p.setLong(1, now);
                    p.setInt(2, max);
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            due.add(new PendingCallback(rs.getString(1), rs.getString(2), rs.getString(3), result(rs, 4),
                                    rs.getInt(9), Math.max(0, rs.getLong(11) - rs.getLong(10))));
                        }
                    }
                }
                try (PreparedStatement u = writer.prepareStatement(
                        "UPDATE async_calls SET callback_next_at = ? WHERE call_id = ?")) {
                    for (PendingCallback c : due) {
                        u.setLong(1, leaseUntil);
                        u.setString(2, c.callId());
                        u.addBatch();
                    }
                    u.executeBatch();
                }
                return due;
            }));
        }
    }

    @Override
    public void recordCallback(String callId, String state, int attempts, String error, long nextAt) throws QueueException {
        synchronized (writeLock) {
            write("record callback", () -> {
                try (PreparedStatement p = writer.prepareStatement("UPDATE async_calls SET callback_state = ?,"
                        + " callback_attempts = ?, callback_error = ?, callback_next_at = ? WHERE call_id = ?")) {
                    p.setString(1, state);
                    p.setInt(2, attempts);
                    p.setString(3, error);
                    p.setLong(4, nextAt);
                    p.setString(5, callId);
                    return p.executeUpdate();
                }
            });
        }
    }

    @Override
    public int prune(long cutoff) throws QueueException {
        synchronized (writeLock) {
            return write("prune", () -> {
                try (PreparedStatement p = writer.prepareStatement("DELETE FROM async_calls WHERE finished_at < ?"
                        + " AND state IN ('succeeded', 'failed', 'cancelled')"
                        + " AND (callback_state IS NULL OR callback_state <> '" + PENDING + "')")) {
                    p.setLong(1, cutoff);
                    return p.executeUpdate();
                }
            });
        }
    }

    /** The columns a listing shows: no request, no result headers or body. */
    private static final String LISTED = "call_id, function_name, state, attempts, max_attempts, enqueued_at,"
            + " started_at, finished_at, next_run_at, result_status, result_truncated, last_error, callback_url,"
            + " callback_state, callback_attempts, callback_error";
    /** One state's newest calls of a function, read backwards along {@link #FUNCTION_INDEX}. */
    private static final String NEWEST_OF_STATE = "SELECT " + LISTED + " FROM async_calls"
            + " WHERE function_name = ? AND state = ? ORDER BY enqueued_at DESC, call_id DESC LIMIT ?";

    /**
     * With a state, one walk back along the index. Without, each state's newest {@code limit} (five
     * short index walks, no sort of the function's whole history) merged and cut to {@code limit}:
     * a single index on (function, state, time) serves both, so the enqueue path pays for one
     * more index, not two.
     */
    @Override
    public List<CallSnapshot> recent(String function, CallState state, int limit) throws QueueException {
        List<CallState> states = state == null ? List.of(CallState.values()) : List.of(state);
        synchronized (readLock) {
            return read("list", () -> {
                try (PreparedStatement p = reader.prepareStatement(recentSql(states.size()))) {
                    int i = 1;
                    for (CallState s : states) {
                        p.setString(i++, function);
                        p.setString(i++, s.id());
                        p.setInt(i++, limit);
                    }
                    if (states.size() > 1) {
                        p.setInt(i, limit);
                    }
                    List<CallSnapshot> calls = new ArrayList<>();
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            calls.add(listed(rs));
                        }
                    }
                    return calls;
                }
            });
        }
    }

    /** The listing's SQL over {@code states} states; parameters: (function, state, limit) per state, then the limit. */
    static String recentSql(int states) {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < states; i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT * FROM (").append(NEWEST_OF_STATE).append(") s").append(i);
        }
        if (states > 1) {
            sql.append(" ORDER BY enqueued_at DESC, call_id DESC LIMIT ?");
        }
        return sql.toString();
    }

    /** One function's counts per state and oldest enqueue time per state. */
    static final String BACKLOG_SQL = "SELECT state, COUNT(*), MIN(enqueued_at) FROM async_calls"
            + " WHERE function_name = ? GROUP BY state";

    private static CallSnapshot listed(ResultSet rs) throws SQLException {
        int status = rs.getInt(10);
        Integer boxed = rs.wasNull() ? null : status;
        CallResult result = new CallResult(boxed, List.of(), null, rs.getInt(11) == 1, rs.getString(12));
        return new CallSnapshot(rs.getString(1), rs.getString(2), CallState.fromId(rs.getString(3)), rs.getInt(4),
                rs.getInt(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), result, rs.getString(13),
                rs.getString(14), rs.getInt(15), rs.getString(16));
    }

    @Override
    public Backlog backlog(String function) throws QueueException {
        synchronized (readLock) {
            return read("count by state", () -> {
                Map<CallState, Long> counts = new LinkedHashMap<>();
                long oldest = 0;
                try (PreparedStatement p = reader.prepareStatement(BACKLOG_SQL)) {
                    p.setString(1, function);
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            CallState state = CallState.fromId(rs.getString(1));
                            counts.put(state, rs.getLong(2));
                            if (state == CallState.QUEUED) {
                                oldest = rs.getLong(3);
                            }
                        }
                    }
                }
                return new Backlog(counts, oldest);
            });
        }
    }

    @Override
    public long queuedCount() throws QueueException {
        synchronized (readLock) {
            return read("count", () -> {
                try (Statement s = reader.createStatement();
                     ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM async_calls WHERE state = 'queued'")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
        }
    }

    @Override
    public Optional<Long> oldestQueuedAt() throws QueueException {
        synchronized (readLock) {
            return read("oldest", () -> {
                try (Statement s = reader.createStatement();
                     ResultSet rs = s.executeQuery("SELECT MIN(enqueued_at) FROM async_calls WHERE state = 'queued'")) {
                    rs.next();
                    long oldest = rs.getLong(1);
                    return rs.wasNull() ? Optional.<Long>empty() : Optional.of(oldest);
                }
            });
        }
    }

    @Override
    public void close() {
        enqueues.close();
        synchronized (writeLock) {
            closeQuietly(writer);
        }
        synchronized (readLock) {
            closeQuietly(reader);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // closing at shutdown: nothing left to do with it
        }
    }

    private static byte[] orEmpty(byte[] bytes) {
        return bytes == null ? new byte[0] : bytes;
    }

    @FunctionalInterface
    private interface Work<V> {
        V run() throws SQLException;
    }

    /** Runs on the writer connection in one transaction; the caller holds the writer's lock. */
    private <V> V inTransaction(Work<V> work) throws SQLException {
        writer.setAutoCommit(false);
        try {
            V v = work.run();
            writer.commit();
            return v;
        } catch (SQLException | RuntimeException e) {
            writer.rollback();
            throw e;
        } finally {
            writer.setAutoCommit(true);
        }
    }

    private <V> V write(String what, Work<V> work) throws QueueException {
        try {
            return writing(work);
        } catch (SQLException e) {
            throw new QueueException("async store " + what + " failed: " + e.getMessage(), e);
        }
    }

    /** Runs on the writer; the caller holds {@link #writeLock}. A failure that broke the connection replaces it. */
    private <V> V writing(Work<V> work) throws SQLException {
        try {
            return work.run();
        } catch (SQLException e) {
            writer = replacedIfBroken(writer);
            throw e;
        }
    }

    private <V> V read(String what, Work<V> work) throws QueueException {
        try {
            return work.run();
        } catch (SQLException e) {
            reader = replacedIfBroken(reader);
            throw new QueueException("async store " + what + " failed: " + e.getMessage(), e);
        }
    }

    /** The next call gets a new connection when this one no longer answers; the failed call itself is not retried. */
    private Connection replacedIfBroken(Connection c) {
        try {
            if (c.isValid(2)) {
                return c;
            }
        } catch (SQLException e) {
            // as broken as it gets
        }
        closeQuietly(c);
        try {
            return connections.open();
        } catch (SQLException e) {
            // still unreachable: the closed one fails fast until a later failure opens a new one
            return c;
        }
    }
}
