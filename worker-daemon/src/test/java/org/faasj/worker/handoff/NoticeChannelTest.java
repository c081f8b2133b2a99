package org.faasj.worker.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.faasj.model.CompletionAck;
import org.faasj.model.FunctionRuntime;
import org.faasj.model.HandoffFrame;
import org.faasj.model.Network;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;

/**
 * With a notice channel attached, "response started" goes there and everything else on the link;
 * without one, or once it is full, notices go on the link as before.
 */
class NoticeChannelTest {

    @TempDir
    Path dir;
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private HandoffServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        timer.shutdownNow();
    }

    /** Each frame is answered with a notice, then its completion. */
    private AFUNIXSocket start() throws Exception {
        Path socket = dir.resolve("w.sock");
        server = new HandoffServer(socket, (frame, client, acks) -> {
            acks.send(CompletionAck.responseStarted(frame.requestId()));
            acks.send(new CompletionAck(frame.requestId(), 200, true));
        }, timer);
        server.start();
        return AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(socket));
    }

    @Test
    void noticesGoToTheAttachedChannelAndCompletionsOnTheLink() throws Exception {
        try (AFUNIXSocket gateway = start(); AFUNIXSocketPair<AFUNIXSocketChannel> notices = AFUNIXSocketPair.open()) {
            attach(gateway, notices);
            for (long id = 1; id <= 3; id++) {
                gateway.getOutputStream().write(frame(id).encode());
            }
            DataInputStream link = new DataInputStream(gateway.getInputStream());
            for (long id = 1; id <= 3; id++) {
                assertEquals(new CompletionAck(id, 200, true), read(link), "only completions on the link");
            }
            ByteBuffer got = ByteBuffer.allocate(3 * CompletionAck.BYTES);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (got.hasRemaining() && System.nanoTime() < deadline) {
                notices.getSocket1().read(got);
            }
            got.flip();
            for (long id = 1; id <= 3; id++) {
                assertEquals(CompletionAck.responseStarted(id), CompletionAck.readFrom(got));
            }
        }
    }

    @Test
    void withoutAChannelNoticesStayOnTheLink() throws Exception {
        try (AFUNIXSocket gateway = start()) {
            gateway.getOutputStream().write(frame(5).encode());
            DataInputStream link = new DataInputStream(gateway.getInputStream());
            assertEquals(CompletionAck.responseStarted(5), read(link));
            assertEquals(new CompletionAck(5, 200, true), read(link));
        }
    }

    /** Nobody reads the channel: once it is full, notices come on the link, none lost and none blocking. */
    @Test
    void aFullChannelSendsTheNoticeOnTheLink() throws Exception {
        try (AFUNIXSocket gateway = start(); AFUNIXSocketPair<AFUNIXSocketChannel> notices = AFUNIXSocketPair.open()) {
            attach(gateway, notices);
            DataInputStream link = new DataInputStream(gateway.getInputStream());
            boolean sawNoticeOnLink = false;
            int onLink = 0;
            for (long id = 1; id <= 20_000 && !sawNoticeOnLink; id++) {
                gateway.getOutputStream().write(frame(id).encode());
                CompletionAck first = read(link);
                if (first.isResponseStart()) {
                    assertEquals(CompletionAck.responseStarted(id), first);
                    sawNoticeOnLink = true;
                    first = read(link);
                }
                assertEquals(new CompletionAck(id, 200, true), first);
                onLink++;
            }
            assertTrue(sawNoticeOnLink, "a full channel never made the notice fall back to the link");
            assertTrue(onLink > 1, "the first notices went to the channel");
        }
    }

    private static void attach(AFUNIXSocket gateway, AFUNIXSocketPair<AFUNIXSocketChannel> notices) throws IOException {
        notices.getSocket1().configureBlocking(false);
        gateway.setOutboundFileDescriptors(notices.getSocket2().getFileDescriptor());
        gateway.getOutputStream().write(ByteBuffer.allocate(4).putInt(CompletionAck.NOTICE_CHANNEL_PREAMBLE).array());
    }

    private static CompletionAck read(DataInputStream in) throws IOException {
        byte[] bytes = new byte[CompletionAck.BYTES];
        in.readFully(bytes);
        return CompletionAck.readFrom(ByteBuffer.wrap(bytes));
    }

    private static HandoffFrame frame(long id) {
        return new HandoffFrame(id, true, "fn", 1, FunctionRuntime.WASM, "/m.wasm", "main", 64, 10_000, 64, 64,
                Network.OUTBOUND, Map.of(), "GET", "/x", "", List.of(), 0, new byte[0]);
    }
}
