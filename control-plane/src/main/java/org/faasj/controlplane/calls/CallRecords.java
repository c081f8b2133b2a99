package org.faasj.controlplane.calls;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.faasj.model.InvocationRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The one place invocation records enter the control plane. Producers (the calls socket's receiver,
 * the gateway) {@link #publish} without blocking; one thread hands each batch to every
 * {@link CallListener} in turn. A full queue drops the batch and counts it: records are telemetry,
 * never a reason to slow a call down.
 */
@Component
public class CallRecords implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CallRecords.class);
    static final int QUEUE_BATCHES = 4096;

    private final List<CallListener> listeners;
    private final BlockingQueue<List<InvocationRecord>> queue = new ArrayBlockingQueue<>(QUEUE_BATCHES);
    private final AtomicLong dropped = new AtomicLong();
    private volatile Thread dispatcher;

    public CallRecords(List<CallListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /** Queues a batch for the listeners; false (and counted) when the queue is full. */
    public boolean publish(List<InvocationRecord> records) {
        if (records.isEmpty()) {
            return true;
        }
        if (queue.offer(records)) {
            return true;
        }
        dropped.addAndGet(records.size());
        return false;
    }

    public boolean publish(InvocationRecord record) {
        return publish(List.of(record));
    }

    /** Records dropped because the listeners fell behind. */
    public long dropped() {
        return dropped.get();
    }

    private void dispatch() {
        while (dispatcher != null || !queue.isEmpty()) {
            List<InvocationRecord> batch;
            try {
                batch = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                batch = queue.poll();
                if (batch == null) {
                    return;
                }
            }
            if (batch != null) {
                deliver(batch);
            }
        }
    }

    private void deliver(List<InvocationRecord> batch) {
        for (CallListener listener : listeners) {
            try {
                listener.onCalls(batch);
            } catch (RuntimeException e) {
                log.warn("{} failed on {} invocation records", listener.getClass().getSimpleName(), batch.size(), e);
            }
        }
    }

    @Override
    public void start() {
        Thread t = new Thread(this::dispatch, "call-records");
        t.setDaemon(true);
        dispatcher = t;
        t.start();
    }

    /** Delivers what is queued, then stops (after the gateway and the workers: lower phase). */
    @Override
    public void stop() {
        Thread t = dispatcher;
        dispatcher = null;
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return dispatcher != null;
    }

    @Override
    public int getPhase() {
        return 40;
    }
}
