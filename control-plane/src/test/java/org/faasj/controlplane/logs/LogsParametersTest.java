package org.faasj.controlplane.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;

class LogsParametersTest {

    private static final long NOW = java.time.Instant.parse("2026-11-28T10:20:00Z").toEpochMilli();

    @Test
    void tailDefaultsTo100AndStopsAt10000() {
        assertThat(LogsController.tail(null)).isEqualTo(100);
        assertThat(LogsController.tail("0")).isZero();
        assertThat(LogsController.tail("10000")).isEqualTo(10_000);
        for (String bad : new String[] {"10001", "-1", "ten", ""}) {
            assertBad(() -> LogsController.tail(bad), "tail");
        }
    }

    @Test
    void sinceIsAnIsoTimeOrSecondsAgo() {
        assertThat(LogsController.since(null, NOW)).isNull();
        assertThat(LogsController.since("300", NOW)).isEqualTo("2026-11-28T10:15:00.000Z");
        assertThat(LogsController.since("2026-11-28T13:00:00Z", NOW)).isEqualTo("2026-11-28T13:00:00.000Z");
        assertThat(LogsController.since("2026-11-28T13:00:00.5Z", NOW)).isEqualTo("2026-11-28T13:00:00.500Z");
        for (String bad : new String[] {"yesterday", "-5", "2026-11-28", "1.5"}) {
            assertBad(() -> LogsController.since(bad, NOW), "since");
        }
    }

    @Test
    void callAndFollowAreChecked() {
        assertThat(LogsController.call("abc-1.2_x")).isEqualTo("abc-1.2_x");
        assertBad(() -> LogsController.call("a/b"), "call");
        assertThat(LogsController.follow(null)).isFalse();
        assertThat(LogsController.follow("true")).isTrue();
        assertBad(() -> LogsController.follow("yes"), "follow");
    }

    private static void assertBad(Runnable r, String parameter) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(ErrorResponseException.class, e -> {
            assertThat(e.getStatusCode().value()).isEqualTo(400);
            assertThat(e.getBody().getProperties()).containsEntry("parameter", parameter);
        });
    }
}
