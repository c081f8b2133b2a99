package org.faasj.worker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A body read from a real loopback connection, through a duplicate of the gateway's descriptor as a worker holds it. */
class RequestBodyTest {

    private LoopbackConnection connection;
    private Socket client;
    /** The gateway's side of the connection. */
    private SocketChannel gateway;
    private ClientConnection worker;

    @BeforeEach
    void connect() throws Throwable {
        connection = new LoopbackConnection();
        client = connection.client;
        gateway = connection.gateway;
        worker = connection.workerDuplicate();
    }

    @AfterEach
    void close() throws Exception {
        worker.release();
        connection.close();
    }

    @Test
    void aBodyReadWholeIsFullyConsumedAndTheConnectionStaysOpenForTheNextRequest() throws Exception {
        RequestBody body = new RequestBody(new byte[0], 2, worker, 5_000);
        client.getOutputStream().write("{}".getBytes(StandardCharsets.ISO_8859_1));

        ByteArrayOutputStream function = new ByteArrayOutputStream();
        body.copyTask(function, () -> { }).run();
        body.abandon(); // the function is done; nothing left to abandon

        assertEquals("{}", function.toString(StandardCharsets.ISO_8859_1));
        assertTrue(body.fullyConsumed());
        assertFalse(gatewayReadsEndOfStream());
    }

    /**
     * The function exits before the pump took the body, which is already in the socket: abandon
     * shuts the input down (for the gateway too), and the pump still reads the queued bytes. The
     * body is then all read, but the connection can serve nothing more: it must not count as fully
     * consumed, or the answer promises keep-alive and the gateway, reading end of stream, closes
     * the connection under the client's next request ("header parser received no bytes").
     */
    @Test
    void aBodyAbandonedBeforeThePumpReadItIsNotFullyConsumedEvenIfThePumpThenReadsIt() throws Exception {
        RequestBody body = new RequestBody(new byte[0], 2, worker, 5_000);
        client.getOutputStream().write("{}".getBytes(StandardCharsets.ISO_8859_1));

        body.abandon();
        ByteArrayOutputStream function = new ByteArrayOutputStream();
        body.copyTask(function, () -> { }).run(); // the pump runs late: it still gets the queued bytes

        assertEquals(2, function.size(), "bytes the late pump read");
        assertFalse(body.fullyConsumed(), "a connection whose input is shut down cannot be kept alive");
        assertTrue(gatewayReadsEndOfStream(), "the input is shut down for everyone");
    }

    @Test
    void aBodyAbandonedBeforeItArrivedIsNotFullyConsumed() throws Exception {
        RequestBody body = new RequestBody(new byte[0], 2, worker, 5_000);

        body.abandon();
        body.copyTask(OutputStream.nullOutputStream(), () -> { }).run();

        assertFalse(body.fullyConsumed());
    }

    /**
     * What the gateway finds when it takes the connection back before the client's next request:
     * nothing yet (the connection waits for it), or end of stream (it closes the connection).
     */
    private boolean gatewayReadsEndOfStream() throws Exception {
        gateway.configureBlocking(false);
        return gateway.read(ByteBuffer.allocate(64)) < 0;
    }
}
