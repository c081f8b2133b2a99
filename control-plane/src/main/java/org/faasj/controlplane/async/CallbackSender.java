package org.faasj.controlplane.async;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.faasj.controlplane.metrics.AsyncMetrics;
import org.faasj.model.CallId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs finished calls' results to their {@code X-Callback-Url}: the function's status as
 * {@code X-Function-Status}, its headers (connection headers left out), its body, plus
 * {@code X-Call-Id} and {@code X-Duration-Seconds}. Which callbacks are due lives in the store, so a
 * result not yet delivered when the control plane stops is sent after the next start. A non-2xx
 * answer or no answer is retried with the call's backoff, {@code retries} times, then the callback
 * is recorded as failed; a refused target (see {@link CallbackClient}) fails at once.
 */
final class CallbackSender implements AutoCloseable {

    static final String DELIVERED = "delivered";
    static final String PENDING = "pending";
    static final String FAILED = "failed";
    private static final Logger log = LoggerFactory.getLogger(CallbackSender.class);
    private static final int THREADS = 4;
    /** Headers the client sets itself (or that describe the function's own connection), never copied. */
    private static final List<String> CLIENT_OWNED = List.of("host", "date", "via", "warning", "user-agent",
            "content-length");

    /** The settings callbacks are sent with. */
    record Settings(int retries, Duration timeout, Duration pollInterval) {
    }

    private final CallQueue queue;
    private final CallbackClient http;
    private final Backoff backoff;
    private final AsyncMetrics metrics;
    private final Settings settings;
    private final LongSupplier clock;
    private final ExecutorService senders;
    private final Semaphore free = new Semaphore(THREADS);
    private final BlockingQueue<Boolean> wake = new ArrayBlockingQueue<>(1);
    private final Thread loop;
    private volatile boolean stopped;

    CallbackSender(CallQueue queue, CallbackClient http, Backoff backoff, AsyncMetrics metrics, Settings settings,
                   LongSupplier clock) {
        this.queue = queue;
        this.http = http;
        this.backoff = backoff;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        this.senders = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "async-callback");
            t.setDaemon(true);
            return t;
        });
        this.loop = new Thread(this::run, "async-callbacks");
        loop.setDaemon(true);
    }

    void start() {
        loop.start();
    }

    void wake() {
        wake.offer(Boolean.TRUE);
    }

    private void run() {
        while (!stopped) {
            try {
                int places = free.availablePermits();
                List<PendingCallback> due = places == 0 ? List.of()
                        : queue.claimCallbacks(clock.getAsLong(), places, leaseUntil());
                for (PendingCallback c : due) {
                    free.acquire();
                    senders.execute(() -> {
                        try {
                            deliver(c);
                        } finally {
                            free.release();
                            wake();
                        }
                    });
                }
                if (due.isEmpty()) {
                    wake.poll(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                return;
            } catch (QueueException | RuntimeException e) {
                log.warn("async callbacks: {}", e.getMessage());
                try {
                    Thread.sleep(settings.pollInterval().toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** A callback in flight is not taken again until its POST has surely ended. */
    private long leaseUntil() {
        return clock.getAsLong() + 2 * settings.timeout().toMillis() + 1000;
    }

    void deliver(PendingCallback c) {
        int attempt = c.attempts() + 1;
        String error;
        try {
            URI uri = CallbackUrls.parse(c.url());
            int status = http.post(uri, headers(c), c.result().body());
            if (status / 100 == 2) {
                record(c, DELIVERED, attempt, null, 0);
                return;
            }
            error = "callback answered " + status;
        } catch (CallbackClient.RefusedAddress refused) {
            record(c, FAILED, attempt, refused.getMessage(), 0);
            return;
        } catch (IOException | IllegalArgumentException e) {
            error = "callback failed: " + e.getMessage();
        }
        if (stopped || Thread.currentThread().isInterrupted()) {
            return; // stopping: the lease runs out and it is sent after the next start
        }
        if (attempt > settings.retries()) {
            record(c, FAILED, attempt, error, 0);
        } else {
            record(c, PENDING, attempt, error, clock.getAsLong() + backoff.delayMillis(attempt, null));
        }
    }

    /**
     * Apache's client writes header lines as given (the JDK's refused bad ones); a stored header that
     * could end its line early would add headers of its own to the POST, so it is left out.
     */
    private static boolean fitsOnOneLine(String s) {
        return s.indexOf('\r') < 0 && s.indexOf('\n') < 0 && s.indexOf('\0') < 0;
    }

    private static List<Map.Entry<String, String>> headers(PendingCallback c) {
        CallResult r = c.result();
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (Map.Entry<String, String> h : r.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!Hop.isHopByHop(name) && !CLIENT_OWNED.contains(name) && !name.equals("x-call-id")
                    && fitsOnOneLine(h.getKey()) && fitsOnOneLine(h.getValue())) {
                out.add(h);
            }
        }
        out.add(Map.entry(CallId.HEADER, c.callId()));
        if (r.status() != null) {
            out.add(Map.entry("X-Function-Status", Integer.toString(r.status())));
        }
        if (r.error() != null) {
            out.add(Map.entry("X-Call-Error", r.error().replaceAll("[\\r\\n]", " ")));
        }
        out.add(Map.entry("X-Duration-Seconds", String.format(Locale.ROOT, "%.3f", c.durationMillis() / 1000.0)));
        return out;
    }

    private void record(PendingCallback c, String state, int attempts, String error, long nextAt) {
        metrics.callbackEnded(state.equals(PENDING) ? "retried" : state);
        try {
            queue.recordCallback(c.callId(), state, attempts, error, nextAt);
        } catch (QueueException e) {
            log.warn("async call {}: could not record its callback: {}", c.callId(), e.getMessage());
        }
    }

    @Override
    public void close() {
        stopped = true;
        loop.interrupt();
        senders.shutdownNow();
        try {
            http.close();
        } catch (IOException e) {
            log.debug("closing the callback client: {}", e.toString());
        }
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
