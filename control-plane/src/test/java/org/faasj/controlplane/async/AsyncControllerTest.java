package org.faasj.controlplane.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.faasj.controlplane.deploy.AdminToken;
import org.faasj.controlplane.metrics.AsyncMetrics;
import org.faasj.controlplane.routing.Route;
import org.faasj.controlplane.routing.RouteTable;
import org.faasj.controlplane.system.FaasProperties;
import org.faasj.model.ExecutionMode;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.FunctionRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.ErrorResponseException;

class AsyncControllerTest {

    static final long MAX_BODY = 64;

    @TempDir
    Path dir;
    JdbcCallQueue queue;
    final RouteTable routes = new RouteTable();
    AsyncController controller;

    @BeforeEach
    void open() throws Exception {
        queue = JdbcCallQueue.openSqlite(dir.resolve("async.db"), 64);
        routes.put(new Route(new FunctionDescriptor("hello", FunctionRuntime.PHP, "POST", "/api/hello", "hello.php", null,
                128, 10, 64, 64, null, null, 1, 0, ExecutionMode.PROCESS, 4), Path.of("/fn/hello.php")));
        AsyncRuntime runtime = new AsyncRuntime(queue, calls -> null, null, Duration.ofHours(1), Duration.ofSeconds(3),
                new AsyncMetrics(new SimpleMeterRegistry(), true), () -> 1000);
        controller = new AsyncController(queue, routes, runtime, new AsyncCalls(queue, () -> 1000), null, MAX_BODY,
                () -> 1000);
    }

    @AfterEach
    void close() {
        queue.close();
    }

    private static MockHttpServletRequest request(String method, String uri, String body) {
        MockHttpServletRequest r = new MockHttpServletRequest(method, uri);
        if (body != null) {
            r.setContent(body.getBytes(StandardCharsets.UTF_8));
        }
        return r;
    }

    private HttpStatus refusal(MockHttpServletRequest r) {
        ErrorResponseException e = (ErrorResponseException) org.assertj.core.api.Assertions.catchThrowable(
                () -> controller.enqueue(r));
        assertThat(e).as("a refusal").isNotNull();
        return HttpStatus.valueOf(e.getStatusCode().value());
    }

