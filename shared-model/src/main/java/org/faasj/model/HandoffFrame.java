package org.faasj.model;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the gateway sends to a worker together with the client's socket descriptor: the function
 * to run, the parsed request head and the body bytes the gateway had already read. The worker
 * reads the remaining {@code contentLength - bodyPrefix.length} bytes from the socket itself; for a
 * chunked body ({@code chunked}, {@code contentLength} 0) the prefix is everything the gateway had
 * read past the head, and the worker decodes the chunks up to the last one itself.
 *
 * <p>On the wire a frame is a 4-byte big-endian length followed by that many bytes; the
 * descriptor travels as SCM_RIGHTS ancillary data with the first byte of the frame.
 *
 * @param requestId     gateway-unique id, echoed in the {@link CompletionAck}
 * @param keepAlive     whether the client connection may serve another request afterwards
 * @param modulePath    absolute path of the artifact on this machine
 * @param timeoutMillis wall-clock limit of the invocation
 * @param tmpMb         size cap of the invocation's private {@code /tmp}
 * @param processes     most processes and threads the invocation may have at once
 * @param network       what network the invocation may use
 * @param chunked       the body comes with Transfer-Encoding: chunked (its length is not known)
 * @param callId        the call's id ({@link CallId}): the client's {@code X-Call-Id} or one the gateway made
 * @param queueWaitMicros how long the call waited in the gateway for a place under its function's
 *                      concurrency limit (0 when it was not parked); the worker adds its own wait
 * @param mode          a process per call, or the function's pooled handler processes (null: process)
 * @param concurrency   the descriptor's concurrency (0: none); a handler pool is never larger
 * @param attempt       which try of the call this is, from 1; above 1 only for a call the control plane
 *                      retries itself (an async call), which only the gateway's internal entry can ask for.
 *                      The function sees it as {@code FAAS_ATTEMPT}
 */
