package org.faasj.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.faasj.model.FunctionDescriptor;
import org.faasj.model.FunctionRuntime;
import org.faasj.model.Network;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteStoreTest {

    @TempDir
    Path dataDir;
    SqliteFixture db;

    @BeforeEach
    void seed() {
        db = SqliteFixture.seeded(dataDir);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void upsertInsertsThenReplaces() {
        RouteStore store = new RouteStore(db.pool, dataDir, Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC));
        FunctionDescriptor v1 = descriptor("/img", 1);
        FunctionDescriptor v2 = descriptor("/img", 2);

        store.upsert(v1);
        store.upsert(v2);

        StoredRow row = store.find("POST", "/img").orElseThrow();
        assertThat(row.updated()).isEqualTo(1_700_000_000L);
        assertThat(DescriptorJson.parse(row.key(), row.json())).isEqualTo(v2);
        assertThat(store.loadAll()).hasSize(5);
    }

    @Test
    void quotesInPathsAreJustData() {
        FunctionDescriptor tricky = descriptor("/it's');DROP-TABLE-functions;--", 1);

        db.store.upsert(tricky);

        assertThat(db.store.findByKey(tricky.routeKey())).isPresent();
        assertThat(db.store.loadAll()).hasSize(5);
        assertThat(db.store.delete("POST", tricky.route())).isTrue();
        assertThat(db.store.loadAll()).hasSize(4);
    }

    @Test
    void deleteReportsWhetherThereWasARoute() {
        assertThat(db.store.delete("GET", "/ping")).isTrue();
        assertThat(db.store.delete("GET", "/ping")).isFalse();
        assertThat(db.store.delete("POST", "/api/info")).isFalse();
    }

    @Test
    void reservedAndMalformedRoutesAreRefused() {
        assertThatThrownBy(() -> db.store.upsert(descriptor("/actuator/health", 1)))
                .isInstanceOf(InvalidDescriptorException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> db.store.upsert(descriptor("no-slash", 1)))
                .isInstanceOf(InvalidDescriptorException.class).hasMessageContaining("bad route path");
        assertThat(db.store.loadAll()).hasSize(4);
    }

    @Test
    void relativeModulesResolveAgainstTheDataDirectory() {
        Route ping = db.store.resolve(db.store.find("GET", "/ping").orElseThrow());

        assertThat(ping.modulePath()).isEqualTo(dataDir.toAbsolutePath().resolve("functions/ping/1/ping.php"));
        assertThat(ping.modulePath()).isRegularFile();
        assertThat(db.store.toRoute(descriptor("/abs", 1)).modulePath()).isEqualTo(Path.of("/opt/f/module.bin"));
    }

    private static FunctionDescriptor descriptor(String path, int version) {
        return new FunctionDescriptor("img", FunctionRuntime.NATIVE, "POST", path, "/opt/f/module.bin", "main",
                64, 5, 32, 16, Network.NONE, Map.of("V", String.valueOf(version)), version);
    }
}
