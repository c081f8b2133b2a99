package org.faasj.worker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A worker's duplicates of one keep-alive client connection, on a real loopback socket. */
class ClientConnectionTest {

    private LoopbackConnection connection;

    @BeforeEach
    void connect() throws Exception {
        connection = new LoopbackConnection();
    }

    @AfterEach
    void close() throws Exception {
        connection.close();
    }

    /**
     * A call that set a read timeout has a junixsocket socket object on its descriptor, and that
     * object's finalizer shuts the connection down (for everyone: the gateway and the client's next
     * keep-alive request) if its descriptor is still open then. Under 1 MiB keep-alive load the
     * worker's Finalizer thread did that to live connections about once in 30,000 calls (strace),
     * until {@link ClientConnection#release()} kept the object reachable until the descriptor was
     * closed. The race needs a collection inside a window of microseconds, so this does not
     * reproduce it on demand; it holds the invariant: one connection serves many calls while another
     * thread collects garbage all the time, and each round it still carries a request one way and an
     * answer the other.
     */
    @Test
    void callsThatSetAReadTimeoutNeverShutTheSharedConnectionDown() throws Throwable {
        Thread collector = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                System.gc();
                System.runFinalization();
            }
        }, "collector");
        collector.setDaemon(true);
        collector.start();
        try {
            for (int call = 0; call < 5_000; call++) {
                ClientConnection worker = connection.workerDuplicate();
                worker.tryReadTimeout(5_000);
                worker.release();

                connection.client.getOutputStream().write('q');
                ByteBuffer one = ByteBuffer.allocate(1);
                assertEquals(1, connection.gateway.read(one), "call " + call + ": the request did not reach the gateway");
                connection.gateway.write(ByteBuffer.wrap("a".getBytes(StandardCharsets.ISO_8859_1)));
                assertEquals('a', connection.client.getInputStream().read(), "call " + call + ": the answer did not reach the client");
            }
        } finally {
            collector.interrupt();
            collector.join();
        }
    }
}