public record HandoffFrame(
        long requestId,
        boolean keepAlive,
        String functionName,
        int functionVersion,
        FunctionRuntime runtime,
        String modulePath,
        String handler,
        int memoryMb,
        int timeoutMillis,
        int tmpMb,
        int processes,
        Network network,
        Map<String, String> env,
        String method,
        String path,
        String query,
        List<HttpHeader> headers,
        long contentLength,
        byte[] bodyPrefix,
        boolean chunked,
        String callId,
        long queueWaitMicros,
        ExecutionMode mode,
        int concurrency,
        int attempt) {

    /** Frames are small (head ≤ 16 KiB plus what the gateway read of the body); anything larger is corrupt. */
    public static final int MAX_FRAME_BYTES = 1 << 20;

    // bumped from "FAJ1" when the sandbox fields came, from "FAJ2" when chunked came, from "FAJ3"
    // when the call id came, from "FAJ4" when the queue wait came, from "FAJ5" when the mode and
    // the concurrency came, from "FAJ6" when the attempt came:
    // a worker from an older build refuses the frame
    private static final int MAGIC = 0x46414A37; // "FAJ7"

    public HandoffFrame {
        if (!CallId.isWellFormed(callId)) {
            // it becomes a response header and an environment variable: never let a bad one through
            throw new IllegalArgumentException("malformed call id");
        }
        if (queueWaitMicros < 0) {
            queueWaitMicros = 0;
        }
        mode = mode == null ? ExecutionMode.PROCESS : mode;
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
        }
    }

    /** A first attempt (every call a client makes itself). */
    public HandoffFrame(long requestId, boolean keepAlive, String functionName, int functionVersion, FunctionRuntime runtime,
                        String modulePath, String handler, int memoryMb, int timeoutMillis, int tmpMb, int processes,
                        Network network, Map<String, String> env, String method, String path, String query,
                        List<HttpHeader> headers, long contentLength, byte[] bodyPrefix, boolean chunked,
                        String callId, long queueWaitMicros, ExecutionMode mode, int concurrency) {
        this(requestId, keepAlive, functionName, functionVersion, runtime, modulePath, handler, memoryMb, timeoutMillis,
                tmpMb, processes, network, env, method, path, query, headers, contentLength, bodyPrefix, chunked,
                callId, queueWaitMicros, mode, concurrency, 1);
    }

    /** A process-mode frame (as every frame was before handler mode). */
    public HandoffFrame(long requestId, boolean keepAlive, String functionName, int functionVersion, FunctionRuntime runtime,
                        String modulePath, String handler, int memoryMb, int timeoutMillis, int tmpMb, int processes,
                        Network network, Map<String, String> env, String method, String path, String query,
                        List<HttpHeader> headers, long contentLength, byte[] bodyPrefix, boolean chunked,
                        String callId, long queueWaitMicros) {
        this(requestId, keepAlive, functionName, functionVersion, runtime, modulePath, handler, memoryMb, timeoutMillis,
                tmpMb, processes, network, env, method, path, query, headers, contentLength, bodyPrefix, chunked,
                callId, queueWaitMicros, ExecutionMode.PROCESS, 0);
    }

    /** A frame of a call that did not wait in the gateway (tests, tools). */
    public HandoffFrame(long requestId, boolean keepAlive, String functionName, int functionVersion, FunctionRuntime runtime,
                        String modulePath, String handler, int memoryMb, int timeoutMillis, int tmpMb, int processes,
                        Network network, Map<String, String> env, String method, String path, String query,
                        List<HttpHeader> headers, long contentLength, byte[] bodyPrefix, boolean chunked,
                        String callId) {
        this(requestId, keepAlive, functionName, functionVersion, runtime, modulePath, handler, memoryMb, timeoutMillis,
                tmpMb, processes, network, env, method, path, query, headers, contentLength, bodyPrefix, chunked,
                callId, 0);
    }

    /** A frame for a body of known length (not chunked) whose call id is made from its request id (tests, tools). */
    public HandoffFrame(long requestId, boolean keepAlive, String functionName, int functionVersion, FunctionRuntime runtime,
                        String modulePath, String handler, int memoryMb, int timeoutMillis, int tmpMb, int processes,
                        Network network, Map<String, String> env, String method, String path, String query,
                        List<HttpHeader> headers, long contentLength, byte[] bodyPrefix) {
        this(requestId, keepAlive, functionName, functionVersion, runtime, modulePath, handler, memoryMb, timeoutMillis,
                tmpMb, processes, network, env, method, path, query, headers, contentLength, bodyPrefix, false,
                "r" + Long.toUnsignedString(requestId, 36), 0);
    }

    /**
     * This request as the function sees it once its chunked body is decoded: the decoded length, no
     * Transfer-Encoding header, no body prefix (the decoded body travels separately).
     */
    public HandoffFrame decoded(long decodedLength) {
        List<HttpHeader> plain = new ArrayList<>(headers.size());
        for (HttpHeader h : headers) {
            if (!h.name().equalsIgnoreCase("Transfer-Encoding")) {
                plain.add(h);
            }
        }
        return new HandoffFrame(requestId, keepAlive, functionName, functionVersion, runtime, modulePath, handler,
                memoryMb, timeoutMillis, tmpMb, processes, network, env, method, path, query, plain, decodedLength,
                new byte[0], false, callId, queueWaitMicros, mode, concurrency, attempt);
    }

    /** The value of the first header with this name (case-insensitive), or null. */
    public String header(String name) {
        return HttpHeader.firstValue(headers, name);
    }

    /** Encodes the frame including its length prefix, ready to be written in one call. */
    public byte[] encode() {
        WireWriter out = new WireWriter(256 + bodyPrefix.length);
        out.skipLength();
        out.putInt(MAGIC);
        out.putLong(requestId);
        out.putBoolean(keepAlive);
        out.putString(functionName);
        out.putInt(functionVersion);
        out.putString(runtime.name());
        out.putString(modulePath);
        out.putString(handler);
        out.putInt(memoryMb);
        out.putInt(timeoutMillis);
        out.putInt(tmpMb);
        out.putInt(processes);
        out.putString(network.name());
        out.putInt(env.size());
        env.forEach((k, v) -> {
            out.putString(k);
            out.putString(v);
        });
        out.putString(method);
        out.putString(path);
        out.putString(query);
        out.putInt(headers.size());
        for (HttpHeader h : headers) {
            out.putString(h.name());
            out.putString(h.value());
        }
        out.putLong(contentLength);
        out.putBytes(bodyPrefix);
        out.putBoolean(chunked);
        out.putString(callId);
        out.putLong(queueWaitMicros);
        out.putString(mode.name());
        out.putInt(concurrency);
        out.putInt(attempt);
        return out.finishWithLength();
    }

    /** Decodes a frame payload (without its 4-byte length prefix). */
    public static HandoffFrame decode(ByteBuffer in) {
        WireReader r = new WireReader(in);
        if (r.getInt() != MAGIC) {
            throw new IllegalArgumentException("not a hand-off frame (bad magic)");
        }
        long requestId = r.getLong();
        boolean keepAlive = r.getBoolean();
        String functionName = r.getString();
        int functionVersion = r.getInt();
        FunctionRuntime runtime = FunctionRuntime.valueOf(r.getString());
        String modulePath = r.getString();
        String handler = r.getString();
        int memoryMb = r.getInt();
        int timeoutMillis = r.getInt();
        int tmpMb = r.getInt();
        int processes = r.getInt();
        Network network = Network.valueOf(r.getString());
        int envCount = r.getCount();
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < envCount; i++) {
            env.put(r.getString(), r.getString());
        }
        String method = r.getString();
        String path = r.getString();
        String query = r.getString();
        int headerCount = r.getCount();
        List<HttpHeader> headers = new ArrayList<>(headerCount);
        for (int i = 0; i < headerCount; i++) {
            headers.add(new HttpHeader(r.getString(), r.getString()));
        }
        long contentLength = r.getLong();
        byte[] bodyPrefix = r.getBytes();
        boolean chunked = r.getBoolean();
        String callId = r.getString();
        long queueWaitMicros = r.getLong();
        ExecutionMode mode = ExecutionMode.valueOf(r.getString());
        int concurrency = r.getInt();
        int attempt = r.getInt();
        return new HandoffFrame(requestId, keepAlive, functionName, functionVersion, runtime, modulePath,
                handler, memoryMb, timeoutMillis, tmpMb, processes, network, env, method, path, query, headers,
                contentLength, bodyPrefix, chunked, callId, queueWaitMicros, mode, concurrency, attempt);
    }
}
