package org.faasj.controlplane.scheduling;

import java.nio.ByteBuffer;

import org.faasj.controlplane.system.DatagramInbox;
import org.faasj.controlplane.system.RunDirectory;
import org.faasj.controlplane.workers.WorkerPool;
import org.faasj.controlplane.workers.WorkerSlot;
import org.faasj.model.MetricsDatagram;
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

    private final WorkerPool pool;
    private final DatagramInbox inbox;

    MetricsReceiver(RunDirectory runDirectory, WorkerPool pool) {
        this.pool = pool;
        this.inbox = new DatagramInbox(runDirectory.metricsSocket(), MetricsDatagram.BYTES + 64, "metrics-receiver",
                this::file);
    }

    @Override
    public void start() {
        inbox.start();
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
        inbox.stop();
    }

    @Override
    public boolean isRunning() {
        return inbox.isRunning();
    }

    @Override
    public int getPhase() {
        return 50;
    }
}
