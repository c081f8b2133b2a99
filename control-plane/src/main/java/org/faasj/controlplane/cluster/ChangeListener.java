package org.faasj.controlplane.cluster;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import org.faasj.controlplane.routing.RouteSync;
import org.faasj.controlplane.store.StoreChannel;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Listens on {@code faasj_routes} on a connection of its own and reloads the routes when another
 * node commits a change: the fast path of propagation. The same connection listens on every
 * {@link StoreChannel} other features declare (the async queue's wake-ups). It reloads as well each time it (re)starts
 * listening, since notifications sent while it was not are gone; the route sync's polling of the
 * change counter is the fallback for anything this misses.
 */
final class ChangeListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChangeListener.class);
    private static final int WAIT_MILLIS = 1000;
    private static final Duration CHECK_EVERY = Duration.ofSeconds(10);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final DataSource watchSource;
    private final RouteSync sync;
    private final List<StoreChannel> channels;
    private volatile boolean running;
    private Thread thread;
    private boolean failing;

    ChangeListener(DataSource watchSource, RouteSync sync, List<StoreChannel> channels) {
        this.watchSource = watchSource;
        this.sync = sync;
        this.channels = List.copyOf(channels);
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = new Thread(this::run, "store-listener");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Right after the route sync, whose first load it does not need to wait for. */
    @Override
    public int getPhase() {
        return RouteSync.PHASE + 1;
    }

    private void run() {
        while (running) {
            try {
                listen();
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                if (!failing) {
                    failing = true;
                    log.warn("Not listening for route changes (polling still runs), retrying: {}", e.toString());
                }
                sleep(RETRY_AFTER);
            }
        }
    }

    private void listen() throws Exception {
        try (Connection connection = watchSource.getConnection()) {
            try (Statement s = connection.createStatement()) {
                s.execute("LISTEN " + SharedArtifacts.CHANNEL);
                for (StoreChannel c : channels) {
                    s.execute("LISTEN " + c.channel());
                }
            }
            sync.reloadNow();
            channels.forEach(StoreChannel::notified); // whatever was sent while nobody listened
            if (failing) {
                failing = false;
                log.info("Listening for route changes again");
            }
            PGConnection pg = connection.unwrap(PGConnection.class);
            long nextCheck = System.nanoTime() + CHECK_EVERY.toNanos();
            while (running) {
                PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
                if (notifications != null && notifications.length > 0) {
                    dispatch(notifications);
                } else if (System.nanoTime() > nextCheck) {
                    // a store that vanished without closing the socket sends no error: ask it something
                    if (!connection.isValid(2)) {
                        throw new IllegalStateException("listening connection no longer valid");
                    }
                    nextCheck = System.nanoTime() + CHECK_EVERY.toNanos();
                }
            }
        }
    }

    /** One route reload and one call per other channel, however many notifications arrived together. */
    private void dispatch(PGNotification[] notifications) {
        Set<String> heard = new HashSet<>();
        for (PGNotification n : notifications) {
            heard.add(n.getName());
        }
        if (heard.contains(SharedArtifacts.CHANNEL)) {
            sync.reloadNow();
        }
        for (StoreChannel c : channels) {
            if (heard.contains(c.channel())) {
                c.notified();
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
