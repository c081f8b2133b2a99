package org.faasj.controlplane.async;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

import org.faasj.controlplane.logs.LogLine;

/**
 * What the calls API ({@code /system/calls/{id}}) shows of and does to an async call: its
 * {@code async} part, and cancelling it; and a function's calls as the listing
 * ({@code /system/functions/{name}/async-calls}) shows them.
 */
public final class AsyncCalls {

    /** How a cancel ended. */
    public enum Cancel { CANCELLED, NOT_QUEUED, UNKNOWN }

    private final CallQueue queue;
    private final LongSupplier clock;

    AsyncCalls(CallQueue queue, LongSupplier clock) {
        this.queue = queue;
        this.clock = clock;
    }

    /** The function the async call belongs to and its {@code async} part; empty when the id is no async call. */
    public Optional<Map<String, Object>> view(String callId) throws QueueException {
        return queue.find(callId).map(AsyncCalls::view);
    }

    public Cancel cancel(String callId) throws QueueException {
        Optional<CallState> before = queue.cancel(callId, clock.getAsLong());
        if (before.isEmpty()) {
            return Cancel.UNKNOWN;
        }
        return before.get() == CallState.QUEUED ? Cancel.CANCELLED : Cancel.NOT_QUEUED;
    }

    /**
     * A function's calls for the listing API: its counts per state, the age of its oldest queued
     * call, and its newest calls (of {@code state} only, when not null), each as its {@code async}
     * part without the answer's headers and body. Empty when the function has no calls at all.
     */
    public Optional<Map<String, Object>> listing(String function, CallState state, int limit) throws QueueException {
        Backlog backlog = queue.backlog(function);
        if (backlog.total() == 0) {
            return Optional.empty();
        }
        List<CallSnapshot> recent = queue.recent(function, state, limit);
        List<Map<String, Object>> calls = new ArrayList<>(recent.size());
        for (CallSnapshot s : recent) {
            calls.add(listed(s));
        }
        return Optional.of(listingBody(function, backlog, calls, clock.getAsLong()));
    }

    /** The listing of a deployed function that has no async calls kept. */
    static Map<String, Object> emptyListing(String function) {
        return listingBody(function, new Backlog(Map.of(), 0), List.of(), 0);
    }

    private static Map<String, Object> listingBody(String function, Backlog backlog, List<Map<String, Object>> calls,
                                                   long now) {
        Map<String, Object> counts = new LinkedHashMap<>();
        for (CallState s : CallState.values()) {
            counts.put(s.id(), backlog.counts().get(s));
        }
        long oldest = backlog.oldestQueuedAt();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("function", function);
        v.put("counts", counts);
        v.put("oldestQueuedAt", time(oldest));
        v.put("oldestQueuedAgeSeconds", oldest <= 0 ? null : Math.max(0, now - oldest) / 1000.0);
        v.put("calls", calls);
        return v;
    }

    /** A listed call: its id, then its {@code async} part with the last answer's status and no body. */
    static Map<String, Object> listed(CallSnapshot s) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("callId", s.callId());
        v.putAll(view(s));
        CallResult r = s.result();
        if (r.status() == null) {
            v.put("result", null);
        } else {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("status", r.status());
            result.put("truncated", r.truncated());
            v.put("result", result);
        }
        return v;
    }

    static Map<String, Object> view(CallSnapshot s) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("function", s.function());
        v.put("state", s.state().id());
        v.put("attempts", s.attempts());
        v.put("maxAttempts", s.maxAttempts());
        v.put("enqueuedAt", time(s.enqueuedAt()));
        v.put("startedAt", time(s.startedAt()));
        v.put("finishedAt", time(s.finishedAt()));
        v.put("nextRunAt", s.state() == CallState.QUEUED ? time(s.nextRunAt()) : null);
        v.put("lastError", s.result().error());
        v.put("result", s.result().status() == null && s.result().body() == null ? null : result(s.result()));
        v.put("callback", s.callbackUrl() == null ? null : callback(s));
        return v;
    }

    private static Map<String, Object> result(CallResult r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("status", r.status());
        Map<String, String> headers = new LinkedHashMap<>();
        r.headers().forEach(h -> headers.merge(h.getKey(), h.getValue(), (a, b) -> a + ", " + b));
        v.put("headers", headers);
        byte[] body = r.body() == null ? new byte[0] : r.body();
        String text = utf8(body);
        v.put("bodyEncoding", text != null ? "utf-8" : "base64");
        v.put("body", text != null ? text : Base64.getEncoder().encodeToString(body));
        v.put("truncated", r.truncated());
        return v;
    }

    private static Map<String, Object> callback(CallSnapshot s) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("url", s.callbackUrl());
        v.put("state", s.callbackState() == null ? "waiting" : s.callbackState());
        v.put("attempts", s.callbackAttempts());
        v.put("lastError", s.callbackError());
        return v;
    }

    /** The text when the bytes are valid UTF-8, else null. */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String time(long millis) {
        return millis <= 0 ? null : LogLine.isoTime(millis);
    }
}
