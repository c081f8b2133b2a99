package org.faasj.controlplane.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import javax.sql.DataSource;

import org.faasj.controlplane.FaasApplication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * This node's row in the {@code nodes} table, refreshed every heartbeat with its ready workers and
 * calls in flight, and removed when it stops cleanly; a node killed outright keeps its row, which
 * then ages into "not alive". On the embedded store there is one node and no table to write: the
 * list is this node alone.
 */
final class NodeRegistry implements SmartLifecycle {

    /** A node is alive while its heartbeat is younger than this many intervals. */
    static final int MISSED_BEATS = 3;
    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);

    private final JdbcClient jdbc;
    private final boolean shared;
    private final Duration heartbeat;
    private final IntSupplier readyWorkers;
    private final IntSupplier inFlight;
    private final String id;
    private final String address;
    private final String version;
    private final Instant started = Instant.now();
    private ScheduledExecutorService beats;
    private boolean failing;

    NodeRegistry(DataSource dataSource, boolean shared, Duration heartbeat, String id, String address,
                 IntSupplier readyWorkers, IntSupplier inFlight) {
        this.jdbc = JdbcClient.create(dataSource);
        this.shared = shared;
        this.heartbeat = heartbeat;
        this.address = address;
        this.readyWorkers = readyWorkers;
        this.inFlight = inFlight;
        this.id = id;
        String implementation = FaasApplication.class.getPackage().getImplementationVersion();
        this.version = implementation == null ? "dev" : implementation;
    }

    /** One node as {@code GET /system/nodes} shows it. */
    record NodeView(String id, String address, String version, Instant started, Instant heartbeat, int workers,
                    int inFlight, boolean alive, boolean self) {
    }

    List<NodeView> list() {
        if (!shared) {
            return List.of(self(Instant.now()));
        }
        long aliveAfter = System.currentTimeMillis() - heartbeat.toMillis() * MISSED_BEATS;
        return jdbc.sql("SELECT id, address, version, started, heartbeat, workers, in_flight FROM nodes ORDER BY id")
                .query((rs, n) -> new NodeView(rs.getString(1), rs.getString(2), rs.getString(3),
                        Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)), rs.getInt(6),
                        rs.getInt(7), rs.getLong(5) > aliveAfter, rs.getString(1).equals(id)))
                .list();
    }

    String id() {
        return id;
    }

    private NodeView self(Instant now) {
        return new NodeView(id, address, version, started, now, readyWorkers.getAsInt(), inFlight.getAsInt(), true, true);
    }

    /** Writes the row; an upsert, so a row deleted by hand (or a store that lost it) comes back. */
    void beat() {
        jdbc.sql("""
                        INSERT INTO nodes (id, address, version, started, heartbeat, workers, in_flight)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET heartbeat = excluded.heartbeat, workers = excluded.workers,
                            in_flight = excluded.in_flight, address = excluded.address""")
                .param(id).param(address).param(version).param(started.toEpochMilli()).param(System.currentTimeMillis())
                .param(readyWorkers.getAsInt()).param(inFlight.getAsInt())
                .update();
    }

    private void beatSafely() {
        try {
            beat();
            if (failing) {
                failing = false;
                log.info("Node heartbeat written again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("Cannot write this node's heartbeat to the store: {}", e.toString());
            }
        }
    }

    @Override
    public synchronized void start() {
        if (!shared || beats != null) {
            return;
        }
        beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "node-heartbeat");
            t.setDaemon(true);
            return t;
        });
        beats.scheduleWithFixedDelay(this::beatSafely, 0, heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Registered as node {} at {}", id, address);
    }

    @Override
    public synchronized void stop() {
        if (beats == null) {
            return;
        }
        beats.shutdownNow();
        beats = null;
        try {
            jdbc.sql("DELETE FROM nodes WHERE id = ?").param(id).update();
        } catch (RuntimeException e) {
            log.debug("Cannot remove this node's row; it will age out", e);
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return beats != null;
    }
}
