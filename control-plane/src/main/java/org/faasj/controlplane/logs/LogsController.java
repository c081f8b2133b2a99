package org.faasj.controlplane.logs;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.LongSupplier;

import org.faasj.controlplane.deploy.AdminToken;
import org.faasj.controlplane.routing.RouteTable;
import org.faasj.controlplane.system.ApiProblems;
import org.faasj.controlplane.system.FaasProperties;
import org.faasj.model.CallId;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /system/functions/{name}/logs}: the tail of a function's log as NDJSON, and with
 * {@code follow=true} the lines after it as they are written. The admin token is checked here as
 * well as in front (stderr can hold secrets), so no path spelling can get around it.
 */
@RestController
class LogsController {

    static final int DEFAULT_TAIL = 100;
    static final int MAX_TAIL = 10_000;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final LogFiles files;
    private final RouteTable routes;
    private final AdminToken token;
    private final Duration followTimeout;
    private final FollowStreams streams;
    private final LongSupplier clock = System::currentTimeMillis;

    LogsController(LogFiles files, FollowStreams streams, RouteTable routes, AdminToken token, FaasProperties properties) {
        this.files = files;
        this.streams = streams;
        this.routes = routes;
        this.token = token;
        this.followTimeout = properties.logs().followTimeout();
    }

    @GetMapping("/system/functions/{name}/logs")
    ResponseEntity<?> logs(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                           @PathVariable String name,
                           @RequestParam(required = false) String tail,
                           @RequestParam(required = false) String since,
                           @RequestParam(required = false) String call,
                           @RequestParam(required = false) String follow) {
        ApiProblems.requireToken(token, authorization);
        LogQuery query = new LogQuery(tail(tail), since(since, clock.getAsLong()), call(call));
        boolean following = follow(follow);
        requireKnown(name);
        if (!following) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_NDJSON).body(ndjson(files.read(name, query)));
        }
        LogFiles.Following start = files.follow(name, query);
        if (start == null) {
            throw ApiProblems.problem(HttpStatus.TOO_MANY_REQUESTS, "Too many followers", "too many log streams are open"
                    + " (faas.logs.max-followers); close one or try again later");
        }
        // the emitter's own timeout is a backstop: the stream ends itself at followTimeout
        ResponseBodyEmitter emitter = new ResponseBodyEmitter(followTimeout.toMillis() + 10_000);
        FollowStream stream = new FollowStream(start, emitter, clock, followTimeout.toMillis());
        if (!streams.start(stream)) {
            start.follower().close();
            throw ApiProblems.problem(HttpStatus.SERVICE_UNAVAILABLE, "Unavailable", "the control plane is shutting down");
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_NDJSON).header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(emitter);
    }

    /** A valid name that is deployed or has a log; anything else is 404 before a path is built from it. */
    private void requireKnown(String name) {
        if (!LogFiles.isValidName(name)
                || (!routes.hasFunction(name) && !files.exists(name))) {
            throw ApiProblems.noSuchFunction(name);
        }
    }

    static byte[] ndjson(List<LogLine> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(lines.size() * 128);
        for (LogLine line : lines) {
            out.writeBytes(JSON.writeValueAsBytes(line));
            out.write('\n');
        }
        return out.toByteArray();
    }

    static int tail(String value) {
        return ApiProblems.intParameter("tail", value, DEFAULT_TAIL, 0, MAX_TAIL);
    }

    /** An ISO-8601 instant, or a number of seconds before now; the API time string to compare with, or null. */
    static String since(String value, long nowMillis) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        try {
            if (v.chars().allMatch(Character::isDigit)) {
                long secondsAgo = Long.parseLong(v);
                return LogLine.isoTime(Math.max(0, nowMillis - Math.min(secondsAgo, nowMillis / 1000) * 1000));
            }
            return LogLine.isoTime(Instant.parse(v).toEpochMilli());
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw ApiProblems.badParameter("since", "since must be an ISO-8601 time (2026-11-28T13:00:00Z) or a number of seconds ago, got '"
                    + value + "'");
        }
    }

    static String call(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!CallId.isWellFormed(value)) {
            throw ApiProblems.badParameter("call", "call must be a call id (1-64 characters of A-Z a-z 0-9 . _ -)");
        }
        return value;
    }

    static boolean follow(String value) {
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw ApiProblems.badParameter("follow", "follow must be true or false, got '" + value + "'");
    }
}
