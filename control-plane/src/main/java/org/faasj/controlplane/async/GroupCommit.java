package org.faasj.controlplane.async;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many threads submit items, one writer thread commits them: whatever arrived while the last
 * transaction was being fsynced goes into the next one. A submitter returns only after the
 * transaction holding its item committed. With {@code synchronous=FULL} a commit costs one or two
 * fsyncs whatever its size, so the rate of durable writes grows with the number of waiting
 * submitters instead of being one fsync each.
 *
 * @param <T> what is written
 * @param <R> what each submitter learns about its item
 */
final class GroupCommit<T, R> implements AutoCloseable {

    /** Writes one batch in one transaction; the results in the batch's order. */
    @FunctionalInterface
    interface BatchWriter<T, R> {
        List<R> write(List<T> batch) throws Exception;
    }

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    private record Pending<T, R>(T item, CompletableFuture<R> done) {
    }

    /** How soon an idle writer notices {@link #close}. */
    private static final long IDLE_POLL_MILLIS = 100;

    private final BlockingQueue<Pending<T, R>> waiting = new LinkedBlockingQueue<>();
    private final BatchWriter<T, R> writer;
    private final int maxBatch;
    private final Thread thread;
    private volatile boolean closed;

    GroupCommit(String name, int maxBatch, BatchWriter<T, R> writer) {
        this.writer = writer;
        this.maxBatch = maxBatch;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Blocks until the item's transaction committed. */
    R submit(T item) throws QueueException {
        if (closed) {
            throw new QueueException("the queue is closed", null);
        }
        Pending<T, R> pending = new Pending<>(item, new CompletableFuture<>());
        waiting.add(pending);
        try {
            while (true) {
                try {
                    return pending.done().get(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (closed && !thread.isAlive()) { // submitted after the writer's last look
                        failRemaining();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueueException("interrupted while waiting for the commit", e);
        } catch (ExecutionException e) {
            throw new QueueException("the write failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Items submitted and not yet taken into a batch. */
    int waiting() {
        return waiting.size();
    }

    private void run() {
        List<Pending<T, R>> batch = new ArrayList<>(maxBatch);
        while (!closed || !waiting.isEmpty()) {
            Pending<T, R> first;
            try {
                first = waiting.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) {
                continue;
            }
            batch.add(first);
            waiting.drainTo(batch, maxBatch - 1);
            commit(batch);
            batch.clear();
        }
        failRemaining();
    }

    private void commit(List<Pending<T, R>> batch) {
        List<T> items = new ArrayList<>(batch.size());
        batch.forEach(p -> items.add(p.item()));
        try {
            List<R> results = writer.write(items);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(results.get(i));
            }
        } catch (Exception | Error e) {
            log.warn("a batch of {} writes failed: {}", batch.size(), e.toString());
            batch.forEach(p -> p.done().completeExceptionally(e));
        }
    }

    private void failRemaining() {
        Pending<T, R> p;
        while ((p = waiting.poll()) != null) {
            p.done().completeExceptionally(new IllegalStateException("the queue is closed"));
        }
    }

    /** Commits what was submitted before, then stops the writer. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
