package org.faasj.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.faasj.model.FunctionDescriptor;
import org.faasj.model.FunctionRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

class RouteSyncTest {

    /**
     * Generous on purpose: these tests check that a change is noticed at all; how fast it is
     * (the poll interval, 500 ms here) is not for a unit test on a shared, loaded machine to judge.
     */
    private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(15);
    private static final String GOOD_JSON = "{\"runtime\":\"php\",\"module\":\"functions/ping/1/ping.php\"}";

    @TempDir
    Path dataDir;
    SqliteFixture db;
    RouteSync sync;

    @BeforeEach
    void start() {
        db = SqliteFixture.seeded(dataDir);
        sync = db.newSync(Duration.ofMillis(500));
        sync.start();
    }

    @AfterEach
    void stop() {
        sync.stop();
        db.close();
    }

    @Test
    void startLoadsTheSeedRoutes() {
        assertThat(db.table.all()).extracting(Route::key)
                .containsExactlyInAnyOrder("GET:/ping", "GET:/api/info", "POST:/api/hello", "POST:/resize");
        Route ping = db.table.lookup("GET", "/ping");
        assertThat(ping.descriptor().runtime()).isEqualTo(FunctionRuntime.PHP);
        assertThat(ping.modulePath()).isRegularFile();
        assertThat(sync.isRunning()).isTrue();
    }

    @Test
    void insertFromAnotherConnectionAppearsAndDeleteRemovesIt() throws Exception {
        db.executeSeparately("INSERT INTO functions (k, v, updated) VALUES (?, ?, ?)", "GET:/new", GOOD_JSON, now());

        awaitVisible(() -> db.table.lookup("GET", "/new") != null);

        db.executeSeparately("DELETE FROM functions WHERE k = ?", "GET:/new");

        awaitVisible(() -> db.table.lookup("GET", "/new") == null);
        assertThat(db.table.all()).hasSize(4);
    }

    @Test
    void rewriteWithinTheSameSecondIsNoticed() throws Exception {
        long updated = db.store.find("GET", "/ping").orElseThrow().updated();

        db.executeSeparately("UPDATE functions SET v = ?, updated = ? WHERE k = ?",
                "{\"runtime\":\"php\",\"module\":\"functions/ping/1/ping.php\",\"timeout\":9}", updated, "GET:/ping");

        awaitVisible(() -> db.table.lookup("GET", "/ping").descriptor().timeoutSeconds() == 9);
    }

    @Test
    void insertWithTheSqlite3CliAppears() throws Exception {
        Assumptions.assumeTrue(sqlite3Available(), "sqlite3 CLI not installed");
        String sql = "INSERT INTO functions (k, v, updated) VALUES ('GET:/cli', '" + GOOD_JSON + "', strftime('%s','now'));";

        Process cli = new ProcessBuilder("sqlite3", db.database.file().toString(), sql).redirectErrorStream(true).start();
        assertThat(cli.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.exitValue()).as(new String(cli.getInputStream().readAllBytes())).isZero();

        awaitVisible(() -> db.table.lookup("GET", "/cli") != null);
    }

    @Test
    void unservableRowsAreSkippedAndReportedOnce() throws Exception {
        ListAppender<ILoggingEvent> warnings = captureWarnings();
        db.executeSeparately("INSERT INTO functions (k, v, updated) VALUES (?, ?, ?)", "GET:/broken", "{\"runtime\":", now());
        db.executeSeparately("INSERT INTO functions (k, v, updated) VALUES (?, ?, ?)", "GET:/actuator/x", GOOD_JSON, now());
        db.executeSeparately("INSERT INTO functions (k, v, updated) VALUES (?, ?, ?)", "nonsense", GOOD_JSON, now());
        db.executeSeparately("INSERT INTO functions (k, v, updated) VALUES (?, ?, ?)", "GET:/fine", GOOD_JSON, now());

        awaitVisible(() -> db.table.lookup("GET", "/fine") != null);
        sync.reloadNow();
        sync.reloadNow();

        assertThat(db.table.all()).hasSize(5);
        assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage)
                .hasSize(3)
                .anySatisfy(m -> assertThat(m).contains("GET:/broken", "not valid JSON"))
                .anySatisfy(m -> assertThat(m).contains("GET:/actuator/x", "reserved"))
                .anySatisfy(m -> assertThat(m).contains("nonsense", "bad route key"));
    }

    @Test
    void reloadNowPublishesAnUpsertAtOnce() {
        FunctionDescriptor hello = new FunctionDescriptor("hello-c", FunctionRuntime.NATIVE, "POST", "/api/hello-c",
                "functions/hello-c/1/module.bin", "main", 64, 5, 64, 64, null, null, 1);

        db.store.upsert(hello);
        sync.reloadNow();

        assertThat(db.table.lookup("POST", "/api/hello-c").descriptor()).isEqualTo(hello);
    }

    @Test
    void stopEndsThePollingThread() {
        sync.stop();

        assertThat(sync.isRunning()).isFalse();
        await().atMost(Duration.ofSeconds(2)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("route-sync") && t.isAlive()));
    }

    private static void awaitVisible(java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(VISIBLE_WITHIN).pollInterval(Duration.ofMillis(10)).until(condition);
    }

    private ListAppender<ILoggingEvent> captureWarnings() {
        Logger logger = (Logger) LoggerFactory.getLogger(RouteSync.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                    super.append(event);
                }
            }
        };
        appender.start();
        logger.addAppender(appender);
        return appender;
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    private static boolean sqlite3Available() {
        try {
            return new ProcessBuilder("sqlite3", "-version").start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
