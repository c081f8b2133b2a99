package org.faasj.controlplane.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.EncodedResource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.datasource.init.ScriptUtils;

/**
 * Applies the classpath's {@code db/migration/V<n>__<description>.sql} files in order, each once
 * and in its own transaction together with its {@code schema_migrations} row, so a crash leaves a
 * migration either applied and recorded or neither. A database from before migrations existed is
 * accepted as it is: the first files create their tables only when missing (the baseline).
 *
 * <p>Not Flyway: this is ~200 lines with no dependency, and the platform's start time is what a
 * single-box user feels first (see docs/ARCHITECTURE.md, "Cluster mode").
 */
public final class SchemaMigrations {

    static final String LOCATION = "classpath*:db/migration/V*__*.sql";
    private static final Pattern FILE_NAME = Pattern.compile("V(\\d+)__(.+)\\.sql");
    private static final String HISTORY = """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     INTEGER PRIMARY KEY,
                description TEXT    NOT NULL,
                applied_at  BIGINT  NOT NULL
            )""";
    private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);

    /** One migration file. */
    record Migration(int version, String description, Resource script) {
    }

    private final DataSource dataSource;
    private final StoreDialect dialect;
    private final List<Migration> migrations;

    public SchemaMigrations(DataSource dataSource, StoreDialect dialect) {
        this(dataSource, dialect, classpathMigrations());
    }

    SchemaMigrations(DataSource dataSource, StoreDialect dialect, List<Migration> migrations) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.migrations = migrations.stream().sorted(Comparator.comparingInt(Migration::version)).toList();
    }

    /** @return the versions this call applied, in order (empty when the schema was up to date) */
    public List<Integer> apply() {
        List<Integer> applied = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            createHistory(connection);
            for (Migration migration : migrations) {
                if (applyOnce(connection, migration)) {
                    applied.add(migration.version());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot migrate the store's schema: " + e.getMessage(), e);
        }
        if (!applied.isEmpty()) {
            log.info("Applied schema migrations {} to the {} store", applied, dialect.name().toLowerCase());
        }
        return applied;
    }

    /** The versions recorded as applied. */
    public Set<Integer> appliedVersions() {
        try (Connection connection = dataSource.getConnection()) {
            return appliedVersions(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read schema_migrations: " + e.getMessage(), e);
        }
    }

    /** Under the lock too: PostgreSQL's IF NOT EXISTS is not safe against a concurrent CREATE. */
    private void createHistory(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            lock(connection);
            s.execute(HISTORY);
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private void lock(Connection connection) throws SQLException {
        if (dialect.migrationLockSql() != null) {
            try (Statement s = connection.createStatement()) {
                s.execute(dialect.migrationLockSql());
            }
        }
    }

    private boolean applyOnce(Connection connection, Migration migration) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            lock(connection);
            // checked under the lock: another node may have applied it while this one waited
            if (appliedVersions(connection).contains(migration.version())) {
                connection.rollback();
                return false;
            }
            ScriptUtils.executeSqlScript(connection, rendered(migration));
            try (PreparedStatement record = connection.prepareStatement(
                    "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)")) {
                record.setInt(1, migration.version());
                record.setString(2, migration.description());
                record.setLong(3, System.currentTimeMillis());
                record.executeUpdate();
            }
            connection.commit();
            return true;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw new IllegalStateException("migration V" + migration.version() + " (" + migration.description()
                    + ") failed: " + e.getMessage(), e);
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static Set<Integer> appliedVersions(Connection connection) throws SQLException {
        Set<Integer> versions = new HashSet<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT version FROM schema_migrations")) {
            while (rs.next()) {
                versions.add(rs.getInt(1));
            }
        }
        return versions;
    }

    private EncodedResource rendered(Migration migration) {
        try {
            String script = migration.script().getContentAsString(StandardCharsets.UTF_8);
            byte[] bytes = dialect.render(script).getBytes(StandardCharsets.UTF_8);
            return new EncodedResource(new ByteArrayResource(bytes, migration.script().getDescription()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + migration.script().getDescription(), e);
        }
    }

    static List<Migration> classpathMigrations() {
        try {
            Resource[] found = new PathMatchingResourcePatternResolver().getResources(LOCATION);
            List<Migration> migrations = new ArrayList<>();
            Set<Integer> seen = new HashSet<>();
            for (Resource resource : found) {
                Matcher name = FILE_NAME.matcher(String.valueOf(resource.getFilename()));
                if (!name.matches()) {
                    continue;
                }
                int version = Integer.parseInt(name.group(1));
                if (!seen.add(version)) {
                    throw new IllegalStateException("two migrations numbered V" + version);
                }
                migrations.add(new Migration(version, name.group(2).replace('_', ' '), resource));
            }
            return migrations;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + LOCATION, e);
        }
    }
}
