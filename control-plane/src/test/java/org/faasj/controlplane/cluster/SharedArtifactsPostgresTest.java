package org.faasj.controlplane.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.faasj.controlplane.routing.DescriptorJson;
import org.faasj.controlplane.routing.Route;
import org.faasj.controlplane.store.SchemaMigrations;
import org.faasj.controlplane.store.StoreDialect;
import org.faasj.controlplane.testing.PostgresDatabase;
import org.faasj.model.FunctionDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

import com.zaxxer.hikari.HikariDataSource;

/** Two data dirs, one PostgreSQL store: what node A publishes, node B fetches. */
class SharedArtifactsPostgresTest {

    @TempDir
    Path tmp;
    PostgresDatabase db;
    HikariDataSource pool;
    SharedArtifacts onA;
    SharedArtifacts onB;

    @BeforeEach
    void open() {
        db = PostgresDatabase.create();
        pool = new HikariDataSource();
        pool.setJdbcUrl(db.jdbcUrl());
        pool.setUsername("postgres");
        pool.setMaximumPoolSize(2);
        new SchemaMigrations(pool, StoreDialect.POSTGRES).apply();
        onA = new SharedArtifacts(pool, tmp.resolve("a"));
        onB = new SharedArtifacts(pool, tmp.resolve("b"));
    }

    @AfterEach
    void close() throws Exception {
        pool.close();
        db.close();
    }

    @Test
    void publishedOnA_isFetchedOnB_intoItsVersionDirectory() throws Exception {
        Path versionDir = Files.createDirectories(tmp.resolve("a/functions/fn/3"));
        Files.writeString(versionDir.resolve("fn.php"), "<?php echo 3;");
        onA.publishArtifact("fn", 3, versionDir);
        Route onNodeB = route(tmp.resolve("b"), "fn", 3);

        assertThat(onB.ensurePresent(onNodeB)).isTrue();

        assertThat(Files.readString(tmp.resolve("b/functions/fn/3/fn.php"))).isEqualTo("<?php echo 3;");
        try (var left = Files.list(tmp.resolve("b/tmp"))) {
            assertThat(left).as("no staging directory left behind").isEmpty();
        }
    }

    @Test
    void versionTheStoreDoesNotHave_isNotPresent() {
        assertThat(onB.ensurePresent(route(tmp.resolve("b"), "fn", 9))).isFalse();
        assertThat(tmp.resolve("b/functions/fn/9")).doesNotExist();
    }

    @Test
    void forget_dropsABlobOnlyWhenNoVersionUsesItAnyMore() throws Exception {
        Path v1 = Files.createDirectories(tmp.resolve("a/functions/fn/1"));
        Files.writeString(v1.resolve("fn.php"), "same");
        Path v2 = Files.createDirectories(tmp.resolve("a/functions/fn/2"));
        Files.writeString(v2.resolve("fn.php"), "same");
        onA.publishArtifact("fn", 1, v1);
        onA.publishArtifact("fn", 2, v2);
        JdbcClient jdbc = JdbcClient.create(pool);
        assertThat(jdbc.sql("SELECT count(*) FROM artifacts").query(Integer.class).single()).isEqualTo(1);

        onA.forgetArtifacts("fn", List.of(1));
        assertThat(jdbc.sql("SELECT count(*) FROM artifacts").query(Integer.class).single()).isEqualTo(1);
        onA.forgetArtifacts("fn", List.of(2));
        assertThat(jdbc.sql("SELECT count(*) FROM artifacts").query(Integer.class).single()).isZero();
    }

    @Test
    void announce_bumpsTheCounterTheNodesPoll() {
        JdbcClient jdbc = JdbcClient.create(pool);
        onA.announce();
        onA.announce();
        assertThat(jdbc.sql(StoreDialect.POSTGRES.changeMarkerSql()).query(Long.class).single()).isEqualTo(2);
    }

    private static Route route(Path dataDir, String name, int version) {
        String module = "functions/" + name + "/" + version + "/" + name + ".php";
        FunctionDescriptor descriptor = DescriptorJson.parse("POST:/api/" + name, "{\"name\":\"" + name
                + "\",\"runtime\":\"php\",\"module\":\"" + module + "\",\"handler\":\"main\",\"memory\":64,"
                + "\"timeout\":5,\"version\":" + version + "}");
        return new Route(descriptor, dataDir.resolve(module).toAbsolutePath().normalize());
    }
}
