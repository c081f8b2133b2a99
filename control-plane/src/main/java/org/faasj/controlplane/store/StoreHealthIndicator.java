package org.faasj.controlplane.store;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code store}: UP while the store answers. Calls to known
 * routes do not need it; deploys, rollbacks and the route sync do.
 */
@Component("store")
class StoreHealthIndicator implements HealthIndicator {

    private static final int VALID_TIMEOUT_SECONDS = 2;

    private final DataSource dataSource;
    private final StoreLocation location;

    StoreHealthIndicator(DataSource dataSource, StoreLocation location) {
        this.dataSource = dataSource;
        this.location = location;
    }

    @Override
    public Health health() {
        Health.Builder health;
        try (Connection connection = dataSource.getConnection()) {
            health = connection.isValid(VALID_TIMEOUT_SECONDS) ? Health.up() : Health.down().withDetail("error", "connection not valid");
        } catch (SQLException e) {
            health = Health.down().withDetail("error", e.getMessage());
        }
        return health.withDetail("database", location.dialect().name().toLowerCase())
                .withDetail("url", location.url())
                .build();
    }
}
