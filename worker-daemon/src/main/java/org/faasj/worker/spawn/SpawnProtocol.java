package org.faasj.worker.spawn;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The wire format between the worker and faas-spawn (all integers little-endian, the server's
 * native order on every machine we run on). Requests are length-prefixed; replies are fixed
 * 16-byte records so that each read of one reply also gets exactly the descriptors sent with it.
 */
final class SpawnProtocol {

    static final int REPLY_BYTES = 16;
    static final int REPLY_SPAWNED = 1;
    static final int REPLY_EXIT = 2;
    /** pid, CPU microseconds, peak RSS KB: right before that pid's EXIT, only when the SPAWN asked for it. */
    static final int REPLY_USAGE = 3;
    private static final byte REQUEST_SPAWN = 1;
    private static final byte REQUEST_KILL = 2;
    private static final int FLAG_FD3_PIPE = 1;
    private static final int FLAG_NO_NETWORK = 2;
    /** Every spawn asks for USAGE: the flag exists so that a reader that does not know it never gets one. */
    private static final int FLAG_USAGE = 4;
    /** Handler mode: stdout to the stderr file, answers on a pipe at descriptor 3 read as stdout. */
    private static final int FLAG_ANSWER_FD3 = 8;

    private SpawnProtocol() {
    }

    /**
     * u32 length, u8 SPAWN, u32 tag, u64 data bytes, u32 cpu s, u8 flags, u32 tmp MB, u32 process cap,
     * u32 argc, u32 envc, strings (argv, env, cwd, function directory).
     */
    static byte[] spawn(int tag, SpawnRequest request) {
        ByteArrayOutputStream strings = new ByteArrayOutputStream(1024);
        request.argv().forEach(s -> putString(strings, s));
        request.env().forEach(s -> putString(strings, s));
        putString(strings, request.cwd().toString());
        SandboxLimits sandbox = request.sandbox();
        putString(strings, sandbox.functionDir() == null ? "" : sandbox.functionDir().toString());
        int flags = (request.fd3Pipe() ? FLAG_FD3_PIPE : 0) | (sandbox.networkNone() ? FLAG_NO_NETWORK : 0) | FLAG_USAGE
                | (request.answerOnFd3() ? FLAG_ANSWER_FD3 : 0);
        int length = 1 + 4 + 8 + 4 + 1 + 4 + 4 + 4 + 4 + strings.size();
        ByteBuffer buf = ByteBuffer.allocate(4 + length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(length).put(REQUEST_SPAWN).putInt(tag).putLong(request.dataBytes()).putInt(request.cpuSeconds())
                .put((byte) flags).putInt(sandbox.tmpMb()).putInt(sandbox.processes())
                .putInt(request.argv().size()).putInt(request.env().size())
                .put(strings.toByteArray());
        return buf.array();
    }

    /** u32 length, u8 KILL, u32 process group. */
    static byte[] kill(long pgid) {
        return ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN).putInt(5).put(REQUEST_KILL).putInt((int) pgid).array();
    }

    /** A reply record: type, then three values whose meaning depends on it. */
    record Reply(int type, int a, int b, int c) {

        static Reply decode(byte[] bytes) {
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            return new Reply(buf.getInt(), buf.getInt(), buf.getInt(), buf.getInt());
        }

        /** A USAGE reply's values (a non-negative count each; the server saturates them). */
        ProcessUsage usage() {
            return new ProcessUsage(Math.max(0, b), Math.max(0, c));
        }
    }

    private static void putString(ByteArrayOutputStream out, String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL in an argument or environment entry");
        }
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }
}