    @Test
    void aCallIsStoredAndAnswered202WithItsIdAndLocation() throws Exception {
        MockHttpServletRequest r = request("POST", "/async-function/api/hello", "{\"n\":1}");
        r.setQueryString("x=1&y=2");
        r.addHeader("Content-Type", "application/json");
        r.addHeader("X-Call-Id", "my-call-1");

        ResponseEntity<Map<String, Object>> answer = controller.enqueue(r);

        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(answer.getHeaders().getFirst("X-Call-Id")).isEqualTo("my-call-1");
        assertThat(answer.getHeaders().getFirst("Location")).isEqualTo("/system/calls/my-call-1");
        assertThat(answer.getBody()).containsEntry("state", "queued").containsEntry("function", "hello");
        ClaimedCall stored = queue.claim(1000, 1, Map.of(), 1).get(0);
        assertThat(stored.request().path()).isEqualTo("/api/hello");
        assertThat(stored.request().query()).isEqualTo("x=1&y=2");
        assertThat(new String(stored.request().body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
        assertThat(stored.maxAttempts()).isEqualTo(5); // the descriptor's 4 retries plus the first attempt
    }

    @Test
    void credentialsConnectionHeadersAndTheCallbackAreNotStoredAsHeaders() throws Exception {
        MockHttpServletRequest r = request("POST", "/async-function/api/hello", "");
        r.addHeader("Authorization", "Bearer secret");
        r.addHeader("Cookie", "session=1");
        r.addHeader("Connection", "keep-alive");
        r.addHeader("Transfer-Encoding", "chunked");
        r.addHeader("X-Callback-Url", "https://example.com/hook");
        r.addHeader("X-Keep", "yes");

        controller.enqueue(r);

        ClaimedCall stored = queue.claim(1000, 1, Map.of(), 1).get(0);
        assertThat(stored.request().headers()).containsExactly(Map.entry("X-Keep", "yes"));
        assertThat(queue.find(stored.callId()).orElseThrow().callbackUrl()).isEqualTo("https://example.com/hook");
    }

    @Test
    void aMalformedClientIdIsReplacedAndAnIdInUseIsAConflict() throws Exception {
        MockHttpServletRequest bad = request("POST", "/async-function/api/hello", "");
        bad.addHeader("X-Call-Id", "no spaces/allowed");
        String id = controller.enqueue(bad).getHeaders().getFirst("X-Call-Id");
        assertThat(id).isNotEqualTo("no spaces/allowed").matches("[A-Za-z0-9._-]+");

        MockHttpServletRequest again = request("POST", "/async-function/api/hello", "");
        again.addHeader("X-Call-Id", id);
        assertThat(refusal(again)).isEqualTo(HttpStatus.CONFLICT);
    }

    @Test
    void anUnknownRouteIs404AndAnotherMethodIs405WithAllow() {
        assertThat(refusal(request("POST", "/async-function/api/nope", ""))).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(refusal(request("POST", "/async-function", ""))).isEqualTo(HttpStatus.NOT_FOUND);
        ErrorResponseException e = (ErrorResponseException) org.assertj.core.api.Assertions.catchThrowable(
                () -> controller.enqueue(request("GET", "/async-function/api/hello", null)));
        assertThat(e.getStatusCode().value()).isEqualTo(405);
        assertThat(e.getHeaders().getFirst("Allow")).isEqualTo("POST");
    }

    @Test
    void aBadCallbackUrlIs400NamingTheHeader() {
        MockHttpServletRequest r = request("POST", "/async-function/api/hello", "");
        r.addHeader("X-Callback-Url", "file:///etc/passwd");
        ErrorResponseException e = (ErrorResponseException) org.assertj.core.api.Assertions.catchThrowable(
                () -> controller.enqueue(r));
        assertThat(e.getStatusCode().value()).isEqualTo(400);
        assertThat(e.getBody().getProperties()).containsEntry("header", "X-Callback-Url");
    }

    @Test
    void aBodyOverTheCapIs413WhetherDeclaredOrNot() throws Exception {
        assertThat(refusal(request("POST", "/async-function/api/hello", "x".repeat((int) MAX_BODY + 1))))
                .isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
        MockHttpServletRequest undeclared = new MockHttpServletRequest("POST", "/async-function/api/hello") {
            @Override
            public long getContentLengthLong() {
                return -1;
            }
        };
        undeclared.setContent("y".repeat((int) MAX_BODY + 1).getBytes(StandardCharsets.UTF_8));
        assertThat(refusal(undeclared)).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
        assertThat(controller.enqueue(request("POST", "/async-function/api/hello", "z".repeat((int) MAX_BODY)))
                .getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(queue.queuedCount()).isEqualTo(1);
    }

    @Test
    void cancellingAnswersByTheCallsState() throws Exception {
        AsyncCalls calls = new AsyncCalls(queue, () -> 2000);
        controller.enqueue(withId("q1"));
        controller.enqueue(withId("r1"));
        queue.claim(1000, 1, Map.of(), 1); // q1, the older, runs

        assertThat(calls.cancel("r1")).isEqualTo(AsyncCalls.Cancel.CANCELLED);
        assertThat(calls.cancel("q1")).isEqualTo(AsyncCalls.Cancel.NOT_QUEUED);
        assertThat(calls.cancel("zz")).isEqualTo(AsyncCalls.Cancel.UNKNOWN);
        assertThat(calls.view("r1").orElseThrow()).containsEntry("state", "cancelled");
    }

    private static MockHttpServletRequest withId(String id) {
        MockHttpServletRequest r = request("POST", "/async-function/api/hello", "");
        r.addHeader("X-Call-Id", id);
        return r;
    }

    @Test
    void theViewShowsATextResultAsTextAndBinaryAsBase64() throws Exception {
        controller.enqueue(withId("t1"));
        queue.claim(1000, 1, Map.of(), 1);
        queue.finish("t1", CallState.SUCCEEDED, new CallResult(200, java.util.List.of(), new byte[]{(byte) 0xff, 0}, true,
                null), 1500);

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) new AsyncCalls(queue, () -> 2000).view("t1").orElseThrow()
                .get("result");
        assertThat(result).containsEntry("bodyEncoding", "base64").containsEntry("body", "/wA=")
                .containsEntry("truncated", true).containsEntry("status", 200);
    }

    // --- GET /system/functions/{name}/async-calls ---

    @Test
    void theStateParameterIsOneOfTheFiveStatesOrAbsent() {
        assertThat(AsyncController.stateParameter(null)).isNull();
        assertThat(AsyncController.stateParameter("")).isNull();
        assertThat(AsyncController.stateParameter("queued")).isEqualTo(CallState.QUEUED);
        assertThat(AsyncController.stateParameter("cancelled")).isEqualTo(CallState.CANCELLED);
        for (String bad : new String[]{"QUEUED", "done", "queued,running", "1"}) {
            ErrorResponseException e = (ErrorResponseException) org.assertj.core.api.Assertions.catchThrowable(
                    () -> AsyncController.stateParameter(bad));
            assertThat(e.getStatusCode().value()).as(bad).isEqualTo(400);
            assertThat(e.getBody().getProperties()).containsEntry("parameter", "state");
            assertThat(e.getBody().getDetail()).contains("queued, running, succeeded, failed, cancelled").contains(bad);
        }
    }

    @Test
    void theLimitIsFrom1To500And50WhenAbsent() {
        assertThat(AsyncController.limitParameter(null)).isEqualTo(50);
        assertThat(AsyncController.limitParameter("1")).isEqualTo(1);
        assertThat(AsyncController.limitParameter("500")).isEqualTo(500);
        for (String bad : new String[]{"0", "501", "-1", "ten", ""}) {
            ErrorResponseException e = (ErrorResponseException) org.assertj.core.api.Assertions.catchThrowable(
                    () -> AsyncController.limitParameter(bad));
            assertThat(e.getStatusCode().value()).as(bad).isEqualTo(400);
            assertThat(e.getBody().getProperties()).containsEntry("parameter", "limit");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aListingHasTheCountsTheOldestQueuedAgeAndTheNewestCallsWithoutBodies() throws Exception {
        for (String id : new String[]{"l1", "l2", "l3"}) {
            controller.enqueue(withId(id)); // all enqueued at 1000: ties are ordered by id, newest-looking first
        }
        queue.claim(1000, 1, Map.of(), 1);
        queue.finish("l1", CallState.SUCCEEDED, new CallResult(200, java.util.List.of(), "secret".getBytes(), false, null),
                1200);

        Map<String, Object> listing = new AsyncCalls(queue, () -> 4500).listing("hello", null, 50).orElseThrow();

        assertThat((Map<String, Object>) listing.get("counts")).containsEntry("queued", 2L)
                .containsEntry("succeeded", 1L).containsEntry("running", 0L).containsKeys("failed", "cancelled");
        assertThat(listing).containsEntry("oldestQueuedAgeSeconds", 3.5)
                .containsEntry("oldestQueuedAt", "1970-01-01T00:00:01.000Z");
        java.util.List<Map<String, Object>> calls = (java.util.List<Map<String, Object>>) listing.get("calls");
        assertThat(calls).extracting(c -> c.get("callId")).containsExactly("l3", "l2", "l1");
        Map<String, Object> done = calls.get(2);
        assertThat(done).containsEntry("state", "succeeded").containsEntry("attempts", 1)
                .containsEntry("enqueuedAt", "1970-01-01T00:00:01.000Z").containsEntry("finishedAt", "1970-01-01T00:00:01.200Z");
        assertThat((Map<String, Object>) done.get("result")).containsEntry("status", 200).doesNotContainKeys("body", "headers");
        assertThat(calls.get(0)).containsEntry("result", null).containsEntry("startedAt", null);

        Map<String, Object> queued = new AsyncCalls(queue, () -> 4500).listing("hello", CallState.QUEUED, 1).orElseThrow();
        assertThat((java.util.List<Map<String, Object>>) queued.get("calls")).extracting(c -> c.get("callId"))
                .containsExactly("l3");
        assertThat(new AsyncCalls(queue, () -> 4500).listing("nobody", null, 50)).isEmpty();
    }

    @Test
    void anUnknownFunctionWithoutCallsIs404AndADeployedOneWithoutCallsAnEmptyListing() {
        AdminToken token = new AdminToken(new Binder(new MapConfigurationPropertySource(Map.of(
                "faas.data-dir", dir.toString(), "faas.admin-token", "s3cret"))).bind("faas", FaasProperties.class).get());
        AsyncRuntime runtime = new AsyncRuntime(queue, calls -> null, null, Duration.ofHours(1), Duration.ofSeconds(3),
                new AsyncMetrics(new SimpleMeterRegistry(), true), () -> 1000);
        AsyncController guarded = new AsyncController(queue, routes, runtime, new AsyncCalls(queue, () -> 1000), token,
                MAX_BODY, () -> 1000);

        ErrorResponseException unknown = (ErrorResponseException) org.assertj.core.api.Assertions.catchThrowable(
                () -> guarded.list("Bearer s3cret", "nobody", null, null));
        assertThat(unknown.getStatusCode().value()).isEqualTo(404);
        ErrorResponseException noToken = (ErrorResponseException) org.assertj.core.api.Assertions.catchThrowable(
                () -> guarded.list(null, "hello", null, null));
        assertThat(noToken.getStatusCode().value()).isEqualTo(401);
        assertThat(guarded.list("Bearer s3cret", "hello", "queued", "5")).containsEntry("calls", java.util.List.of())
                .containsEntry("oldestQueuedAgeSeconds", null);
    }
}
