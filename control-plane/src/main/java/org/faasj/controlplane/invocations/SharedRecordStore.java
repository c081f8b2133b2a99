package org.faasj.controlplane.invocations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import org.faasj.controlplane.store.StoreDialect;
import org.faasj.model.InvocationRecord;

/**
 * Cluster mode's record store: the {@code invocations} table of the shared database (migration V4),
 * written by every node with its id and the call's stderr (the first {@value #STDERR_CAP_BYTES}
 * bytes), so any node shows any call with its log lines. Connections come from the store's pool and
 * go back after each operation: a batch holds one for a few milliseconds. On PostgreSQL the batch
 * is a JDBC batch the driver rewrites into multi-row INSERTs ({@code reWriteBatchedInserts}, set by
 * {@code SharedStoreConfiguration}). Written portably; runs on the migrated SQLite store too (tests).
 */
final class SharedRecordStore implements RecordStore {

    /** stderr kept per record: the worker's default cap ({@code faas.logs.max-call-bytes}) too. */
    static final int STDERR_CAP_BYTES = 8 * 1024;
    private static final int VALID_TIMEOUT_SECONDS = 2;

    private final DataSource dataSource;
    private final StoreDialect dialect;
    private final String node;

    SharedRecordStore(DataSource dataSource, StoreDialect dialect, String node) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.node = node;
    }

    @Override
    public void insert(List<InvocationRecord> records) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO invocations(" + InvocationStore.COLUMNS
                    + ", node, stderr) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (InvocationRecord r : records) {
                    InvocationStore.bind(p, r);
                    p.setString(14, node);
                    p.setString(15, storable(r.stderr()));
                    p.addBatch();
                }
                p.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                autoCommitQuietly(c); // back to the pool as it came
            }
        }
    }

    /**
     * The first {@value #STDERR_CAP_BYTES} UTF-8 bytes, cut at a character boundary, NULs replaced:
     * PostgreSQL's TEXT refuses them, and one such line would fail the whole batch.
     */
    static String storable(String stderr) {
        String text = stderr.indexOf('\0') < 0 ? stderr : stderr.replace('\0', '\uFFFD');
        if (text.length() * 3 <= STDERR_CAP_BYTES) {
            return text;
        }
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > STDERR_CAP_BYTES) {
                return text.substring(0, i);
            }
            bytes += size;
            i += Character.charCount(cp);
        }
        return text;
    }

    /**
     * One transaction, under the dialect's cluster-wide prune lock, so two nodes' prunes run one
     * after the other: the later finds less (usually nothing) to delete. Either way each deletes only
     * rows that are older than the cutoff or past a function's newest N, which stay so however many
     * rows are inserted meanwhile, so a repeat or an overlap never deletes a record that should stay.
     */
    @Override
    public int prune(long oldestMillis, int maxPerFunction, Set<String> written) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (dialect.recordPruneLockSql() != null) {
                    try (Statement s = c.createStatement()) {
                        s.execute(dialect.recordPruneLockSql());
                    }
                }
                int deleted = RecordQueries.prune(c, dialect, oldestMillis, maxPerFunction, written);
                c.commit();
                return deleted;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                autoCommitQuietly(c);
            }
        }
    }

    @Override
    public List<StoredRecord> recent(String function, RecordFilter filter, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = RecordQueries.recent(c, InvocationStore.COLUMNS + ", node", function, filter, limit)) {
            return read(p, false);
        }
    }

    @Override
    public Optional<StoredRecord> call(String callId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = RecordQueries.byCallId(c, InvocationStore.COLUMNS + ", node, stderr", callId)) {
            return read(p, true).stream().findFirst();
        }
    }

    @Override
    public boolean hasRecords(String function) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return RecordQueries.hasRecords(c, function);
        }
    }

    @Override
    public boolean reachable() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(VALID_TIMEOUT_SECONDS);
        } catch (SQLException e) {
            return false;
        }
    }

    private static List<StoredRecord> read(PreparedStatement p, boolean withStderr) throws SQLException {
        List<StoredRecord> records = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                String stderr = withStderr ? rs.getString(15) : "";
                records.add(new StoredRecord(InvocationStore.recordAt(rs, stderr), rs.getString(14)));
            }
        }
        return records;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // the connection is broken; the pool replaces it, and the first failure is what the caller reports
        }
    }

    /** Must not hide the failure being thrown: a broken connection refuses this too, and the pool drops it. */
    private static void autoCommitQuietly(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException e) {
            // see above
        }
    }

    /** The pool is the store's, closed with it. */
    @Override
    public void close() {
    }
}
