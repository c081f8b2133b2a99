package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, invocation records, against the packaged jar: a worker's record of each call crosses the
 * calls socket and reaches the control plane, with its status, outcome, exit code and stderr. Until
 * an API serves them, the receiver's DEBUG line for each record is what the test reads.
 */
class InvocationRecordIT {

    @TempDir
    static Path tmp;
    static RunningPlatform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"), "--logging.level.org.faasj.controlplane.calls=DEBUG");
        deploy("warns.php", "records-warns");
        deploy("fails.php", "records-fails");
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    @Test
    void aCallThatSucceedsIsRecordedOkWithItsStderr() throws Exception {
        assertEquals(200, call("/api/records-warns", "rec-ok-1").statusCode());

        awaitRecord("rec-ok-1", "records-warns", "status=200, outcome=OK, exitCode=0",
                "stderr=careful: low disk\n]");
    }

    @Test
    void aCallThatExitsThreeIsRecordedWithItsCodeAndStderr() throws Exception {
        assertEquals(500, call("/api/records-fails", "rec-fail-1").statusCode());

        awaitRecord("rec-fail-1", "records-fails", "status=500, outcome=EXIT_NONZERO, exitCode=3",
                "stderr=cannot reach the database\n]");
    }

    /** The receiver's line for the call's record: {@code InvocationRecord[...]} as the record prints itself. */
    private static void awaitRecord(String callId, String function, String ending, String stderr) throws Exception {
        Pattern line = Pattern.compile(Pattern.quote("InvocationRecord[callId=" + callId + ", functionName=" + function
                + ", ") + "functionVersion=1, workerId=[01], startedAtMillis=\\d+, durationMicros=\\d+, "
                + "queueWaitMicros=\\d+, " + Pattern.quote(ending) + ", coldStart=(true|false), cpuMicros=\\d+, "
                + "peakRssKb=[1-9]\\d*, " + Pattern.quote(stderr));
        RunningPlatform.await(Duration.ofSeconds(20), () -> line.matcher(platform.logText()).find(),
                "the record of " + callId + " in the control plane's log");
    }

    private static HttpResponse<String> call(String path, String callId) throws Exception {
        return platform.http.send(HttpRequest.newBuilder(platform.uri(path)).timeout(Duration.ofSeconds(30))
                .header("X-Call-Id", callId).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Deploys {@code src/test/resources/records/<file>} as PHP function {@code name}. */
    private static void deploy(String file, String name) throws Exception {
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("runtime", "php");
        descriptor.put("name", name);
        AbuseSupport.deployResource(platform, "records", file, descriptor);
    }
}
