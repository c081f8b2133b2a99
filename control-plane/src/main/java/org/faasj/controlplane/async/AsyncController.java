package org.faasj.controlplane.async;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

import jakarta.servlet.http.HttpServletRequest;

import org.faasj.controlplane.deploy.AdminToken;
import org.faasj.controlplane.gateway.LocalRequest;
import org.faasj.controlplane.routing.Route;
import org.faasj.controlplane.routing.RouteTable;
import org.faasj.controlplane.system.ApiProblems;
import org.faasj.controlplane.system.FaasProperties;
import org.faasj.model.CallId;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /async-function/<route>}: any method a route takes, stored and answered with 202 once it
 * is on disk; {@code DELETE /system/calls/{id}}, which cancels a queued call; and
 * {@code GET /system/functions/{name}/async-calls}, a function's calls for an operator. Stored are the
 * method, path, query, body and headers, except connection headers, {@code X-Callback-Url} and
 * {@code X-Call-Id} (kept in their own columns) and credentials ({@code Authorization},
 * {@code Proxy-Authorization}, {@code Cookie}): those would sit on disk for the retention period,
 * so a function that needs a secret takes it from its {@code env}.
 */
@RestController
class AsyncController {

    static final String PREFIX = "/async-function";
    static final String CALLBACK_HEADER = "X-Callback-Url";
    static final int DEFAULT_LIST_LIMIT = 50;
    static final int MAX_LIST_LIMIT = 500;
    private static final Set<String> NOT_STORED = Set.of("authorization", "proxy-authorization", "cookie",
            "x-callback-url", "x-call-id", "x-faas-function");

    private final CallQueue queue;
    private final RouteTable routes;
    private final AsyncRuntime runtime;
    private final AsyncCalls calls;
    private final AdminToken token;
    private final long maxBodyBytes;
    private final LongSupplier clock;

    @Autowired
    AsyncController(CallQueue queue, RouteTable routes, AsyncRuntime runtime, AsyncCalls calls, AdminToken token,
                    FaasProperties properties) {
        this(queue, routes, runtime, calls, token, properties.gateway().maxBodySize().toBytes(), System::currentTimeMillis);
    }

    AsyncController(CallQueue queue, RouteTable routes, AsyncRuntime runtime, AsyncCalls calls, AdminToken token,
                    long maxBodyBytes, LongSupplier clock) {
        this.queue = queue;
        this.routes = routes;
        this.runtime = runtime;
        this.calls = calls;
        this.token = token;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
    }

    @RequestMapping(PREFIX + "/**")
    ResponseEntity<Map<String, Object>> enqueue(HttpServletRequest request) throws IOException {
        String rest = request.getRequestURI().substring(PREFIX.length());
        String path = rest.isEmpty() ? "/" : rest; // as the gateway's triage reads it
        String method = request.getMethod();
        Route route = routeOf(method, path);
        String callbackUrl = callbackUrl(request.getHeader(CALLBACK_HEADER));
        byte[] body = body(request);
        String given = request.getHeader(CallId.HEADER);
        String callId = CallId.isWellFormed(given) ? given : UUID.randomUUID().toString();
        LocalRequest stored = new LocalRequest(method, path, request.getQueryString(), headers(request), body, callId);
        NewCall call = new NewCall(route.descriptor().name(), stored, callbackUrl, route.descriptor().retries() + 1,
                clock.getAsLong(), route.descriptor().version());
        CallQueue.Enqueued result;
        try {
            result = queue.enqueue(call);
        } catch (QueueException e) {
            throw ApiProblems.problem(HttpStatus.SERVICE_UNAVAILABLE, "Queue unavailable",
                    "the call could not be stored: " + e.getMessage());
        }
        if (result == CallQueue.Enqueued.DUPLICATE_ID) {
            ErrorResponseException e = ApiProblems.problem(HttpStatus.CONFLICT, "Duplicate call id",
                    "an async call with id '" + callId + "' already exists");
            e.getBody().setProperty("callId", callId);
            throw e;
        }
        runtime.enqueued(call.function());
        String location = "/system/calls/" + callId;
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("callId", callId);
        answer.put("function", call.function());
        answer.put("state", CallState.QUEUED.id());
        answer.put("location", location);
        return ResponseEntity.status(HttpStatus.ACCEPTED).header(CallId.HEADER, callId)
                .header(HttpHeaders.LOCATION, location).body(answer);
    }

