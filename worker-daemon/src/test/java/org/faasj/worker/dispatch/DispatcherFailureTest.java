package org.faasj.worker.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.faasj.model.CompletionAck;
import org.faasj.model.FunctionRuntime;
import org.faasj.model.HandoffFrame;
import org.faasj.model.Network;
import org.faasj.worker.exec.FunctionRunner;
import org.faasj.worker.exec.Outcome;
import org.faasj.worker.exec.OutputBudget;
import org.faasj.worker.handoff.AckSender;
import org.faasj.worker.http.BodySettings;
import org.faasj.worker.http.ClientConnection;
import org.faasj.worker.http.HttpResponse;
import org.faasj.worker.http.ResponseWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * Whatever goes wrong in a call, its client gets an answer or a close and the gateway its ack
 * (issue 14, items 3 and 5).
 */
class DispatcherFailureTest {

    @TempDir
    Path dir;
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final BlockingQueue<CompletionAck> acks = new LinkedBlockingQueue<>();
    /** Request ids whose "response started" notice arrived, in order. */
    private final BlockingQueue<Long> starts = new LinkedBlockingQueue<>();
    /** What the gateway's link would get: notices apart from completions. */
    private final AckSender sink = ack -> {
        if (ack.isResponseStart()) {
            starts.add(ack.requestId());
        } else {
            acks.add(ack);
        }
    };
    private ServerSocketChannel listener;

    @AfterEach
    void stop() throws IOException {
        timer.shutdownNow();
        if (listener != null) {
            listener.close();
        }
    }

