package org.faasj.controlplane.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.faasj.controlplane.routing.ArtifactSource;
import org.faasj.controlplane.routing.DescriptorJson;
import org.faasj.controlplane.routing.RouteStore;
import org.faasj.controlplane.routing.RouteTable;
import org.faasj.controlplane.routing.RouteSync;
import org.faasj.controlplane.store.NodeIdentity;
import org.faasj.controlplane.store.StoreChannel;
import org.faasj.controlplane.store.StoreChanges;
import org.faasj.controlplane.store.StoreLocation;
import org.faasj.controlplane.system.FaasProperties;
import org.faasj.controlplane.system.PrivateDirectory;
import org.faasj.controlplane.workers.WorkerPool;
import org.faasj.controlplane.versions.FunctionVersion;
import org.faasj.controlplane.versions.VersionStore;
import org.faasj.controlplane.workers.WorkerStatus;
import org.faasj.model.FunctionDescriptor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The node registry in either mode; the store's change and artifact beans for each mode. */
@Configuration(proxyBeanMethods = false)
class ClusterConfiguration {

    @Bean
    NodeIdentity nodeIdentity(FaasProperties properties) {
        return NodeIdentity.of(PrivateDirectory.ensure(properties.dataDir()));
    }

    @Bean
    NodeRegistry nodeRegistry(DataSource dataSource, StoreLocation location, FaasProperties properties, WorkerPool pool,
                              NodeIdentity identity) {
        String address = properties.store().nodeAddress();
        if (address == null || address.isBlank()) {
            address = hostName() + ":" + properties.gateway().port();
        }
        return new NodeRegistry(dataSource, location.shared(), properties.store().heartbeat(), identity.id(), address,
                () -> (int) pool.readyCount(),
                () -> pool.statuses().stream().mapToInt(WorkerStatus::inFlight).sum());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Cluster mode: artifacts and change announcements go through the shared store. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression(StoreLocation.SHARED)
    static class Shared {

        @Bean
        SharedArtifacts sharedArtifacts(DataSource dataSource, FaasProperties properties) {
            return new SharedArtifacts(dataSource, properties.dataDir());
        }

        @Bean
        ChangeListener changeListener(StoreLocation location, RouteSync sync, ObjectProvider<StoreChannel> channels) {
            return new ChangeListener(location.watchSource(), sync, channels.orderedStream().toList());
        }

        /** What may still run: every kept version of the store and every route this node serves. */
        @Bean
        LocalArtifactSweep localArtifactSweep(VersionStore versions, RouteTable table, RouteStore routes,
                                              FaasProperties properties) {
            Supplier<List<LocalArtifactSweep.InUse>> inUse = () -> {
                List<LocalArtifactSweep.InUse> used = new ArrayList<>();
                for (FunctionVersion v : versions.all()) {
                    FunctionDescriptor d = DescriptorJson.parse(v.routeKey(), v.descriptor());
                    used.add(new LocalArtifactSweep.InUse(routes.modulePath(d.module()).getParent(), d.timeoutSeconds()));
                }
                table.all().forEach(r -> used.add(new LocalArtifactSweep.InUse(r.modulePath().getParent(),
                        r.descriptor().timeoutSeconds())));
                return used;
            };
            return new LocalArtifactSweep(routes.dataDir().resolve("functions"), inUse,
                    properties.deploy().cleanupGrace(), System::nanoTime);
        }
    }

    /** One box: artifacts are where the deploy put them, and nobody else needs telling. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression(StoreLocation.EMBEDDED)
    static class Embedded {

        @Bean
        StoreChanges storeChanges() {
            return StoreChanges.NONE;
        }

        @Bean
        ArtifactSource artifactSource() {
            return ArtifactSource.LOCAL;
        }
    }
}
