package org.faasj.controlplane.calls;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.List;

import org.faasj.controlplane.system.RunDirectory;
import org.faasj.model.InvocationRecord;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Listens on the Unix datagram socket the workers send their invocation records to, decodes each
 * batch and {@link CallRecords#publish publishes} it. Bound before the workers start (lower
 * lifecycle phase than the supervisor); a datagram that is not a batch is ignored at DEBUG.
 */
@Component
public class CallRecordReceiver implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CallRecordReceiver.class);

    private final RunDirectory runDirectory;
    private final CallRecords records;
    private volatile AFUNIXDatagramSocket socket;

    public CallRecordReceiver(RunDirectory runDirectory, CallRecords records) {
        this.runDirectory = runDirectory;
        this.records = records;
    }

    @Override
    public void start() {
        try {
            Files.deleteIfExists(runDirectory.callsSocket());
            socket = AFUNIXDatagramSocket.newInstance();
            socket.bind(AFUNIXSocketAddress.of(runDirectory.callsSocket()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind calls socket " + runDirectory.callsSocket(), e);
        }
        Thread t = new Thread(this::receive, "call-record-receiver");
        t.setDaemon(true);
        t.start();
    }

    private void receive() {
        // one byte more than a batch may have: a datagram that fills it is too long, not a batch
        byte[] buf = new byte[InvocationRecord.MAX_BATCH_BYTES + 1];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        while (socket != null && !socket.isClosed()) {
            try {
                packet.setLength(buf.length);
                socket.receive(packet);
                accept(ByteBuffer.wrap(buf, 0, packet.getLength()));
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                log.debug("invocation record receive failed", e);
            }
        }
    }

    /** Decodes one datagram and publishes its records; false when it was not a batch. */
    boolean accept(ByteBuffer datagram) {
        if (datagram.remaining() > InvocationRecord.MAX_BATCH_BYTES) {
            log.debug("ignored a datagram longer than an invocation record batch");
            return false;
        }
        List<InvocationRecord> batch;
        try {
            batch = InvocationRecord.decodeBatch(datagram);
        } catch (IllegalArgumentException e) {
            log.debug("ignored a datagram that is not an invocation record batch: {}", e.getMessage());
            return false;
        }
        if (log.isDebugEnabled()) {
            for (InvocationRecord r : batch) {
                log.debug("invocation record {}", r);
            }
        }
        records.publish(batch);
        return true;
    }

    @Override
    public void stop() {
        AFUNIXDatagramSocket s = socket;
        socket = null;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public boolean isRunning() {
        return socket != null;
    }

    /** After {@link CallRecords} (40), before the workers start. */
    @Override
    public int getPhase() {
        return 50;
    }
}
