package org.faasj.worker.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.faasj.model.CompletionAck;
import org.faasj.model.FunctionRuntime;
import org.faasj.model.HandoffFrame;
import org.faasj.model.Network;
import org.faasj.worker.WasmModulesForTests;
import org.faasj.worker.exec.BodyPumps;
import org.faasj.worker.exec.ExecSettings;
import org.faasj.worker.exec.FunctionRunner;
import org.faasj.worker.exec.OutputBudget;
import org.faasj.worker.exec.UnavailableRunner;
import org.faasj.worker.exec.wasm.WasmMemoryBudget;
import org.faasj.worker.exec.wasm.WasmModules;
import org.faasj.worker.exec.wasm.WasmRunner;
import org.faasj.worker.handoff.HandoffServer;
import org.faasj.worker.http.BodySettings;
import org.faasj.worker.http.ResponseWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Through a real hand-off socket, as the gateway uses it: a warm WASM module runs on the reader's
 * thread, and when one of its calls spins until its timeout, a call handed over behind it on the same
 * connection is still answered at once; the slow call then stops the module from running inline.
 */
class InlineWasmCallsTest {

    private static final int SPIN_TIMEOUT_MILLIS = 3_000;

    @TempDir
    Path dir;
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final BlockingQueue<CompletionAck> acks = new LinkedBlockingQueue<>();
    private RequestDispatcher dispatcher;
    private HandoffServer server;
    private ServerSocketChannel listener;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (listener != null) {
            listener.close();
        }
        timer.shutdownNow();
    }

    @Test
    void aSpinningCallDoesNotHoldUpTheNextCallOnTheSameConnection() throws Throwable {
        Path module = spinner();
        WasmRunner wasm = new WasmRunner(new ExecSettings(dir, dir, "/usr/bin:/bin", 1 << 20, dir.resolve("prelude"), false),
                new WasmModules(64L << 20), new WasmMemoryBudget(64L << 20), timer, new BodyPumps(4, Thread::new));
        Map<FunctionRuntime, FunctionRunner> runners = new EnumMap<>(FunctionRuntime.class);
        for (FunctionRuntime r : FunctionRuntime.values()) {
            runners.put(r, r == FunctionRuntime.WASM ? wasm : new UnavailableRunner("not here"));
        }
        dispatcher = new RequestDispatcher(new Runners(runners), new ResponseWriter(7), 4, 4,
                new BodySettings(5_000, 1 << 20, dir.resolve("bodies")), new OutputBudget(8 << 20), timer, false);
        Path socket = dir.resolve("worker.sock");
        server = new HandoffServer(socket, dispatcher, timer);
        server.start();
        listener = ClientPair.listen();

        try (AFUNIXSocket gateway = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(socket))) {
            Thread ackReader = readAcks(gateway.getInputStream());
            long spin = callUntilQuick(wasm, gateway, module, 1); // the first compiles, on the pool
            assertFalse(wasm.runsQuickly(frame(spin, 2, "quick", module, 10_000)), "another version is not warm");

            try (ClientPair spinning = ClientPair.connect(listener)) {
                long handedOver = System.nanoTime();
                send(gateway, frame(spin, "spin", module, SPIN_TIMEOUT_MILLIS), spinning);
                CompletionAck next = call(gateway, spin + 1, "quick", module, 10_000);
                long waitedMillis = (System.nanoTime() - handedOver) / 1_000_000;
                assertEquals(spin + 1, next.requestId(), "the call behind the spinning one is answered first");
                assertEquals(200, next.status());
                assertTrue(waitedMillis < SPIN_TIMEOUT_MILLIS / 2, "answered after " + waitedMillis + " ms");

                CompletionAck spun = acks.poll(SPIN_TIMEOUT_MILLIS + 10_000L, TimeUnit.MILLISECONDS);
                assertNotNull(spun);
                assertEquals(spin, spun.requestId());
                assertEquals(504, spun.status());
            }
            assertFalse(wasm.runsQuickly(frame(spin + 2, "quick", module, 10_000)), "its latest call was long");
            callUntilQuick(wasm, gateway, module, spin + 2);
            assertNull(acks.poll(100, TimeUnit.MILLISECONDS), "one ack per call");
            gateway.close();
            ackReader.join(5_000);
        }
    }

    /**
     * Calls until the runner expects the module's calls to be quick: the first call compiles it, and in
     * a test JVM that has not compiled Chicory's own code yet the next few may take over a millisecond.
     * Returns the next request id.
     */
    private long callUntilQuick(WasmRunner wasm, AFUNIXSocket gateway, Path module, long firstId) throws Throwable {
        long id = firstId;
        while (!wasm.runsQuickly(frame(id, "quick", module, 10_000))) {
            assertTrue(id < firstId + 50, "no quick call in 50");
            assertEquals(200, call(gateway, id++, "quick", module, 10_000).status());
        }
        return id;
    }

    private Path spinner() throws Exception {
        Path source = dir.resolve("spinner.c");
        try (InputStream in = InlineWasmCallsTest.class.getResourceAsStream("/wasm/spinner.c")) {
            Files.copy(in, source);
        }
        return WasmModulesForTests.fromC(source, dir, "spinner");
    }

    private static HandoffFrame frame(long id, String body, Path module, int timeoutMillis) {
        return frame(id, 1, body, module, timeoutMillis);
    }

    private static HandoffFrame frame(long id, int version, String body, Path module, int timeoutMillis) {
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        return new HandoffFrame(id, false, "spinner", version, FunctionRuntime.WASM, module.toString(), "main", 16,
                timeoutMillis, 64, 64, Network.OUTBOUND, Map.of(), "POST", "/spinner", "", List.of(), bytes.length, bytes);
    }

    /** One call on its own client connection, until its completion ack. */
    private CompletionAck call(AFUNIXSocket gateway, long id, String body, Path module, int timeoutMillis)
            throws Throwable {
        try (ClientPair client = ClientPair.connect(listener)) {
            send(gateway, frame(id, body, module, timeoutMillis), client);
            CompletionAck ack = acks.poll(20, TimeUnit.SECONDS);
            assertNotNull(ack, "no ack for call " + id);
            return ack;
        }
    }

    /** As the gateway does: the frame in one write, the client's descriptor with it. */
    private static void send(AFUNIXSocket gateway, HandoffFrame frame, ClientPair client) throws IOException {
        synchronized (gateway) {
            gateway.setOutboundFileDescriptors(client.serverFd());
            OutputStream out = gateway.getOutputStream();
            out.write(frame.encode());
            out.flush();
        }
    }

    private Thread readAcks(InputStream in) {
        Thread reader = new Thread(() -> {
            DataInputStream data = new DataInputStream(in);
            byte[] bytes = new byte[CompletionAck.BYTES];
            try {
                while (true) {
                    data.readFully(bytes);
                    CompletionAck ack = CompletionAck.readFrom(ByteBuffer.wrap(bytes));
                    if (!ack.isResponseStart()) {
                        acks.add(ack);
                    }
                }
            } catch (IOException end) {
                // the test closed the connection
            }
        }, "acks");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }
}