    /** A runner whose calls all wait for {@code release}, then exit 0 with {@code {}}: it keeps the one slot taken. */
    private static FunctionRunner answersOnceReleased(CountDownLatch release) {
        return invocation -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Outcome.Exited(0, "{}".getBytes(StandardCharsets.US_ASCII), 2, "");
        };
    }

    private RequestDispatcher dispatcher(FunctionRunner runner, int maxConcurrency, int maxQueued) {
        Map<FunctionRuntime, FunctionRunner> all = new EnumMap<>(FunctionRuntime.class);
        for (FunctionRuntime r : FunctionRuntime.values()) {
            all.put(r, runner);
        }
        return new RequestDispatcher(new Runners(all), new ResponseWriter(7), maxConcurrency, maxQueued,
                new BodySettings(5_000, 1 << 20, dir.resolve("bodies")), new OutputBudget(1 << 20), timer, false);
    }

    private static HandoffFrame frame(long id) {
        return new HandoffFrame(id, true, "fn", 1, FunctionRuntime.NATIVE, "/nope", "main", 64, 10_000, 64, 64,
                Network.OUTBOUND, Map.of(), "GET", "/x", "", List.of(), 0, new byte[0]);
    }

    /** A connected pair: the client's socket, and a duplicate of the server side's descriptor (as a worker gets it). */
    private record Pair(Socket client, SocketChannel server, FileDescriptor workerCopy) {
    }

    private Pair connect() throws Throwable {
        if (listener == null) {
            listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }
        Socket client = new Socket();
        client.connect(listener.getLocalAddress());
        client.setSoTimeout(20_000);
        SocketChannel server = listener.accept();
        FileDescriptor fd = (FileDescriptor) MethodHandles.lookup().findVirtual(Class.forName("sun.nio.ch.SelChImpl"),
                "getFD", MethodType.methodType(FileDescriptor.class)).invoke(server);
        return new Pair(client, server, FileDescriptorCast.duplicating(fd).getFileDescriptor());
    }

    private static String readAll(Socket s) throws IOException {
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void anErrorInARunnerStillAnswersTheClientAndAcksTheGateway() throws Throwable {
        RequestDispatcher d = dispatcher(invocation -> {
            throw new OutOfMemoryError("simulated");
        }, 2, 2);
        Pair p = connect();
        try (Socket client = p.client(); SocketChannel server = p.server()) {
            d.handle(frame(1), p.workerCopy(), sink);
            CompletionAck ack = acks.poll(20, TimeUnit.SECONDS);
            assertEquals(1, ack.requestId());
            assertEquals(500, ack.status());
            assertFalse(ack.keepAlive());
            assertEquals(1L, starts.poll(), "the worker's own 500 is announced before it is written");
            server.close(); // the gateway closes on a close ack; the client sees the answer, then the end
            String answer = readAll(client);
            assertTrue(answer.startsWith("HTTP/1.1 500 "), answer);
            assertTrue(answer.contains("Connection: close"), answer);
        } finally {
            d.close();
        }
    }

    @Test
    void theAtCapacityAnswerDoesNotBlockTheFrameReaderOnAClientThatDoesNotRead() throws Throwable {
        CountDownLatch release = new CountDownLatch(1);
        RequestDispatcher d = dispatcher(answersOnceReleased(release), 1, 0);
        Pair busy = connect();
        Pair stalled = connect();
        try (Socket c1 = busy.client(); SocketChannel s1 = busy.server();
             Socket c2 = stalled.client(); SocketChannel s2 = stalled.server()) {
            d.handle(frame(1), busy.workerCopy(), sink);
            fillSendBuffer(s2); // the client never reads: any further write to it blocks
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> d.handle(frame(2), stalled.workerCopy(), sink),
                    "the frame reader blocked on a client that does not read");

            CompletionAck refused = acks.poll(20, TimeUnit.SECONDS);
            assertEquals(2, refused.requestId());
            // written, or cut at its deadline (0): either way the call is finished and the connection closes
            assertTrue(refused.status() == 0 || refused.status() == 503, "status " + refused.status());
            assertFalse(refused.keepAlive());

            release.countDown();
            CompletionAck served = acks.poll(20, TimeUnit.SECONDS);
            assertEquals(1, served.requestId());
            assertEquals(200, served.status());
        } finally {
            d.close();
        }
    }

    @Test
    void theAtCapacityAnswerReachesAClientThatReads() throws Throwable {
        CountDownLatch release = new CountDownLatch(1);
        RequestDispatcher d = dispatcher(answersOnceReleased(release), 1, 0);
        Pair busy = connect();
        Pair second = connect();
        try (Socket c1 = busy.client(); SocketChannel s1 = busy.server();
             Socket c2 = second.client(); SocketChannel s2 = second.server()) {
            d.handle(frame(1), busy.workerCopy(), sink);
            d.handle(frame(2), second.workerCopy(), sink);
            CompletionAck refused = acks.poll(20, TimeUnit.SECONDS);
            assertEquals(2, refused.requestId());
            assertEquals(503, refused.status());
            assertEquals(2L, starts.poll(), "the refusal is announced before it is written");
            s2.close();
            String answer = readAll(c2);
            assertTrue(answer.startsWith("HTTP/1.1 503 "), answer);
            assertTrue(answer.contains("Retry-After: 1"), answer);
            release.countDown();
            assertEquals(1, acks.poll(20, TimeUnit.SECONDS).requestId());
        } finally {
            d.close();
        }
    }

    @Test
    void aCallIsFinishedOnlyOnce() throws Throwable {
        Pair p = connect();
        try (Socket client = p.client(); SocketChannel server = p.server()) {
            Call call = new Call(frame(9), ClientConnection.adopt(p.workerCopy()), sink, () -> false);
            assertTrue(call.answer(new ResponseWriter(7), HttpResponse.of(200, HttpResponse.JSON, new byte[] {'{', '}'}), true));
            call.drop();
            assertFalse(call.answer(new ResponseWriter(7), HttpResponse.of(500, HttpResponse.JSON, new byte[0]), true));
            assertEquals(200, acks.poll(5, TimeUnit.SECONDS).status());
            assertEquals(null, acks.poll(200, TimeUnit.MILLISECONDS), "a second ack for the same call");
            assertEquals(List.of(9L), List.copyOf(starts), "one notice, for the one answer");
        }
    }

    @Test
    void aDroppedCallSendsNoNoticeSoTheGatewayMayStillAnswer() throws Throwable {
        Pair p = connect();
        try (Socket client = p.client(); SocketChannel server = p.server()) {
            new Call(frame(4), ClientConnection.adopt(p.workerCopy()), sink, () -> false).drop();
            assertEquals(0, acks.poll(5, TimeUnit.SECONDS).status());
            assertTrue(starts.isEmpty(), "a notice for a call that wrote nothing");
        }
    }

    @Test
    void onceDrainingAnAnswerClosesTheConnection() throws Throwable {
        RequestDispatcher d = dispatcher(invocation -> new Outcome.Exited(0, "{}".getBytes(StandardCharsets.US_ASCII), 2, ""), 1, 0);
        d.closeConnections();
        Pair p = connect();
        try (Socket client = p.client(); SocketChannel server = p.server()) {
            d.handle(frame(5), p.workerCopy(), sink); // the frame asks for keep-alive
            CompletionAck ack = acks.poll(20, TimeUnit.SECONDS);
            assertEquals(200, ack.status());
            assertFalse(ack.keepAlive());
            server.close();
            String answer = readAll(client);
            assertTrue(answer.contains("Connection: close"), answer);
        } finally {
            d.close();
        }
    }

    /** Writes to the server side until the kernel takes no more (the client reads nothing). */
    private static void fillSendBuffer(SocketChannel server) throws IOException {
        server.configureBlocking(false);
        ByteBuffer junk = ByteBuffer.allocate(64 * 1024);
        int idle = 0;
        while (idle < 3) {
            junk.clear();
            idle = server.write(junk) == 0 ? idle + 1 : 0;
        }
        server.configureBlocking(true);
    }
}
