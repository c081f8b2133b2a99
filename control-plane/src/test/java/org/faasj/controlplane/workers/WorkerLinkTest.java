package org.faasj.controlplane.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.faasj.model.CompletionAck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** The gateway's side of a worker link against a fake worker that misbehaves. */
class WorkerLinkTest {

    @TempDir
    Path dir;
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final HandoffListener listener = new HandoffListener() {
        @Override
        public void completed(WorkerSlot slot, CompletionAck ack) {
            events.add(ack);
        }

        @Override
        public void lost(WorkerSlot slot, boolean workerDied) {
            events.add(workerDied ? "died" : "lost");
        }
    };
    private final BlockingQueue<String> reconnects = new LinkedBlockingQueue<>();
    private AFUNIXServerSocket server;
    private Process worker;
    /** The fake worker's end of the link. */
    private AFUNIXSocket peer;

    @BeforeEach
    void start() throws IOException {
        server = AFUNIXServerSocket.newInstance();
        server.bind(AFUNIXSocketAddress.of(dir.resolve("worker.sock")));
        worker = new ProcessBuilder("sleep", "60").start(); // stands in for the worker process
    }

    @AfterEach
    void stop() throws IOException {
        worker.destroyForcibly();
        server.close();
    }

    private WorkerLink connect(Duration sendTimeout) throws Exception {
        CompletableFuture<AFUNIXSocket> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return server.accept();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        WorkerLink link = WorkerLink.connect(new WorkerSlot(0), worker, dir.resolve("worker.sock"), listener, sendTimeout,
                () -> reconnects.add("reconnect"));
        peer = accepted.get(10, TimeUnit.SECONDS);
        return link;
    }

    @Test
    void aWorkerThatStopsTakingFramesFailsTheSendWithinItsTimeoutAndGetsANewLink() throws Exception {
        WorkerLink link = connect(Duration.ofMillis(200));
        byte[] frame = new byte[64 * 1024];
        long slowest = 0;
        IOException failed = null;
        for (int i = 0; i < 2_000 && failed == null; i++) {
            long started = System.nanoTime();
            try {
                link.send(frame, FileDescriptor.in);
            } catch (IOException e) {
                failed = e;
            }
            slowest = Math.max(slowest, System.nanoTime() - started);
        }
        assertThat(failed).as("a send to a worker that never reads").isNotNull();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(slowest)).isLessThan(5);
        assertThat(link.isOpen()).isFalse();
        assertThatThrownBy(() -> link.send(frame, FileDescriptor.in)).isInstanceOf(IOException.class);
        // alive but without a link it would never get another request: a new link is asked for
        assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo("lost");
        assertThat(reconnects.poll(10, TimeUnit.SECONDS)).isEqualTo("reconnect");
        assertThat(worker.isAlive()).isTrue();
        peer.close();
    }

    @Test
    void acksArriveAfterQuietTimesLongerThanTheSendTimeout() throws Exception {
        WorkerLink link = connect(Duration.ofMillis(100));
        TimeUnit.MILLISECONDS.sleep(500); // several read timeouts on the link's reader, which must ride them out
        peer.getOutputStream().write(CompletionAck.responseStarted(7).encode());
        peer.getOutputStream().write(new CompletionAck(7, 200, true).encode());
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo(CompletionAck.responseStarted(7));
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo(new CompletionAck(7, 200, true));
        assertThat(link.isOpen()).isTrue();
        link.retire();
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("lost");
        assertThat(worker.isAlive()).as("a retired link's worker is left to the supervisor").isTrue();
        assertThat(reconnects).isEmpty();
        peer.close();
    }

    @Test
    void aLinkBrokenByTheWorkersDeathSaysSo() throws Exception {
        connect(Duration.ofSeconds(1));
        worker.destroyForcibly();
        peer.close();
        assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo("died");
        assertThat(reconnects).isEmpty();
    }
}
