package org.faasj.controlplane.invocations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.faasj.controlplane.system.ApiProblems;
import org.faasj.model.InvocationOutcome;
import org.faasj.model.InvocationRecord;
import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;

class InvocationsParametersTest {

    @Test
    void limitAndWindowAreBoundedNumbers() {
        assertThat(ApiProblems.intParameter("limit", null, 50, 1, 1000)).isEqualTo(50);
        assertThat(ApiProblems.intParameter("limit", "1000", 50, 1, 1000)).isEqualTo(1000);
        assertBad(() -> ApiProblems.intParameter("limit", "1001", 50, 1, 1000), "limit");
        assertBad(() -> ApiProblems.intParameter("limit", "0", 50, 1, 1000), "limit");
        assertBad(() -> ApiProblems.intParameter("limit", "many", 50, 1, 1000), "limit");
        assertBad(() -> ApiProblems.intParameter("window", "5", 300, 10, 3600), "window");
    }

    @Test
    void statusAndOutcomeAreChecked() {
        assertThat(InvocationsController.filter("404", null)).isEqualTo(new RecordFilter(404, 404, false, null));
        assertThat(InvocationsController.filter("4xx", "bad_request"))
                .isEqualTo(new RecordFilter(400, 499, false, InvocationOutcome.BAD_REQUEST));
        assertThat(InvocationsController.filter("error", null).errorsOnly()).isTrue();
        for (String bad : new String[] {"6xx", "2XX", "20", "ok", "1000"}) {
            assertBad(() -> InvocationsController.filter(bad, null), "status");
        }
        assertBad(() -> InvocationsController.filter(null, "OKAY"), "outcome");
    }

    @Test
    void aRecordIsShownWithNullsForWhatIsNotKnown() {
        Map<String, Object> v = InvocationsController.view(new RecordStore.StoredRecord(new InvocationRecord("c-1", "hello",
                3, -1, 0, 12_345, 0, 504, InvocationOutcome.TIMEOUT, -1, true, -1, -1, ""), null));

        assertThat(v).containsEntry("startedAt", "1970-01-01T00:00:00.000Z").containsEntry("durationMs", 12.345)
                .containsEntry("queueWaitMs", 0.0).containsEntry("outcome", "timeout").containsEntry("exitCode", null)
                .containsEntry("cpuMs", null).containsEntry("peakRssKb", null).containsEntry("worker", null);
        assertThat(v.keySet()).containsExactly("callId", "function", "version", "worker", "startedAt", "durationMs",
                "queueWaitMs", "status", "outcome", "exitCode", "coldStart", "cpuMs", "peakRssKb");
    }

    @Test
    void aClusterRecordNamesItsNode() {
        Map<String, Object> v = InvocationsController.view(new RecordStore.StoredRecord(new InvocationRecord("c-1", "hello",
                3, 0, 0, 1, 0, 200, InvocationOutcome.OK, 0, false, 1, 1, ""), "node-b"));

        assertThat(v).containsEntry("node", "node-b");
    }

    private static void assertBad(Runnable r, String parameter) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(ErrorResponseException.class, e -> {
            assertThat(e.getStatusCode().value()).isEqualTo(400);
            assertThat(e.getBody().getProperties()).containsEntry("parameter", parameter);
        });
    }
}
