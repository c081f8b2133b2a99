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

    private final Connection writer;
    private final Connection reader;
    private final GroupCommit<NewCall, Enqueued> enqueues;
    /** SQLite: the writer runs with synchronous=NORMAL and switches to FULL for {@link #durably} work. */
    private final boolean switchesSyncMode;

    /** @param bytesType the type of the body columns ({@link #SQLITE_BYTES}, {@link #POSTGRES_BYTES}) */
    JdbcCallQueue(Connection writer, Connection reader, String bytesType, int maxBatch) throws SQLException {
        this(writer, reader, bytesType, maxBatch, false);
    }

    private JdbcCallQueue(Connection writer, Connection reader, String bytesType, int maxBatch, boolean switchesSyncMode)
            throws SQLException {
        this.writer = writer;
        this.reader = reader;
        this.switchesSyncMode = switchesSyncMode;
        createSchema(bytesType);
        this.enqueues = new GroupCommit<>("async-enqueue", maxBatch, this::insertBatch);
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
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file);
        return new JdbcCallQueue(dataSource.getConnection(), dataSource.getConnection(), SQLITE_BYTES, maxBatch, true);
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

    private void createSchema(String bytes) throws SQLException {
        synchronized (writer) {
            try (Statement s = writer.createStatement()) {
                s.executeUpdate("CREATE TABLE IF NOT EXISTS async_calls ("
                        + "call_id TEXT PRIMARY KEY, function_name TEXT NOT NULL,"
                        + " method TEXT NOT NULL, path TEXT NOT NULL, query TEXT, headers TEXT NOT NULL, body " + bytes + ","
                        + " callback_url TEXT, state TEXT NOT NULL, attempts INTEGER NOT NULL, max_attempts INTEGER NOT NULL,"
                        + " next_run_at BIGINT NOT NULL, enqueued_at BIGINT NOT NULL, started_at BIGINT, finished_at BIGINT,"
                        + " result_status INTEGER, result_headers TEXT, result_body " + bytes + ", result_truncated INTEGER,"
                        + " last_error TEXT, callback_state TEXT, callback_attempts INTEGER NOT NULL,"
                        + " callback_next_at BIGINT, callback_error TEXT)");
                s.executeUpdate("CREATE INDEX IF NOT EXISTS async_calls_due ON async_calls(state, next_run_at)");
                s.executeUpdate("CREATE INDEX IF NOT EXISTS async_calls_callbacks ON async_calls(callback_state, callback_next_at)");
                s.executeUpdate("CREATE INDEX IF NOT EXISTS async_calls_finished ON async_calls(finished_at)");
            }
        }
    }

    @Override
    public Enqueued enqueue(NewCall call) throws QueueException {
        return enqueues.submit(call);
    }

    /** One transaction for the whole batch; an id already stored, or twice in the batch, is refused alone. */
    private List<Enqueued> insertBatch(List<NewCall> batch) throws SQLException {
        synchronized (writer) {
            return durably(() -> inTransaction(() -> {
                Set<String> taken = existingIds(batch);
                List<Enqueued> results = new ArrayList<>(batch.size());
                try (PreparedStatement p = writer.prepareStatement("INSERT INTO async_calls (call_id, function_name,"
                        + " method, path, query, headers, body, callback_url, state, attempts, max_attempts, next_run_at,"
                        + " enqueued_at, callback_attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, 0)")) {
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
                        p.addBatch();
                        results.add(Enqueued.STORED);
                    }
                    p.executeBatch();
                }
                return results;
            }));
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
        synchronized (writer) {
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
                + " attempts = attempts + 1, started_at = ? WHERE call_id = ? AND state = 'queued'")) {
            u.setLong(1, now);
            u.setString(2, id);
            if (u.executeUpdate() != 1) {
                return null;
            }
        }
        try (PreparedStatement p = writer.prepareStatement("SELECT function_name, method, path, query, headers, body,"
                + " attempts, max_attempts FROM async_calls WHERE call_id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                LocalRequest request = new LocalRequest(rs.getString(2), rs.getString(3), rs.getString(4),
                        HeaderJson.read(rs.getString(5)), orEmpty(rs.getBytes(6)), id);
                return new ClaimedCall(rs.getString(1), request, rs.getInt(7), rs.getInt(8), now);
            }
        }
    }

    @Override
    public void finish(String callId, CallState state, CallResult result, long now) throws QueueException {
        if (!state.isFinal() || state == CallState.CANCELLED) {
            throw new IllegalArgumentException("a run ends succeeded or failed, not " + state);
        }
        synchronized (writer) {
            write("finish", () -> {
                // the request body is not needed any more: the row keeps only what the API shows
                try (PreparedStatement p = writer.prepareStatement("UPDATE async_calls SET state = ?, finished_at = ?,"
                        + " body = NULL, result_status = ?, result_headers = ?, result_body = ?, result_truncated = ?,"
                        + " last_error = ?, callback_state = CASE WHEN callback_url IS NULL THEN NULL ELSE 'pending' END,"
                        + " callback_next_at = ? WHERE call_id = ? AND state = 'running'")) {
                    p.setString(1, state.id());
                    p.setLong(2, now);
                    int i = bindResult(p, 3, result);
                    p.setLong(i++, now);
                    p.setString(i, callId);
                    return p.executeUpdate();
                }
            });
        }
    }

    @Override
    public void retryLater(String callId, CallResult result, long nextRunAt) throws QueueException {
        synchronized (writer) {
            write("retry", () -> {
                try (PreparedStatement p = writer.prepareStatement("UPDATE async_calls SET state = 'queued',"
                        + " next_run_at = ?, result_status = ?, result_headers = ?, result_body = ?, result_truncated = ?,"
                        + " last_error = ? WHERE call_id = ? AND state = 'running'")) {
                    p.setLong(1, nextRunAt);
                    int i = bindResult(p, 2, result);
                    p.setString(i, callId);
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

    @Override
    public int recover(long now) throws QueueException {
        synchronized (writer) {
            return write("recover", () -> {
                try (PreparedStatement p = writer.prepareStatement("UPDATE async_calls SET state = 'queued',"
                        + " next_run_at = ?, last_error = 'interrupted: the control plane stopped during this attempt',"
                        + " max_attempts = CASE WHEN max_attempts > attempts THEN max_attempts ELSE attempts + 1 END"
                        + " WHERE state = 'running'")) {
                    p.setLong(1, now);
                    return p.executeUpdate();
                }
            });
        }
    }

    @Override
    public Optional<CallState> cancel(String callId, long now) throws QueueException {
        synchronized (writer) {
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
        synchronized (reader) {
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
        synchronized (writer) {
            return write("claim callbacks", () -> inTransaction(() -> {
                List<PendingCallback> due = new ArrayList<>();
                try (PreparedStatement p = writer.prepareStatement("SELECT call_id, function_name, callback_url,"
                        + " result_status, result_headers, result_body, result_truncated, last_error, callback_attempts,"
                        + " started_at, finished_at FROM async_calls WHERE callback_state = 'pending'"
                        + " AND callback_next_at <= ? ORDER BY callback_next_at LIMIT ?")) {
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
        synchronized (writer) {
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
        synchronized (writer) {
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

    @Override
    public long queuedCount() throws QueueException {
        synchronized (reader) {
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
        synchronized (reader) {
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
        synchronized (writer) {
            closeQuietly(writer);
        }
        synchronized (reader) {
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

    private static <V> V write(String what, Work<V> work) throws QueueException {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new QueueException("async store " + what + " failed: " + e.getMessage(), e);
        }
    }

    private static <V> V read(String what, Work<V> work) throws QueueException {
        return write(what, work);
    }
}
