package org.faasj.controlplane.scheduling;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Files;

import org.faasj.controlplane.system.RunDirectory;
import org.faasj.controlplane.workers.WorkerPool;
import org.faasj.controlplane.workers.WorkerSlot;
import org.faasj.model.MetricsDatagram;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Listens on the Unix datagram socket the workers report their load to, and files each report
 * with the worker's slot. Bound before the workers start (lower lifecycle phase than the supervisor).
 */
@Component
class MetricsReceiver implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MetricsReceiver.class);

    private final RunDirectory runDirectory;
    private final WorkerPool pool;
    private volatile AFUNIXDatagramSocket socket;

    MetricsReceiver(RunDirectory runDirectory, WorkerPool pool) {
        this.runDirectory = runDirectory;
        this.pool = pool;
    }

    @Override
    public void start() {
        try {
            Files.deleteIfExists(runDirectory.metricsSocket());
            socket = AFUNIXDatagramSocket.newInstance();
            socket.bind(AFUNIXSocketAddress.of(runDirectory.metricsSocket()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind metrics socket " + runDirectory.metricsSocket(), e);
        }
        Thread t = new Thread(this::receive, "metrics-receiver");
        t.setDaemon(true);
        t.start();
    }

    private void receive() {
        byte[] buf = new byte[MetricsDatagram.BYTES + 64];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        while (socket != null && !socket.isClosed()) {
            try {
                packet.setLength(buf.length);
                socket.receive(packet);
                file(ByteBuffer.wrap(buf, 0, packet.getLength()));
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                log.debug("metrics receive failed", e);
            }
        }
    }

    private void file(ByteBuffer datagram) {
        try {
            MetricsDatagram report = MetricsDatagram.decode(datagram);
            WorkerSlot slot = pool.slot(report.workerId());
            if (slot != null) {
                slot.acceptMetrics(report, System.nanoTime());
            }
        } catch (IllegalArgumentException e) {
            log.debug("ignored a datagram that is not a metrics report");
        }
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

    @Override
    public int getPhase() {
        return 50;
    }
}