    @DeleteMapping("/system/calls/{callId}")
    ResponseEntity<Void> cancel(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                                @PathVariable String callId) {
        ApiProblems.requireToken(token, authorization);
        AsyncCalls.Cancel outcome;
        try {
            outcome = CallId.isWellFormed(callId) ? calls.cancel(callId) : AsyncCalls.Cancel.UNKNOWN;
        } catch (QueueException e) {
            throw ApiProblems.problem(HttpStatus.SERVICE_UNAVAILABLE, "Queue unavailable", e.getMessage());
        }
        return switch (outcome) {
            case CANCELLED -> ResponseEntity.noContent().build();
            case NOT_QUEUED -> throw ApiProblems.problem(HttpStatus.CONFLICT, "Not queued",
                    "call '" + callId + "' is running or has ended; only a queued call can be cancelled");
            case UNKNOWN -> throw ApiProblems.problem(HttpStatus.NOT_FOUND, "No such call",
                    "no async call '" + callId + "'");
        };
    }

    /**
     * A function's async calls for an operator: counts per state, the oldest queued call's age and
     * the newest calls (optionally of one state). 404 only when the function is neither deployed
     * nor has calls kept (a deleted function's calls stay until pruned).
     */
    @GetMapping("/system/functions/{name}/async-calls")
    Map<String, Object> list(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                             @PathVariable String name,
                             @RequestParam(required = false) String state,
                             @RequestParam(required = false) String limit) {
        ApiProblems.requireToken(token, authorization);
        CallState wanted = stateParameter(state);
        int max = limitParameter(limit);
        Optional<Map<String, Object>> listing;
        try {
            listing = calls.listing(name, wanted, max);
        } catch (QueueException e) {
            throw ApiProblems.problem(HttpStatus.SERVICE_UNAVAILABLE, "Queue unavailable", e.getMessage());
        }
        if (listing.isPresent()) {
            return listing.get();
        }
        if (!routes.hasFunction(name)) {
            throw ApiProblems.noSuchFunction(name);
        }
        return AsyncCalls.emptyListing(name);
    }

    /** Null (every state) when absent or empty. */
    static CallState stateParameter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        for (CallState s : CallState.values()) {
            if (s.id().equals(value.strip())) {
                return s;
            }
        }
        throw ApiProblems.badParameter("state", "state must be one of queued, running, succeeded, failed, cancelled;"
                + " got '" + value + "'");
    }

    static int limitParameter(String value) {
        return ApiProblems.intParameter("limit", value, DEFAULT_LIST_LIMIT, 1, MAX_LIST_LIMIT);
    }

    /** The gateway answers these first; here too, for a request that reached Spring another way. */
    private Route routeOf(String method, String path) {
        Route route = routes.lookup(method, path);
        if (route != null) {
            return route;
        }
        Set<String> allowed = routes.methodsFor(path);
        if (allowed.isEmpty()) {
            ErrorResponseException e = ApiProblems.problem(HttpStatus.NOT_FOUND, "No such route",
                    "no function is deployed at " + path);
            e.getBody().setProperty("path", path);
            throw e;
        }
        ErrorResponseException e = ApiProblems.problem(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed",
                method + " is not allowed on " + path);
        e.getHeaders().set(HttpHeaders.ALLOW, String.join(", ", allowed));
        e.getBody().setProperty("allowed", allowed);
        throw e;
    }

    private static String callbackUrl(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            URI uri = CallbackUrls.parse(raw);
            return uri.toString();
        } catch (IllegalArgumentException e) {
            ErrorResponseException problem = ApiProblems.problem(HttpStatus.BAD_REQUEST, "Bad callback URL", e.getMessage());
            problem.getBody().setProperty("header", CALLBACK_HEADER);
            throw problem;
        }
    }

    private byte[] body(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge(declared + " bytes");
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (body.length > maxBodyBytes) {
                throw tooLarge("more than " + maxBodyBytes + " bytes");
            }
            return body;
        }
    }

    private ErrorResponseException tooLarge(String size) {
        ErrorResponseException e = ApiProblems.problem(HttpStatus.CONTENT_TOO_LARGE, "Body too large",
                "request body of " + size + " is larger than the limit of " + maxBodyBytes + " bytes");
        e.getBody().setProperty("limit", maxBodyBytes);
        return e;
    }

    static List<Map.Entry<String, String>> headers(HttpServletRequest request) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (Hop.isHopByHop(lower) || NOT_STORED.contains(lower)) {
                continue;
            }
            for (String value : Collections.list(request.getHeaders(name))) {
                headers.add(Map.entry(name, value));
            }
        }
        return headers;
    }
}
