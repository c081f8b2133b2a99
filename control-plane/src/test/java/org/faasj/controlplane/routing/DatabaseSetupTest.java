package org.faasj.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.faasj.controlplane.system.SqliteDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;

class DatabaseSetupTest {

    @TempDir
    Path dataDir;

    @Test
    void newDatabaseGetsTheFourSeedRoutesAndTheirScripts() throws Exception {
        try (SqliteFixture db = SqliteFixture.seeded(dataDir)) {
            assertThat(db.store.loadAll()).extracting(StoredRow::key)
                    .containsExactly("GET:/api/info", "GET:/ping", "POST:/api/hello", "POST:/resize");
            for (String name : new String[] {"ping", "hello", "info", "resize"}) {
                Path script = dataDir.resolve("functions/" + name + "/1/" + name + ".php");
                assertThat(script).isRegularFile();
                assertThat(Files.readString(script)).startsWith("<?php");
            }
            assertThat(db.store.find("GET", "/python")).isEmpty();
        }
    }

    @Test
    void existingDatabaseIsNeverReseeded() {
        try (SqliteFixture db = SqliteFixture.seeded(dataDir)) {
            db.store.delete("GET", "/ping");
        }

        SqliteDatabase reopened = SqliteDatabase.inDataDir(dataDir);
        try (HikariDataSource pool = reopened.openPool(2)) {
            new DatabaseSetup(pool, reopened, dataDir).prepare();

            assertThat(new RouteStore(pool, dataDir).loadAll()).hasSize(3);
        }
    }

    @Test
    void existingDatabaseWithoutTheTableGetsAnEmptyOne() throws Exception {
        SqliteDatabase first = SqliteDatabase.inDataDir(dataDir);
        try (HikariDataSource pool = first.openPool(1); var c = pool.getConnection()) {
            c.createStatement().execute("CREATE TABLE unrelated (x)");
        }

        SqliteDatabase existing = SqliteDatabase.inDataDir(dataDir);
        try (HikariDataSource pool = existing.openPool(2)) {
            DatabaseSetup setup = new DatabaseSetup(pool, existing, dataDir);
            setup.prepare();
            setup.prepare();

            assertThat(new RouteStore(pool, dataDir).loadAll()).isEmpty();
        }
        assertThat(dataDir.resolve("functions")).doesNotExist();
    }
}
