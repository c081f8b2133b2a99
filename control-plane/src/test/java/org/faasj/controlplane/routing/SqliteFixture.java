package org.faasj.controlplane.routing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

import org.faasj.controlplane.system.SqliteDatabase;

import com.zaxxer.hikari.HikariDataSource;

/** A real SQLite data directory in a temp folder, set up the way the application does it. */
final class SqliteFixture implements AutoCloseable {

    final Path dataDir;
    final SqliteDatabase database;
    final HikariDataSource pool;
    final RouteStore store;
    final RouteTable table = new RouteTable();

    private SqliteFixture(Path dataDir) {
        this.dataDir = dataDir;
        this.database = SqliteDatabase.inDataDir(dataDir);
        this.pool = database.openPool(4);
        new DatabaseSetup(pool, database, dataDir).prepare();
        this.store = new RouteStore(pool, dataDir);
    }

    static SqliteFixture seeded(Path dataDir) {
        return new SqliteFixture(dataDir);
    }

    RouteSync newSync(Duration pollInterval) {
        return new RouteSync(store, table, database.unpooled(), pollInterval);
    }

    /** A connection that shares nothing with the pool, like another process would. */
    Connection separateConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + database.file());
    }

    void executeSeparately(String sql, Object... params) throws SQLException {
        try (Connection c = separateConnection(); var statement = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.executeUpdate();
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
