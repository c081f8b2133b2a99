package org.faasj.controlplane.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.faasj.controlplane.store.SchemaMigrations;
import org.faasj.controlplane.store.StoreDialect;
import org.faasj.controlplane.system.SqliteDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.zaxxer.hikari.HikariDataSource;

class JdbcVersionStoreTest {

    @TempDir
    Path dataDir;
    HikariDataSource pool;
    JdbcVersionStore store;

    @BeforeEach
    void open() {
        pool = SqliteDatabase.inDataDir(dataDir).openPool(2);
        new SchemaMigrations(pool, StoreDialect.SQLITE).apply();
        store = new JdbcVersionStore(pool);
    }

    @AfterEach
    void close() {
        pool.close();
    }

    @Test
    void insertActive_makesTheNewVersionTheOnlyActiveOne() {
        store.insertActive(version("img", 1));
        store.insertActive(version("img", 2));
        store.insertActive(version("other", 1));

        assertThat(store.list("img")).extracting(FunctionVersion::version, FunctionVersion::active)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, true), org.assertj.core.groups.Tuple.tuple(1, false));
        assertThat(store.find("other", 1)).get().extracting(FunctionVersion::active).isEqualTo(true);
        assertThat(store.highestVersion("img")).isEqualTo(2);
        assertThat(store.highestVersion("nobody")).isZero();
    }

    @Test
    void activate_movesTheMarkWithoutTouchingOtherFunctions() {
        store.insertActive(version("img", 1));
        store.insertActive(version("img", 2));
        store.insertActive(version("other", 7));

        assertThat(store.activate("img", 1)).isTrue();
        assertThat(store.activate("img", 5)).isFalse();

        assertThat(store.list("img")).filteredOn(FunctionVersion::active).extracting(FunctionVersion::version).containsExactly(1);
        assertThat(store.find("other", 7)).get().extracting(FunctionVersion::active).isEqualTo(true);
    }

    @Test
    void rowsRoundTripEveryField() {
        FunctionVersion v = new FunctionVersion("it's", 3, "POST:/a'b", "ab".repeat(32), "{\"runtime\":\"php\"}",
                "No syntax errors", 1_700_000_000_123L, "0123456789ab", true);
        store.insertActive(v);

        assertThat(store.find("it's", 3)).contains(v);
        assertThat(store.all()).containsExactly(v);
    }

    @Test
    void remove_dropsOnlyTheNamedVersions() {
        for (int i = 1; i <= 4; i++) {
            store.insertActive(version("img", i));
        }
        store.remove("img", List.of(1, 3));

        assertThat(store.list("img")).extracting(FunctionVersion::version).containsExactly(4, 2);
    }

    @Test
    void aRolledBackTransactionLeavesNoVersion() {
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(pool));
        tx.executeWithoutResult(status -> {
            store.insertActive(version("img", 1));
            status.setRollbackOnly();
        });

        assertThat(store.list("img")).isEmpty();
    }

    @Test
    void buildOutputIsCapped() {
        FunctionVersion huge = new FunctionVersion("img", 1, "POST:/img", "", "{}", "x".repeat(100_000), 0, "seed", true);

        assertThat(huge.buildOutput()).hasSize(FunctionVersion.BUILD_OUTPUT_CAP).endsWith(FunctionVersion.TRUNCATED);
        assertThat(new FunctionVersion("img", 1, "POST:/img", "", "{}", "short", 0, "seed", true).buildOutput())
                .isEqualTo("short");
    }

    static FunctionVersion version(String name, int number) {
        return new FunctionVersion(name, number, "POST:/" + name, "digest" + number, "{\"version\":" + number + "}",
                "", 1_000L * number, "tester", true);
    }
}
