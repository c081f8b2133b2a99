package org.faasj.controlplane.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import javax.sql.DataSource;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The SQLite file behind the platform and how to open it. Whether the file existed is recorded
 * before any connection is made, because opening a connection creates it: {@code DatabaseSetup}
 * seeds only a database that is really new.
 */
public final class SqliteDatabase {

    static final String FILE_NAME = "faas_meta.db";
    private static final String URL_PREFIX = "jdbc:sqlite:";
    private static final int BUSY_TIMEOUT_MILLIS = 5000;

    private final String jdbcUrl;
    private final Path file;
    private final boolean existedAtStartup;

    private SqliteDatabase(String jdbcUrl, Path file) {
        this.jdbcUrl = jdbcUrl;
        this.file = file;
        this.existedAtStartup = file != null && Files.exists(file);
    }

    /** The platform's own database, {@code <dataDir>/faas_meta.db}; creates the data dir private to this user. */
    public static SqliteDatabase inDataDir(Path dataDir) {
        Path file = PrivateDirectory.ensure(dataDir).resolve(FILE_NAME);
        return new SqliteDatabase(URL_PREFIX + file, file);
    }

    /** A database named by a JDBC URL, e.g. from {@code spring.datasource.url}. */
    public static SqliteDatabase fromUrl(String jdbcUrl) {
        if (!jdbcUrl.startsWith(URL_PREFIX)) {
            throw new IllegalArgumentException("not a SQLite JDBC URL: " + jdbcUrl);
        }
        Path file = fileOf(jdbcUrl);
        createParentDirectory(file);
        return new SqliteDatabase(jdbcUrl, file);
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The database file; null for an in-memory database. */
    public Path file() {
        return file;
    }

    /** False when this process is about to create the database (nothing to preserve, seed it). */
    public boolean existedAtStartup() {
        return existedAtStartup;
    }

    /**
     * A small pool: SQLite allows one writer at a time, so more connections only add waiting.
     * WAL lets readers proceed while that writer commits.
     */
    public HikariDataSource openPool(int maxConnections) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("sqlite");
        config.setJdbcUrl(jdbcUrl);
        config.setDriverClassName("org.sqlite.JDBC");
        config.setMaximumPoolSize(maxConnections);
        config.setMinimumIdle(1);
        connectionProperties().forEach((k, v) -> config.addDataSourceProperty((String) k, v));
        return new HikariDataSource(config);
    }

    /** Opens a fresh connection per call, for a caller that holds one connection for its own lifetime. */
    public DataSource unpooled() {
        SQLiteDataSource dataSource = new SQLiteDataSource(new SQLiteConfig(connectionProperties()));
        dataSource.setUrl(jdbcUrl);
        return dataSource;
    }

    /**
     * Per-connection settings. {@code synchronous=FULL} makes a commit durable before it returns,
     * so an answered deploy survives kill -9 or power loss; the busy timeout lets a second writer
     * wait for the first instead of failing at once.
     */
    static Properties connectionProperties() {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.enforceForeignKeys(true);
        return config.toProperties();
    }

    private static Path fileOf(String jdbcUrl) {
        String rest = jdbcUrl.substring(URL_PREFIX.length());
        int query = rest.indexOf('?');
        if (query >= 0) {
            rest = rest.substring(0, query);
        }
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        }
        if (rest.isEmpty() || rest.equals(":memory:") || rest.startsWith(":resource:")) {
            return null;
        }
        return Path.of(rest).toAbsolutePath().normalize();
    }

    /** The operator chose this directory, so it keeps the modes the operator's umask gives it. */
    private static void createParentDirectory(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the database directory " + file.getParent(), e);
        }
    }

    @Override
    public String toString() {
        return jdbcUrl;
    }
}
