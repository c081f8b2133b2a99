package org.faasj.controlplane.invocations;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.faasj.controlplane.async.AsyncCalls;
import org.faasj.controlplane.async.QueueException;
import org.faasj.controlplane.system.ApiProblems;
import org.faasj.controlplane.deploy.AdminToken;
import org.faasj.controlplane.logs.LogFiles;
import org.faasj.controlplane.logs.LogLine;
import org.faasj.controlplane.logs.LogQuery;
import org.faasj.controlplane.routing.RouteTable;
import org.faasj.model.CallId;
import org.faasj.model.InvocationRecord;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The read API over the records: a function's recent calls, one call with its stderr lines, and a
 * function's rolling statistics. All need the admin token, reads included.
 */
@RestController
class InvocationsController {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;
    static final int DEFAULT_WINDOW = 300;
    static final int MIN_WINDOW = 10;
    static final int MAX_WINDOW = 3600;
    /** A call's lines are few (the worker caps stderr); this only bounds a pathological log. */
    private static final int MAX_CALL_LINES = 10_000;

    private final RecordStore store;
    private final CallStats stats;
    private final LogFiles logs;
    private final RouteTable routes;
    private final AdminToken token;
    private final AsyncCalls asyncCalls;

    InvocationsController(RecordStore store, CallStats stats, LogFiles logs, RouteTable routes, AdminToken token,
                          AsyncCalls asyncCalls) {
        this.asyncCalls = asyncCalls;
        this.store = store;
        this.stats = stats;
        this.logs = logs;
        this.routes = routes;
        this.token = token;
    }

