package org.faasj.controlplane.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.faasj.controlplane.routing.DatabaseSetup;
import org.faasj.controlplane.routing.RouteStore;
import org.faasj.controlplane.system.SqliteDatabase;
import org.faasj.controlplane.versions.FunctionVersion;
import org.faasj.controlplane.versions.JdbcVersionStore;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.FunctionRuntime;
import org.faasj.model.Network;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;

/** A data directory from before versions: every function's current row becomes its only version. */
class VersionBackfillTest {

    @TempDir
    Path dataDir;
    HikariDataSource pool;
    RouteStore routes;
    JdbcVersionStore versions;

    @BeforeEach
    void open() {
        SqliteDatabase database = SqliteDatabase.inDataDir(dataDir);
        pool = database.openPool(2);
        new DatabaseSetup(pool, database, dataDir).prepare();
        routes = new RouteStore(pool, dataDir);
        versions = new JdbcVersionStore(pool);
    }

    @AfterEach
    void close() {
        pool.close();
    }

    @Test
    void everyRoutedFunctionGetsItsRowAsTheActiveVersionOnce() throws Exception {
        Path module = dataDir.resolve("functions/legacy/4/module.php");
        Files.createDirectories(module.getParent());
        Files.writeString(module, "<?php echo 1;");
        routes.upsert(new FunctionDescriptor("legacy", FunctionRuntime.PHP, "POST", "/api/legacy",
                "functions/legacy/4/module.php", "main", 64, 5, 64, 64, Network.OUTBOUND, Map.of(), 4));
        int seeded = routes.loadAll().size() - 1;

        assertThat(VersionBackfill.run(routes, versions)).hasSize(seeded + 1).contains("legacy");

        FunctionVersion legacy = versions.find("legacy", 4).orElseThrow();
        assertThat(legacy.active()).isTrue();
        assertThat(legacy.deployedBy()).isEqualTo(VersionBackfill.FOUND);
        assertThat(legacy.codeDigest()).isEqualTo(CodeDigest.ofFile(module));
        assertThat(legacy.routeKey()).isEqualTo("POST:/api/legacy");
        assertThat(VersionBackfill.run(routes, versions)).isEmpty();
        assertThat(versions.list("legacy")).hasSize(1);
    }

    @Test
    void aFunctionWithVersionsIsLeftAlone() {
        routes.upsert(new FunctionDescriptor("kept", FunctionRuntime.PHP, "POST", "/api/kept",
                "functions/kept/2/module.php", "main", 64, 5, 64, 64, Network.OUTBOUND, Map.of(), 2));
        versions.insertActive(new FunctionVersion("kept", 2, "POST:/api/kept", "d", "{}", "", 1, "abc", true));

        assertThat(VersionBackfill.run(routes, versions)).doesNotContain("kept");
        assertThat(versions.list("kept")).extracting(FunctionVersion::deployedBy).containsExactly("abc");
    }
}
