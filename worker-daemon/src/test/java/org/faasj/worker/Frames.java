package org.faasj.worker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.faasj.model.ExecutionMode;
import org.faasj.model.FunctionRuntime;
import org.faasj.model.HandoffFrame;
import org.faasj.model.HttpHeader;
import org.faasj.model.Network;

/** Builds hand-off frames for tests with sensible defaults. */
final class Frames {

    private static final AtomicLong IDS = new AtomicLong(100);

    private FunctionRuntime runtime = FunctionRuntime.NATIVE;
    private Path module;
    private int memoryMb = 64;
    private int timeoutMillis = 10_000;
    private int tmpMb = 64;
    private int processes = 64;
    private Network network = Network.OUTBOUND;
    private boolean keepAlive = true;
    private String method = "POST";
    private String path = "/api/test";
    private String query = "";
    private final List<HttpHeader> headers = new ArrayList<>();
    private Map<String, String> env = Map.of();
    private long contentLength;
    private byte[] prefix = new byte[0];
    private boolean chunked;
    private String callId;
    private String name = "test-fn";
    private int version = 3;
    private ExecutionMode mode = ExecutionMode.PROCESS;

    static Frames native_(Path module) {
        Frames f = new Frames();
        f.module = module;
        return f;
    }

    static Frames of(FunctionRuntime runtime, Path module) {
        Frames f = native_(module);
        f.runtime = runtime;
        return f;
    }

    Frames memoryMb(int mb) {
        memoryMb = mb;
        return this;
    }

    Frames timeoutMillis(int ms) {
        timeoutMillis = ms;
        return this;
    }

    Frames sandbox(int tmp, int processCap, Network net) {
        tmpMb = tmp;
        processes = processCap;
        network = net;
        return this;
    }

    Frames keepAlive(boolean k) {
        keepAlive = k;
        return this;
    }

    Frames get(String p, String q) {
        method = "GET";
        path = p;
        query = q;
        return this;
    }

    Frames header(String name, String value) {
        headers.add(new HttpHeader(name, value));
        return this;
    }

    Frames env(Map<String, String> e) {
        env = e;
        return this;
    }

    /** The whole body travels in the frame. */
    Frames body(byte[] body) {
        return body(body, body.length);
    }

    /** Only the first {@code prefixLength} bytes travel in the frame; the client sends the rest. */
    Frames body(byte[] body, int prefixLength) {
        contentLength = body.length;
        prefix = java.util.Arrays.copyOf(body, prefixLength);
        return this;
    }

    /** Announces {@code contentLength} bytes of which only {@code prefix} travels in the frame. */
    Frames announced(long length, byte[] bodyPrefix) {
        contentLength = length;
        prefix = bodyPrefix;
        return this;
    }

    /** A chunked body of which the gateway had read {@code alreadyRead} (raw, still encoded). */
    Frames chunked(byte[] alreadyRead) {
        chunked = true;
        contentLength = 0;
        prefix = alreadyRead;
        headers.add(new HttpHeader("Transfer-Encoding", "chunked"));
        return this;
    }

    Frames callId(String id) {
        callId = id;
        return this;
    }

    /** Handler mode, for function {@code fn} at {@code v}. */
    Frames handler(String fn, int v) {
        mode = ExecutionMode.HANDLER;
        name = fn;
        version = v;
        return this;
    }

    HandoffFrame build() {
        long id = IDS.incrementAndGet();
        return new HandoffFrame(id, keepAlive, name, version, runtime, module.toString(), "main",
                memoryMb, timeoutMillis, tmpMb, processes, network, env, method, path, query, headers, contentLength,
                prefix, chunked, callId != null ? callId : "test-" + id, 0, mode, 0);
    }
}
