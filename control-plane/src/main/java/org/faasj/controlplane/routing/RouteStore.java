package org.faasj.controlplane.routing;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.faasj.model.FunctionDescriptor;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code functions} table: the durable truth the {@link RouteTable} mirrors. Every statement
 * binds its values; keys come from users and may contain quotes.
 */
public class RouteStore {

    private final JdbcClient jdbc;
    private final Path dataDir;
    private final Clock clock;

    public RouteStore(DataSource dataSource, Path dataDir) {
        this(dataSource, dataDir, Clock.systemUTC());
    }

    RouteStore(DataSource dataSource, Path dataDir, Clock clock) {
        this.jdbc = JdbcClient.create(dataSource);
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.clock = clock;
    }

    public List<StoredRow> loadAll() {
        return jdbc.sql("SELECT k, v, updated FROM functions ORDER BY k")
                .query((rs, n) -> new StoredRow(rs.getString(1), rs.getString(2), rs.getLong(3)))
                .list();
    }

    public Optional<StoredRow> find(String method, String path) {
        return findByKey(FunctionDescriptor.routeKey(method, path));
    }

    public Optional<StoredRow> findByKey(String key) {
        return jdbc.sql("SELECT k, v, updated FROM functions WHERE k = ?")
                .param(key)
                .query((rs, n) -> new StoredRow(rs.getString(1), rs.getString(2), rs.getLong(3)))
                .optional();
    }

    /**
     * Inserts or replaces the route of this descriptor in a single statement, which SQLite runs as
     * one transaction; with {@code synchronous=FULL} it is on disk when this returns.
     *
     * @throws InvalidDescriptorException for a malformed key or a path reserved for the platform
     */
    public void upsert(FunctionDescriptor descriptor) {
        RouteKey key = RouteKey.of(descriptor);
        refuseReserved(key);
        jdbc.sql("""
                        INSERT INTO functions (k, v, updated) VALUES (?, ?, ?)
                        ON CONFLICT (k) DO UPDATE SET v = excluded.v, updated = excluded.updated""")
                .param(key.toString())
                .param(DescriptorJson.toJson(descriptor))
                .param(clock.instant().getEpochSecond())
                .update();
    }

    /** @return whether a route was there to delete */
    public boolean delete(String method, String path) {
        return jdbc.sql("DELETE FROM functions WHERE k = ?")
                .param(FunctionDescriptor.routeKey(method, path))
                .update() > 0;
    }

    /**
     * Validates a stored row and turns it into a servable route.
     *
     * @throws InvalidDescriptorException when the row cannot be served
     */
    public Route resolve(StoredRow row) {
        FunctionDescriptor descriptor = DescriptorJson.parse(row.key(), row.json());
        refuseReserved(RouteKey.of(descriptor));
        return toRoute(descriptor);
    }

    /** Relative module paths are relative to the data directory, as in the seed rows. */
    public Route toRoute(FunctionDescriptor descriptor) {
        return new Route(descriptor, modulePath(descriptor.module()));
    }

    public Path modulePath(String module) {
        return dataDir.resolve(module).toAbsolutePath().normalize();
    }

    public Path dataDir() {
        return dataDir;
    }

    private static void refuseReserved(RouteKey key) {
        if (ReservedPaths.isReserved(key.path())) {
            throw new InvalidDescriptorException(key + ": path " + key.path() + " is reserved for the platform");
        }
    }
}
