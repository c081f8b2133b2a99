package org.faasj.controlplane.invocations;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.faasj.controlplane.store.StoreDialect;
import org.faasj.model.InvocationOutcome;
import org.faasj.model.InvocationRecord;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The record store, {@code calls.db}: a SQLite file of its own, never the routes database (the
 * route sync reloads every route when that file's data_version moves). WAL, so the API reads while
 * the writer commits; {@code synchronous=NORMAL}, because losing the last records to a power cut
 * is acceptable for telemetry and a full sync per batch is not. Records keep every field but stderr
 * (that goes to the function logs). Not thread-safe for writes: one writer thread owns
 * {@link #insert} and {@link #prune}; reads open a connection of their own.
 */
final class InvocationStore implements RecordStore {

    static final String FILE_NAME = "calls.db";
    private static final int BUSY_TIMEOUT_MILLIS = 5000;
    /** The record's columns, in {@link #bind} and {@link #recordAt} order; the shared table has the same. */
    static final String COLUMNS = "call_id, function, version, worker, started, duration_us, queue_wait_us,"
            + " status, outcome, exit_code, cold, cpu_us, peak_rss_kb";

    private final SQLiteDataSource dataSource;
    private final Connection writer;

    public InvocationStore(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file);
        writer = dataSource.getConnection();
        createSchema();
    }

    private void createSchema() throws SQLException {
        try (Statement s = writer.createStatement()) {
            s.executeUpdate("CREATE TABLE IF NOT EXISTS invocations (id INTEGER PRIMARY KEY, call_id TEXT NOT NULL,"
                    + " function TEXT NOT NULL, version INTEGER NOT NULL, worker INTEGER NOT NULL, started INTEGER NOT NULL,"
                    + " duration_us INTEGER NOT NULL, queue_wait_us INTEGER NOT NULL, status INTEGER NOT NULL,"
                    + " outcome TEXT NOT NULL, exit_code INTEGER NOT NULL, cold INTEGER NOT NULL, cpu_us INTEGER NOT NULL,"
                    + " peak_rss_kb INTEGER NOT NULL)");
            s.executeUpdate("CREATE INDEX IF NOT EXISTS invocations_by_function ON invocations(function, started DESC)");
            s.executeUpdate("CREATE INDEX IF NOT EXISTS invocations_by_call ON invocations(call_id)");
        }
    }

    @Override
    public void insert(List<InvocationRecord> records) throws SQLException {
        writer.setAutoCommit(false);
        try (PreparedStatement p = writer.prepareStatement("INSERT INTO invocations(" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (InvocationRecord r : records) {
                bind(p, r);
                p.addBatch();
            }
            p.executeBatch();
            writer.commit();
        } catch (SQLException | RuntimeException e) {
            writer.rollback();
            throw e;
        } finally {
            writer.setAutoCommit(true);
        }
    }

    static void bind(PreparedStatement p, InvocationRecord r) throws SQLException {
        p.setString(1, r.callId());
        p.setString(2, r.functionName());
        p.setInt(3, r.functionVersion());
        p.setInt(4, r.workerId());
        p.setLong(5, r.startedAtMillis());
        p.setLong(6, r.durationMicros());
        p.setLong(7, r.queueWaitMicros());
        p.setInt(8, r.status());
        p.setString(9, r.outcome().label());
        p.setInt(10, r.exitCode());
        p.setInt(11, r.coldStart() ? 1 : 0);
        p.setLong(12, r.cpuMicros());
        p.setLong(13, r.peakRssKb());
    }

    /** Only this node writes the file, so every function is checked (a local count is cheap); {@code written} is not needed. */
    @Override
    public int prune(long oldestMillis, int maxPerFunction, Set<String> written) throws SQLException {
        return RecordQueries.prune(writer, StoreDialect.SQLITE, oldestMillis, maxPerFunction, null);
    }

    @Override
    public List<StoredRecord> recent(String function, RecordFilter filter, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = RecordQueries.recent(c, COLUMNS, function, filter, limit)) {
            return read(p);
        }
    }

    @Override
    public Optional<StoredRecord> call(String callId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement p = RecordQueries.byCallId(c, COLUMNS, callId)) {
            return read(p).stream().findFirst();
        }
    }

    @Override
    public boolean hasRecords(String function) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return RecordQueries.hasRecords(c, function);
        }
    }

    /** A local file: a failed insert is never an outage to wait out. */
    @Override
    public boolean reachable() {
        return true;
    }

    private static List<StoredRecord> read(PreparedStatement p) throws SQLException {
        List<StoredRecord> records = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                records.add(new StoredRecord(recordAt(rs, ""), null));
            }
        }
        return records;
    }

    /** The record in the current row's first {@link #COLUMNS}. */
    static InvocationRecord recordAt(ResultSet rs, String stderr) throws SQLException {
        return new InvocationRecord(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getLong(5),
                rs.getLong(6), rs.getLong(7), rs.getInt(8), InvocationOutcome.ofLabel(rs.getString(9)), rs.getInt(10),
                rs.getInt(11) != 0, rs.getLong(12), rs.getLong(13), stderr);
    }

    @Override
    public void close() throws SQLException {
        writer.close();
    }
}
