package org.faasj.controlplane.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listing API must never walk a function's whole history or the whole table: SQLite's own
 * query plan for its statements says which index each part reads and whether anything is sorted.
 */
class JdbcCallQueuePlanTest {

    @TempDir
    Path dir;

    @Test
    void oneStatesNewestCallsAreReadBackwardsAlongTheFunctionIndexWithoutASort() throws Exception {
        List<String> plan = plan(JdbcCallQueue.recentSql(1), 3);

        assertThat(plan).anySatisfy(step -> assertThat(step).contains("USING INDEX " + JdbcCallQueue.FUNCTION_INDEX)
                .contains("function_name=? AND state=?"));
        assertThat(plan).noneSatisfy(step -> assertThat(step).contains("TEMP B-TREE"));
        assertThat(plan).noneSatisfy(step -> assertThat(step).startsWith("SCAN async_calls"));
    }

    @Test
    void everyStatesNewestCallsAreFiveIndexWalksAndOnlyTheirMergeIsSorted() throws Exception {
        List<String> plan = plan(JdbcCallQueue.recentSql(5), 16);

        assertThat(plan.stream().filter(step -> step.contains("USING INDEX " + JdbcCallQueue.FUNCTION_INDEX))).hasSize(5);
        assertThat(plan).noneSatisfy(step -> assertThat(step).startsWith("SCAN async_calls"));
    }

    @Test
    void theCountsReadTheFunctionIndexAlone() throws Exception {
        List<String> plan = plan(JdbcCallQueue.BACKLOG_SQL, 1);

        assertThat(plan).anySatisfy(step -> assertThat(step)
                .contains("USING COVERING INDEX " + JdbcCallQueue.FUNCTION_INDEX).contains("function_name=?"));
        assertThat(plan).noneSatisfy(step -> assertThat(step).contains("TEMP B-TREE"));
    }

    /** EXPLAIN QUERY PLAN's detail lines, on a queue's own schema, all parameters bound to placeholders. */
    private List<String> plan(String sql, int parameters) throws Exception {
        Path file = dir.resolve("async.db");
        JdbcCallQueue.openSqlite(file, 8).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             PreparedStatement p = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            for (int i = 1; i <= parameters; i++) {
                p.setString(i, "x");
            }
            List<String> steps = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    steps.add(rs.getString("detail"));
                }
            }
            return steps;
        }
    }
}
