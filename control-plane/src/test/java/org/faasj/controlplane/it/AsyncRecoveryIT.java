package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * At-least-once, issue 12: calls queued or running when the control plane is killed with
 * {@code kill -9} all run after a restart on the same data dir; one that was running runs again and
 * sees {@code FAAS_ATTEMPT} 2.
 */
class AsyncRecoveryIT {

    @TempDir
    Path tmp;

    @Test
    void callsQueuedOrRunningAtKillMinus9AllSucceedAfterARestart() throws Exception {
        Path data = tmp.resolve("data");
        List<String> ids = new ArrayList<>();
        String token;
        try (RunningPlatform first = RunningPlatform.start(data)) {
            token = Files.readString(data.resolve("admin-token")).strip();
            AsyncCallsIT.deploy(first, "async-slow", "slow.php", 20, Map.of());
            for (int i = 0; i < 4; i++) {
                String id = "it-recover-" + i;
                assertEquals(202, AsyncCallsIT.enqueue(first, "/it/async-slow", "{}", "X-Call-Id", id).statusCode());
                ids.add(id);
            }
            RunningPlatform.await(Duration.ofSeconds(30), () -> {
                try {
                    return AsyncCallsIT.call(first, token, "/system/calls/it-recover-0").path("async").path("state")
                            .asString().equals("running");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "the first call running");
            first.process.destroyForcibly().waitFor(); // kill -9: no shutdown hook, no graceful anything
        }

        try (RunningPlatform second = RunningPlatform.start(data)) {
            for (String id : ids) {
                JsonNode done = AsyncCallsIT.awaitState(second, token, "/system/calls/" + id, "succeeded");
                JsonNode seen = RunningPlatform.JSON.readTree(done.path("async").path("result").path("body").asString());
                assertEquals(id, seen.path("callId").asString());
                if (id.equals("it-recover-0")) {
                    assertEquals("2", seen.path("attempt").asString(), "it was running at the kill: " + done);
                    assertEquals(2, done.path("async").path("attempts").asInt());
                }
            }
        }
    }
}
