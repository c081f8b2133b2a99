package org.faasj.controlplane.routing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the {@link RouteTable} equal to the {@code functions} table, whoever changes it: this
 * process, another process, or an operator with the {@code sqlite3} CLI.
 *
 * <p>One dedicated connection polls {@code PRAGMA data_version}, which SQLite changes whenever any
 * other connection commits; a change triggers a full reload. A full reload is cheap for a route
 * table and, unlike an "updated since" query, also notices deletes. {@code count(*)} and
 * {@code max(updated)} are compared as well, in case a commit slipped past the version check.
 *
 * <p>Starts in an early lifecycle phase so the table is loaded before anything serves requests.
 */
public class RouteSync implements SmartLifecycle {

    /** Before the web server and gateway, which start in later phases. */
    public static final int PHASE = Integer.MIN_VALUE + 1000;
    static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(1);
    static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(10);

    private static final Logger log = LoggerFactory.getLogger(RouteSync.class);

    private final RouteStore store;
    private final RouteTable table;
    private final DataSource watchSource;
    private final Duration pollInterval;
    private final String changeMarkerSql;
    private final ArtifactSource artifacts;
    private final Object reloadLock = new Object();
    private final Set<StoredRow> warnedRows = new HashSet<>();

    private ScheduledExecutorService poller;
    private Connection watchConnection;
    private ChangeMarker lastMarker;
    private boolean pollFailing;
    private volatile boolean artifactsMissing; // a reload kept an old route for want of its new artifact

    /**
     * @param watchSource  where the dedicated polling connection comes from; it must hand out a new
     *                     connection (not a pooled one), because {@code data_version} ignores the
     *                     connection's own commits
     * @param pollInterval clamped to 10 ms .. 1 s
     */
    public RouteSync(RouteStore store, RouteTable table, DataSource watchSource, Duration pollInterval) {
        this(store, table, watchSource, pollInterval, "PRAGMA data_version", ArtifactSource.LOCAL);
    }

    /**
     * @param changeMarkerSql a query for one number that changes with every commit to the tables
     *                        (see {@code StoreDialect#changeMarkerSql})
     * @param artifacts       fetches a route's artifact when this node lacks it (cluster mode)
     */
    public RouteSync(RouteStore store, RouteTable table, DataSource watchSource, Duration pollInterval,
                     String changeMarkerSql, ArtifactSource artifacts) {
        this.store = store;
        this.table = table;
        this.watchSource = watchSource;
        this.pollInterval = clamp(pollInterval);
        this.changeMarkerSql = changeMarkerSql;
        this.artifacts = artifacts;
    }

    /** Loads every route now and publishes them; for callers that just changed the table themselves. */
    public void reloadNow() {
        synchronized (reloadLock) {
            Map<String, Route> before = currentRoutesByKey();
            List<StoredRow> rows = store.loadAll();
            List<Route> routes = resolveServable(rows, before);
            table.replaceAll(routes);
            logChange(before, routes);
        }
    }

