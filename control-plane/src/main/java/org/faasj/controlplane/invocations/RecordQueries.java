package org.faasj.controlplane.invocations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.faasj.controlplane.store.StoreDialect;

/**
 * The statements both record stores run on their {@code invocations} table (same columns and
 * indexes in {@code calls.db} and in the shared store): a function's listing with its filter, one
 * call by id, whether a function has records, and the prune. Only the "offset without a limit" spelling differs, and the dialect gives it.
 */
final class RecordQueries {

    private RecordQueries() {
    }

    /**
     * A function's records matching {@code filter}, newest first, at most {@code limit}; its
     * parameters bound. {@code columns} is what the caller's row reader expects.
     */
    static PreparedStatement recent(Connection c, String columns, String function, RecordFilter filter, int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + columns + " FROM invocations WHERE function = ?");
        if (filter.statusFrom() >= 0) {
            sql.append(" AND status BETWEEN ? AND ?");
        }
        if (filter.errorsOnly()) {
            sql.append(" AND outcome <> 'ok'");
        }
        if (filter.outcome() != null) {
            sql.append(" AND outcome = ?");
        }
        sql.append(" ORDER BY started DESC, id DESC LIMIT ?");
        PreparedStatement p = c.prepareStatement(sql.toString());
        int i = 1;
        p.setString(i++, function);
        if (filter.statusFrom() >= 0) {
            p.setInt(i++, filter.statusFrom());
            p.setInt(i++, filter.statusTo());
        }
        if (filter.outcome() != null) {
            p.setString(i++, filter.outcome().label());
        }
        p.setInt(i, limit);
        return p;
    }

    /** The newest record with {@code callId} (client-chosen ids may repeat); its parameter bound. */
    static PreparedStatement byCallId(Connection c, String columns, String callId) throws SQLException {
        PreparedStatement p = c.prepareStatement("SELECT " + columns
                + " FROM invocations WHERE call_id = ? ORDER BY started DESC, id DESC LIMIT 1");
        p.setString(1, callId);
        return p;
    }

    static boolean hasRecords(Connection c, String function) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM invocations WHERE function = ? LIMIT 1")) {
            p.setString(1, function);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Deletes the records started before {@code oldestMillis}, then all but the newest
     * {@code maxPerFunction} of each function in {@code functions} (null: of every function over
     * the cap, found by a scan of the function index).
     *
     * @return records deleted
     */
    static int prune(Connection c, StoreDialect dialect, long oldestMillis, int maxPerFunction,
                     Collection<String> functions) throws SQLException {
        int deleted;
        try (PreparedStatement p = c.prepareStatement("DELETE FROM invocations WHERE started < ?")) {
            p.setLong(1, oldestMillis);
            deleted = p.executeUpdate();
        }
        Collection<String> capped = functions != null ? functions : overCap(c, maxPerFunction);
        // uses the (function, started) index: reads a function's N newest entries plus what is past them
        try (PreparedStatement p = c.prepareStatement("DELETE FROM invocations WHERE id IN (SELECT id FROM invocations"
                + " WHERE function = ? ORDER BY started DESC, id DESC " + dialect.offsetOnlySql() + ")")) {
            for (String function : capped) {
                p.setString(1, function);
                p.setInt(2, maxPerFunction);
                deleted += p.executeUpdate();
            }
        }
        return deleted;
    }

    private static List<String> overCap(Connection c, int maxPerFunction) throws SQLException {
        List<String> over = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT function FROM invocations GROUP BY function HAVING count(*) > ?")) {
            p.setInt(1, maxPerFunction);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    over.add(rs.getString(1));
                }
            }
        }
        return over;
    }
}
