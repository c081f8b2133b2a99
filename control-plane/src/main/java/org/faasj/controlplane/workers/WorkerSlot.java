package org.faasj.controlplane.workers;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;

import org.faasj.model.MetricsDatagram;

/**
 * One place in the worker pool: whichever worker process currently fills it, its link, the
 * requests the gateway has in flight on it, and its latest load report. Read by the gateway on
 * every request, so every field is a volatile or an atomic; nothing here blocks.
 */
public final class WorkerSlot {

    private final int id;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger restarts = new AtomicInteger();
    private volatile Process process;
    private volatile WorkerLink link;
    private volatile MetricsDatagram metrics;
    private volatile long metricsReceivedNanos;

    WorkerSlot(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** Ready means: a live process whose link is connected. */
    public boolean isReady() {
        WorkerLink l = link;
        Process p = process;
        return l != null && l.isOpen() && p != null && p.isAlive();
    }

    /** Hands a request to this worker. */
    public void send(byte[] frame, FileDescriptor client) throws IOException {
        WorkerLink l = link;
        if (l == null) {
            throw new IOException("worker " + id + " is not connected");
        }
        l.send(frame, client);
    }

    public long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public void requestStarted() {
        inFlight.incrementAndGet();
    }

    public void requestEnded() {
        inFlight.decrementAndGet();
    }

    public int restarts() {
        return restarts.get();
    }

    /** The latest report, or null when this worker process has not reported yet. */
    public MetricsDatagram metrics() {
        return metrics;
    }

    public long metricsReceivedNanos() {
        return metricsReceivedNanos;
    }

    /** Takes a report if it comes from the process that fills the slot now (not from one it replaced). */
    public void acceptMetrics(MetricsDatagram report, long receivedNanos) {
        if (report.pid() == pid()) {
            metrics = report;
            metricsReceivedNanos = receivedNanos;
        }
    }

    /**
     * Tells the worker that the control plane is shutting down, by the one byte its stdin
     * pipe ever carries: calls still running then answer with {@code Connection: close}.
     */
    public void announceDrain() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        try {
            OutputStream stdin = p.getOutputStream();
            stdin.write('D'); // never close it: end of file tells the worker to exit at once
            stdin.flush();
        } catch (IOException e) {
            // the worker is gone or going; it has nothing left to answer
        }
    }

    void attach(Process newProcess) {
        process = newProcess;
        metrics = null;
        link = null;
    }

    void connected(WorkerLink newLink) {
        link = newLink;
    }

    void detach() {
        WorkerLink l = link;
        link = null;
        if (l != null) {
            l.retire();
        }
        restarts.incrementAndGet();
    }

    Process process() {
        return process;
    }
}
