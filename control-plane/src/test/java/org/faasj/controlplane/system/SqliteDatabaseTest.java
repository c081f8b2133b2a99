package org.faasj.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;

class SqliteDatabaseTest {

    @TempDir
    Path tmp;

    @Test
    void createsTheDataDirectoryAndRemembersThatTheFileWasNew() throws Exception {
        Path dataDir = tmp.resolve("nested/data");

        SqliteDatabase database = SqliteDatabase.inDataDir(dataDir);

        assertThat(dataDir).isDirectory();
        assertThat(database.existedAtStartup()).isFalse();
        assertThat(database.file()).isEqualTo(dataDir.resolve("faas_meta.db").toAbsolutePath());
        try (HikariDataSource pool = database.openPool(2); Connection c = pool.getConnection()) {
            c.createStatement().execute("CREATE TABLE t (x)");
        }
        assertThat(SqliteDatabase.inDataDir(dataDir).existedAtStartup()).isTrue();
    }

    @Test
    void pooledConnectionsAreDurableWalConnections() throws Exception {
        SqliteDatabase database = SqliteDatabase.inDataDir(tmp);
        try (HikariDataSource pool = database.openPool(2)) {
            assertDurableSettings(pool);
        }
    }

    @Test
    void unpooledConnectionsHaveTheSameSettings() throws Exception {
        assertDurableSettings(SqliteDatabase.inDataDir(tmp).unpooled());
    }

    @Test
    void readsTheFileOutOfAnOverridingUrl() {
        Path file = tmp.resolve("other/x.db");

        SqliteDatabase database = SqliteDatabase.fromUrl("jdbc:sqlite:" + file + "?foo=bar");

        assertThat(database.file()).isEqualTo(file);
        assertThat(file.getParent()).isDirectory();
        assertThat(SqliteDatabase.fromUrl("jdbc:sqlite::memory:").file()).isNull();
        assertThatThrownBy(() -> SqliteDatabase.fromUrl("jdbc:h2:mem:x")).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertDurableSettings(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            assertThat(pragma(s, "journal_mode")).isEqualTo("wal");
            assertThat(pragma(s, "synchronous")).isEqualTo("2"); // FULL
            assertThat(pragma(s, "busy_timeout")).isEqualTo("5000");
            assertThat(pragma(s, "foreign_keys")).isEqualTo("1");
        }
    }

    private static String pragma(Statement statement, String name) throws SQLException {
        try (ResultSet rs = statement.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
