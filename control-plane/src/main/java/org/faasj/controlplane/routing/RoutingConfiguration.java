package org.faasj.controlplane.routing;

import javax.sql.DataSource;

import org.faasj.controlplane.system.FaasProperties;
import org.faasj.controlplane.store.StoreLocation;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;

/**
 * Wires the route store and its sync. Both depend on {@link DatabaseSetup}, so whoever uses them
 * finds the table created (and, on a new database, seeded).
 */
@Configuration(proxyBeanMethods = false)
class RoutingConfiguration {

    @Bean(initMethod = "prepare")
    DatabaseSetup databaseSetup(DataSource dataSource, StoreLocation location, FaasProperties properties) {
        return new DatabaseSetup(dataSource, location, properties.dataDir());
    }

    @Bean
    @DependsOn("databaseSetup")
    RouteStore routeStore(DataSource dataSource, FaasProperties properties) {
        return new RouteStore(dataSource, properties.dataDir());
    }

    @Bean
    @DependsOn("databaseSetup")
    RouteSync routeSync(RouteStore routeStore, RouteTable routeTable, StoreLocation location, ArtifactSource artifacts,
                        FaasProperties properties) {
        return new RouteSync(routeStore, routeTable, location.watchSource(), properties.routing().pollInterval(),
                location.dialect().changeMarkerSql(), artifacts);
    }
}