    @GetMapping("/system/functions/{name}/invocations")
    Map<String, Object> invocations(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                                    @PathVariable String name,
                                    @RequestParam(required = false) String limit,
                                    @RequestParam(required = false) String status,
                                    @RequestParam(required = false) String outcome) throws SQLException {
        ApiProblems.requireToken(token, authorization);
        int max = ApiProblems.intParameter("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
        RecordFilter filter = filter(status, outcome);
        List<RecordStore.StoredRecord> records = read(() -> store.recent(name, filter, max));
        if (records.isEmpty()) {
            requireKnown(name);
        }
        List<Map<String, Object>> views = new ArrayList<>(records.size());
        records.forEach(r -> views.add(view(r)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("function", name);
        body.put("invocations", views);
        return body;
    }

    /**
     * One call: its invocation record and log lines, and for an async call its {@code async} part.
     * A queued async call has no record yet; it is shown by its async part alone. The lines are this
     * node's log file's; a call another node ran has none here, so in cluster mode they are made from
     * the stderr its record keeps in the shared store.
     */
    @GetMapping("/system/calls/{callId}")
    Map<String, Object> call(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                             @PathVariable String callId) throws SQLException {
        ApiProblems.requireToken(token, authorization);
        boolean wellFormed = CallId.isWellFormed(callId);
        Optional<RecordStore.StoredRecord> record = wellFormed ? read(() -> store.call(callId)) : Optional.empty();
        Optional<Map<String, Object>> async = wellFormed ? asyncView(callId) : Optional.empty();
        if (record.isEmpty() && async.isEmpty()) {
            throw ApiProblems.problem(HttpStatus.NOT_FOUND, "No such call", "no record of a call '" + callId + "'");
        }
        Map<String, Object> body;
        String function;
        if (record.isPresent()) {
            body = view(record.get());
            function = record.get().call().functionName();
        } else {
            function = (String) async.get().get("function");
            body = new LinkedHashMap<>();
            body.put("callId", callId);
            body.put("function", function);
        }
        List<LogLine> lines = LogFiles.isValidName(function)
                ? logs.read(function, new LogQuery(MAX_CALL_LINES, null, callId))
                : List.of();
        if (lines.isEmpty() && record.isPresent()) {
            lines = LogLine.of(record.get().call());
        }
        body.put("logs", lines);
        async.ifPresent(a -> body.put("async", a));
        return body;
    }

    private Optional<Map<String, Object>> asyncView(String callId) {
        try {
            return asyncCalls.view(callId);
        } catch (QueueException e) {
            throw ApiProblems.problem(HttpStatus.SERVICE_UNAVAILABLE, "Queue unavailable", e.getMessage());
        }
    }

    @GetMapping("/system/functions/{name}/stats")
    Map<String, Object> stats(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                              @PathVariable String name,
                              @RequestParam(required = false) String window) throws SQLException {
        ApiProblems.requireToken(token, authorization);
        int seconds = ApiProblems.intParameter("window", window, DEFAULT_WINDOW, MIN_WINDOW, MAX_WINDOW);
        FunctionWindow.Summary summary = stats.summary(name, seconds).orElse(null);
        if (summary == null) {
            requireKnown(name);
            summary = stats.empty(seconds);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("function", name);
        body.put("windowSeconds", seconds);
        body.put("calls", summary.calls());
        body.put("errors", summary.errors());
        body.put("p50Ms", summary.p50Ms());
        body.put("p99Ms", summary.p99Ms());
        List<Map<String, Object>> buckets = new ArrayList<>(summary.buckets().size());
        for (FunctionWindow.Bucket b : summary.buckets()) {
            Map<String, Object> bucket = new LinkedHashMap<>();
            bucket.put("start", LogLine.isoTime(b.startMillis()));
            bucket.put("calls", b.calls());
            bucket.put("errors", b.errors());
            bucket.put("p50Ms", b.p50Ms());
            bucket.put("p99Ms", b.p99Ms());
            buckets.add(bucket);
        }
        body.put("buckets", buckets);
        return body;
    }

    /** 404 unless the function is deployed or has records (a deleted function's records stay until pruned). */
    private void requireKnown(String name) throws SQLException {
        if (!routes.hasFunction(name) && !read(() -> store.hasRecords(name))) {
            throw ApiProblems.noSuchFunction(name);
        }
    }

    /** A read of the record store. */
    private interface Read<T> {
        T run() throws SQLException;
    }

    /**
     * Runs a read; a failure while the store cannot be reached (cluster mode: the shared store is
     * down) becomes the 503 "Store unavailable" problem deploys answer too, not a 500.
     */
    private <T> T read(Read<T> read) throws SQLException {
        try {
            return read.run();
        } catch (SQLException e) {
            if (!store.reachable()) {
                throw new DataAccessResourceFailureException("cannot read the invocation records: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /**
     * One record as the API shows it; unknown values ({@code -1} in the record) are null. {@code node}
     * only in cluster mode, so a single node's answers are what they were.
     */
    static Map<String, Object> view(RecordStore.StoredRecord stored) {
        InvocationRecord r = stored.call();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("callId", r.callId());
        v.put("function", r.functionName());
        v.put("version", r.functionVersion());
        v.put("worker", r.workerId() < 0 ? null : r.workerId());
        v.put("startedAt", LogLine.isoTime(r.startedAtMillis()));
        v.put("durationMs", r.durationMicros() / 1000.0);
        v.put("queueWaitMs", r.queueWaitMicros() / 1000.0);
        v.put("status", r.status());
        v.put("outcome", r.outcome().label());
        v.put("exitCode", r.exitCode() == -1 ? null : r.exitCode());
        v.put("coldStart", r.coldStart());
        v.put("cpuMs", r.cpuMicros() < 0 ? null : r.cpuMicros() / 1000.0);
        v.put("peakRssKb", r.peakRssKb() < 0 ? null : r.peakRssKb());
        if (stored.node() != null) {
            v.put("node", stored.node());
        }
        return v;
    }

    static RecordFilter filter(String status, String outcome) {
        try {
            return RecordFilter.of(status, outcome);
        } catch (IllegalArgumentException e) {
            if ("outcome".equals(e.getMessage())) {
                throw ApiProblems.badParameter("outcome", "outcome must be one of ok, exit_nonzero, timeout, memory,"
                        + " output_too_large, sandbox_denied, rejected_429, bad_request, unavailable, lost, platform_error;"
                        + " got '" + outcome + "'");
            }
            throw ApiProblems.badParameter("status", "status must be an HTTP status (200), a class (2xx, 4xx, 5xx)"
                    + " or 'error'; got '" + status + "'");
        }
    }
}
