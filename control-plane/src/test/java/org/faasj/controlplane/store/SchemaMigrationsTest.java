package org.faasj.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.faasj.controlplane.store.SchemaMigrations.Migration;
import org.faasj.controlplane.system.SqliteDatabase;
import org.faasj.controlplane.testing.PostgresDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.jdbc.core.simple.JdbcClient;

import com.zaxxer.hikari.HikariDataSource;

class SchemaMigrationsTest {

    @TempDir
    Path dataDir;

    @Test
    void sqlite_freshDatabase_getsEveryMigrationOnceAndAStoreThatTakesBlobs() {
        try (HikariDataSource pool = SqliteDatabase.inDataDir(dataDir).openPool(2)) {
            freshDatabaseGetsEveryMigrationOnce(pool, StoreDialect.SQLITE);
        }
    }

    @Test
    void postgres_freshDatabase_getsEveryMigrationOnceAndAStoreThatTakesBlobs() throws Exception {
        try (PostgresDatabase db = PostgresDatabase.create(); HikariDataSource pool = pool(db)) {
            freshDatabaseGetsEveryMigrationOnce(pool, StoreDialect.POSTGRES);
        }
    }

    private static void freshDatabaseGetsEveryMigrationOnce(DataSource pool, StoreDialect dialect) {
        SchemaMigrations migrations = new SchemaMigrations(pool, dialect);
        List<Integer> all = SchemaMigrations.classpathMigrations().stream().map(Migration::version).sorted().toList();
        assertThat(all).startsWith(1, 2, 3);

        assertThat(migrations.apply()).isEqualTo(all);
        assertThat(migrations.apply()).isEmpty();
        assertThat(migrations.appliedVersions()).containsExactlyInAnyOrderElementsOf(all);

        JdbcClient jdbc = JdbcClient.create(pool);
        byte[] bytes = {0, 1, (byte) 0xff, 42};
        jdbc.sql("INSERT INTO artifacts (digest, content, size, created) VALUES ('d', ?, 4, 0)").param(bytes).update();
        assertThat(jdbc.sql("SELECT content FROM artifacts WHERE digest = 'd'").query(byte[].class).single()).isEqualTo(bytes);
        assertThat(jdbc.sql("SELECT counter FROM store_changes WHERE id = 1").query(Long.class).single()).isZero();
    }

    /** A data dir from before migrations: its tables and rows stay, the missing tables are added. */
    @Test
    void sqlite_databaseFromBeforeMigrations_isTakenAsItIs() {
        try (HikariDataSource pool = SqliteDatabase.inDataDir(dataDir).openPool(2)) {
            JdbcClient jdbc = JdbcClient.create(pool);
            jdbc.sql("CREATE TABLE functions (k TEXT PRIMARY KEY, v TEXT NOT NULL, updated INTEGER NOT NULL)").update();
            jdbc.sql("INSERT INTO functions VALUES ('GET:/old', '{}', 1)").update();

            new SchemaMigrations(pool, StoreDialect.SQLITE).apply();

            assertThat(jdbc.sql("SELECT k FROM functions").query(String.class).list()).containsExactly("GET:/old");
            assertThat(jdbc.sql("SELECT count(*) FROM nodes").query(Integer.class).single()).isZero();
        }
    }

    @Test
    void sqlite_failingMigration_leavesNothingBehindAndIsNotRecorded() {
        try (HikariDataSource pool = SqliteDatabase.inDataDir(dataDir).openPool(2)) {
            failingMigrationLeavesNothingBehind(pool, StoreDialect.SQLITE);
        }
    }

    @Test
    void postgres_failingMigration_leavesNothingBehindAndIsNotRecorded() throws Exception {
        try (PostgresDatabase db = PostgresDatabase.create(); HikariDataSource pool = pool(db)) {
            failingMigrationLeavesNothingBehind(pool, StoreDialect.POSTGRES);
        }
    }

    private static void failingMigrationLeavesNothingBehind(DataSource pool, StoreDialect dialect) {
        Migration good = migration(1, "CREATE TABLE a (x INTEGER);");
        Migration bad = migration(2, "CREATE TABLE b (x INTEGER);\nINSERT INTO no_such_table VALUES (1);");
        SchemaMigrations migrations = new SchemaMigrations(pool, dialect, List.of(bad, good));

        assertThatThrownBy(migrations::apply).hasMessageContaining("V2");

        assertThat(migrations.appliedVersions()).containsExactly(1);
        JdbcClient jdbc = JdbcClient.create(pool);
        assertThat(jdbc.sql("SELECT count(*) FROM a").query(Integer.class).single()).isZero();
        assertThatThrownBy(() -> jdbc.sql("SELECT count(*) FROM b").query(Integer.class).single())
                .hasMessageContaining("b"); // its CREATE TABLE was rolled back with the failed INSERT
    }

    /** Two nodes starting at once against a new store: each migration is applied by exactly one. */
    @Test
    void postgres_concurrentStarts_applyEachMigrationOnce() throws Exception {
        try (PostgresDatabase db = PostgresDatabase.create(); HikariDataSource pool = pool(db)) {
            ExecutorService threads = Executors.newFixedThreadPool(3);
            try {
                List<Future<List<Integer>>> runs = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    Callable<List<Integer>> run = () -> new SchemaMigrations(pool, StoreDialect.POSTGRES).apply();
                    runs.add(threads.submit(run));
                }
                List<Integer> appliedByAnyone = new ArrayList<>();
                for (Future<List<Integer>> run : runs) {
                    appliedByAnyone.addAll(run.get());
                }
                List<Integer> all = SchemaMigrations.classpathMigrations().stream().map(Migration::version).toList();
                assertThat(appliedByAnyone).containsExactlyInAnyOrderElementsOf(all);
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void dialects_spellBlobTheirWay() {
        assertThat(StoreDialect.SQLITE.render("c ${blob} NOT NULL")).isEqualTo("c BLOB NOT NULL");
        assertThat(StoreDialect.POSTGRES.render("c ${blob} NOT NULL")).isEqualTo("c BYTEA NOT NULL");
        assertThat(StoreDialect.of("jdbc:postgresql://h/db")).isEqualTo(StoreDialect.POSTGRES);
        assertThatThrownBy(() -> StoreDialect.of("jdbc:mysql://h/db")).hasMessageContaining("faas.store.url");
    }

    private static Migration migration(int version, String sql) {
        return new Migration(version, "test " + version, new ByteArrayResource(sql.getBytes(StandardCharsets.UTF_8),
                "V" + version));
    }

    private static HikariDataSource pool(PostgresDatabase db) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(db.jdbcUrl());
        pool.setUsername("postgres");
        pool.setMaximumPoolSize(4);
        return pool;
    }
}
