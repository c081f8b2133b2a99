package org.faasj.controlplane.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A throw-away database on the machine's PostgreSQL (127.0.0.1:5432, trust auth, as on our CI
 * machines; {@code FAASJ_PG_HOST}/{@code FAASJ_PG_PORT}/{@code FAASJ_PG_USER} override). Created with
 * a random name, dropped on close. A test that needs one is skipped where no server answers;
 * {@code .ci/run} starts the server, so there it always runs.
 */
public final class PostgresDatabase implements AutoCloseable {

    private static final String HOST = System.getenv().getOrDefault("FAASJ_PG_HOST", "127.0.0.1");
    private static final String PORT = System.getenv().getOrDefault("FAASJ_PG_PORT", "5432");
    private static final String USER = System.getenv().getOrDefault("FAASJ_PG_USER", "postgres");

    private final String name;
    private final PGSimpleDataSource dataSource = new PGSimpleDataSource();

    private PostgresDatabase(String name) {
        this.name = name;
        dataSource.setURL(url(name));
        dataSource.setUser(USER);
    }

    /** Creates a fresh database, or skips the calling test when no PostgreSQL answers. */
    public static PostgresDatabase create() {
        String name = "faasj_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        try (Connection admin = DriverManager.getConnection(url("postgres"), USER, "");
             Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            Assumptions.abort("no PostgreSQL at " + HOST + ":" + PORT + " (" + e.getMessage() + ")");
        }
        return new PostgresDatabase(name);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public String jdbcUrl() {
        return url(name);
    }

    private static String url(String database) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    @Override
    public void close() throws SQLException {
        try (Connection admin = DriverManager.getConnection(url("postgres"), USER, "");
             Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