    /** Full load, then polling on a daemon thread. Fails when the database cannot be read at all. */
    @Override
    public synchronized void start() {
        if (poller != null) {
            return;
        }
        lastMarker = readMarkerOrNull();
        reloadNow();
        if (artifactsMissing) {
            lastMarker = null;
        }
        poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "route-sync");
            thread.setDaemon(true);
            return thread;
        });
        long millis = pollInterval.toMillis();
        poller.scheduleWithFixedDelay(this::pollSafely, millis, millis, TimeUnit.MILLISECONDS);
        log.info("Route sync started: {} routes, polling every {} ms", table.all().size(), millis);
    }

    @Override
    public synchronized void stop() {
        if (poller == null) {
            return;
        }
        poller.shutdownNow();
        try {
            poller.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeWatchConnection();
        poller = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return poller != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** One poll; package-private so tests can drive it without waiting. Returns whether it reloaded. */
    boolean pollOnce() throws SQLException {
        ChangeMarker marker = readMarker();
        if (marker.equals(lastMarker)) {
            return false;
        }
        // the marker is read before the rows: a commit in between changes it again and is caught next
        // time; it is only remembered after a successful reload, so a failed one is retried
        reloadNow();
        lastMarker = artifactsMissing ? null : marker; // a missing artifact is tried again at the next poll
        return true;
    }

    private void pollSafely() {
        try {
            pollOnce();
            if (pollFailing) {
                pollFailing = false;
                log.info("Route sync recovered");
            }
        } catch (Exception e) {
            closeWatchConnection();
            if (!pollFailing) {
                pollFailing = true;
                log.warn("Route sync cannot read the route table, keeping the current routes: {}", e.toString());
            } else {
                log.debug("Route sync still failing", e);
            }
        }
    }

    private List<Route> resolveServable(List<StoredRow> rows, Map<String, Route> before) {
        List<Route> routes = new ArrayList<>(rows.size());
        artifactsMissing = false;
        for (StoredRow row : rows) {
            try {
                Route route = store.resolve(row);
                if (artifacts.ensurePresent(route)) {
                    routes.add(route);
                } else {
                    artifactsMissing = true;
                    if (before.containsKey(route.key())) {
                        routes.add(before.get(route.key())); // switch once the artifact can be had
                    }
                }
            } catch (InvalidDescriptorException e) {
                warnOnce(row, e);
            }
        }
        warnedRows.retainAll(new HashSet<>(rows)); // forget fixed or deleted rows, so the set cannot grow
        return routes;
    }

    /** Once per (key, updated, content): a broken row would otherwise be reported at every reload. */
    private void warnOnce(StoredRow row, InvalidDescriptorException e) {
        if (warnedRows.add(row)) {
            log.warn("Skipping route {} (updated {}): {}", row.key(), row.updated(), e.getMessage());
        }
    }

    private Map<String, Route> currentRoutesByKey() {
        Map<String, Route> byKey = new HashMap<>();
        table.all().forEach(route -> byKey.put(route.key(), route));
        return byKey;
    }

    private void logChange(Map<String, Route> before, List<Route> after) {
        Map<String, Route> now = new HashMap<>();
        after.forEach(route -> now.put(route.key(), route));
        if (before.isEmpty() || now.equals(before)) {
            return; // the first load is reported by start()
        }
        Set<String> added = new HashSet<>(now.keySet());
        added.removeAll(before.keySet());
        Set<String> removed = new HashSet<>(before.keySet());
        removed.removeAll(now.keySet());
        long changed = now.entrySet().stream()
                .filter(e -> before.containsKey(e.getKey()) && !before.get(e.getKey()).equals(e.getValue()))
                .count();
        log.info("Routes reloaded: {} routes, added {}, removed {}, changed {}",
                now.size(), abbreviate(added), abbreviate(removed), changed);
    }

    /** Bulk imports must not produce one giant log line. */
    private static String abbreviate(Set<String> keys) {
        int shown = 10;
        if (keys.size() <= shown) {
            return keys.toString();
        }
        return keys.stream().sorted().limit(shown).toList() + " and " + (keys.size() - shown) + " more";
    }

    private ChangeMarker readMarkerOrNull() {
        try {
            return readMarker();
        } catch (SQLException e) {
            closeWatchConnection();
            return null;
        }
    }

    private ChangeMarker readMarker() throws SQLException {
        try (Statement statement = watchConnection().createStatement()) {
            long dataVersion = singleLong(statement, changeMarkerSql);
            try (ResultSet rs = statement.executeQuery("SELECT count(*), coalesce(max(updated), 0) FROM functions")) {
                rs.next();
                return new ChangeMarker(dataVersion, rs.getLong(1), rs.getLong(2));
            }
        }
    }

    private static long singleLong(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Connection watchConnection() throws SQLException {
        if (watchConnection == null) {
            watchConnection = watchSource.getConnection();
        }
        return watchConnection;
    }

    private void closeWatchConnection() {
        if (watchConnection == null) {
            return;
        }
        try {
            watchConnection.close();
        } catch (SQLException e) {
            log.debug("Closing the route sync connection failed", e);
        }
        watchConnection = null;
    }

    private static Duration clamp(Duration interval) {
        if (interval == null || interval.compareTo(MAX_POLL_INTERVAL) > 0) {
            if (interval != null) {
                log.warn("faas.routing.poll-interval {} is above {}; using {}", interval, MAX_POLL_INTERVAL, MAX_POLL_INTERVAL);
            }
            return MAX_POLL_INTERVAL;
        }
        return interval.compareTo(MIN_POLL_INTERVAL) < 0 ? MIN_POLL_INTERVAL : interval;
    }

    /** What the poll compares; any difference means the table may have changed. */
    private record ChangeMarker(long dataVersion, long rowCount, long maxUpdated) {
    }
}
