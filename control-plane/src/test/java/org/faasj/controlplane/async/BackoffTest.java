package org.faasj.controlplane.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BackoffTest {

    private static Backoff backoff(double random) {
        return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> random);
    }

    @ParameterizedTest
    @CsvSource({"1, 500, 1000", "2, 1000, 2000", "3, 2000, 4000", "5, 8000, 16000", "6, 15000, 30000", "40, 15000, 30000"})
    void doublesPerAttemptWithinHalfToAllOfTheDelayAndStopsAtTheCap(int attempt, long low, long high) {
        assertThat(backoff(0.0).delayMillis(attempt, null)).isEqualTo(low);
        assertThat(backoff(0.999_999).delayMillis(attempt, null)).isBetween(high - 1, high);
        assertThat(backoff(0.5).delayMillis(attempt, null)).isStrictlyBetween(low, high);
    }

    @Test
    void retryAfterInSecondsWinsOverTheBackoff() {
        assertThat(backoff(0.0).delayMillis(1, "7")).isEqualTo(7000);
        assertThat(backoff(0.0).delayMillis(1, " 0 ")).isZero();
        assertThat(backoff(0.0).delayMillis(1, "999999")).isEqualTo(Backoff.MAX_RETRY_AFTER_SECONDS * 1000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "-3", "1.5", "Wed, 21 Oct 2015 07:28:00 GMT", "9999999999"})
    void aRetryAfterThatIsNotDeltaSecondsIsIgnored(String value) {
        assertThat(backoff(0.0).delayMillis(2, value)).isEqualTo(1000);
    }

    @ParameterizedTest
    @CsvSource({"200, SUCCEEDED", "204, SUCCEEDED", "302, SUCCEEDED", "400, FAILED", "404, FAILED", "413, FAILED",
            "429, RETRY", "500, RETRY", "502, RETRY", "503, RETRY", "504, RETRY"})
    void anAnswersStatusDecidesTheCallsFate(int status, Verdict verdict) {
        assertThat(Verdict.of(new CallResult(status, List.of(Map.entry("a", "b")), new byte[0], false, null)))
                .isEqualTo(verdict);
    }

    @Test
    void noAnswerIsRetried() {
        assertThat(Verdict.of(CallResult.noAnswer("timeout"))).isEqualTo(Verdict.RETRY);
    }
}
