package org.faasj.controlplane.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the relay's refusals (401, 403, 429, 503, 408) without blocking anyone: one thread with
 * its own selector writes the answer as the client takes it, half-closes, and reads and drops
 * what the client still sends for a moment before closing. Closing with unread bytes would make
 * the kernel send a reset, which can destroy the answer before the client reads it, and a refused
 * upload is usually still sending its body.
 */
final class RelayRefusals implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RelayRefusals.class);
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int MAX_PENDING = 1024;

    /** A refused connection: its answer's unwritten rest, and when it is closed regardless. */
    private static final class Pending {
        final SocketChannel channel;
        final ByteBuffer answer;
        final long deadlineNanos;
        boolean finished;

        Pending(SocketChannel channel, ByteBuffer answer, long deadlineNanos) {
            this.channel = channel;
            this.answer = answer;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final Selector selector;
    private final Queue<Pending> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final ByteBuffer scratch = ByteBuffer.allocate(16 * 1024);
    private volatile boolean running = true;

    RelayRefusals() throws IOException {
        this.selector = Selector.open();
    }

    /**
     * Answers and closes a connection nobody else uses any more (blocking or not). Past
     * {@value #MAX_PENDING} refusals in progress the connection is just closed.
     */
    void refuse(SocketChannel channel, byte[] answer) {
        if (!running || pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            close(channel);
            return;
        }
        incoming.add(new Pending(channel, ByteBuffer.wrap(answer), System.nanoTime() + LINGER_NANOS));
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            while (running) {
                selector.select(250);
                for (SelectionKey key : selector.selectedKeys()) {
                    serve(key);
                }
                selector.selectedKeys().clear();
                adoptIncoming();
                closeExpired();
            }
        } catch (IOException | ClosedSelectorException e) {
            log.error("the relay's refusal thread failed", e);
        } finally {
            closeAll();
        }
    }

    private void adoptIncoming() {
        Pending p;
        while ((p = incoming.poll()) != null) {
            try {
                p.channel.configureBlocking(false);
                SelectionKey key = p.channel.register(selector, 0, p);
                writeOrDrain(key, p);
            } catch (IOException e) {
                done(p);
            }
        }
    }

    private void serve(SelectionKey key) {
        Pending p = (Pending) key.attachment();
        try {
            if (!key.isValid()) {
                done(p);
            } else if (p.answer.hasRemaining()) {
                writeOrDrain(key, p);
            } else {
                drain(p);
            }
        } catch (IOException e) {
            done(p);
        }
    }

    private void writeOrDrain(SelectionKey key, Pending p) throws IOException {
        p.channel.write(p.answer);
        if (p.answer.hasRemaining()) {
            key.interestOps(SelectionKey.OP_WRITE);
            return;
        }
        p.channel.shutdownOutput();
        key.interestOps(SelectionKey.OP_READ);
        drain(p);
    }

    /** Drops what the client sends; its close (or the deadline) ends the refusal. */
    private void drain(Pending p) throws IOException {
        int n;
        do {
            scratch.clear();
            n = p.channel.read(scratch);
        } while (n > 0);
        if (n < 0) {
            done(p);
        }
    }

    private void closeExpired() {
        long now = System.nanoTime();
        List<Pending> expired = new ArrayList<>();
        for (SelectionKey key : selector.keys()) {
            Pending p = (Pending) key.attachment();
            if (now - p.deadlineNanos > 0) {
                expired.add(p);
            }
        }
        expired.forEach(this::done);
    }

    private void done(Pending p) {
        if (!p.finished) {
            p.finished = true;
            pending.decrementAndGet();
            close(p.channel);
        }
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.trace("close", e);
        }
    }

    private void closeAll() {
        try {
            for (SelectionKey key : selector.keys()) {
                done((Pending) key.attachment());
            }
            selector.close();
        } catch (IOException | ClosedSelectorException e) {
            log.trace("closing the refusal selector", e);
        }
        Pending p;
        while ((p = incoming.poll()) != null) {
            done(p);
        }
    }

    void shutdown() {
        running = false;
        selector.wakeup();
    }
}
