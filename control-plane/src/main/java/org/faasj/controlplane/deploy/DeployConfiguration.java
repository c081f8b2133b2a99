package org.faasj.controlplane.deploy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.faasj.controlplane.metrics.DeployMetrics;
import org.faasj.controlplane.routing.RouteStore;
import org.faasj.controlplane.sandbox.BuildSandbox;
import org.faasj.controlplane.routing.RouteSync;
import org.faasj.controlplane.routing.RouteTable;
import org.faasj.controlplane.routing.StoredRow;
import org.faasj.controlplane.store.StoreChanges;
import org.faasj.controlplane.system.FaasProperties;
import org.faasj.controlplane.versions.Retention;
import org.faasj.controlplane.versions.VersionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the deploy pipeline from {@code faas.deploy.*}. */
@Configuration(proxyBeanMethods = false)
class DeployConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DeployConfiguration.class);

    @Bean
    AdminToken adminToken(FaasProperties properties) {
        return new AdminToken(properties);
    }

    @Bean(destroyMethod = "close")
    ArtifactReaper artifactReaper() {
        return new ArtifactReaper();
    }

    @Bean
    Deployer deployer(FunctionCatalog catalog, RouteStore store, RouteTable table, RouteSync sync,
                      PlatformTransactionManager transactions, ArtifactReaper reaper, FaasProperties properties,
                      BuildSandbox buildSandbox, DeployMetrics metrics, VersionStore versions, StoreChanges changes) {
        FaasProperties.Deploy deploy = properties.deploy();
        Retention retention = new Retention(deploy.keepVersions());
        Path tmpRoot = store.dataDir().resolve("tmp");
        removeStaleBuilds(tmpRoot);
        backfillVersions(store, versions);
        removeOrphanVersions(store, versions);
        ToolRunner runner = new ToolRunner(deploy.compileTimeout(), (int) deploy.outputCap().toBytes(), buildSandbox);
        ArtifactBuilder builder = new ArtifactBuilder(tmpRoot, runner, deploy.parallelBuilds());
        return new Deployer(catalog, store, table, sync, new TransactionTemplate(transactions),
                builder, reaper, deploy.cleanupGrace(), metrics, versions, retention, changes);
    }

    @Bean
    FunctionCatalog functionCatalog(RouteStore store) {
        return new FunctionCatalog(store);
    }

    private static void backfillVersions(RouteStore store, VersionStore versions) {
        List<String> named = VersionBackfill.run(store, versions);
        if (!named.isEmpty()) {
            log.info("Recorded the current route of {} as their first kept version: {}", named.size(), named);
        }
    }

    /** Kept versions count as referring rows: their artifacts are what a rollback switches to. */
    private static void removeOrphanVersions(RouteStore store, VersionStore versions) {
        List<StoredRow> referring = new ArrayList<>(store.loadAll());
        versions.all().forEach(v -> referring.add(new StoredRow(v.routeKey(), v.descriptor(), v.deployedAt())));
        try {
            List<Path> removed = ArtifactReaper.sweepOrphans(store.dataDir().resolve("functions"), referring);
            if (!removed.isEmpty()) {
                log.info("Removed {} artifact directories no route or kept version refers to: {}", removed.size(), removed);
            }
        } catch (IOException e) {
            log.warn("Cannot sweep old artifacts: {}", e.toString());
        }
    }

    /** Builds cut short by a crash leave directories nobody will finish; nothing refers to them. */
    private static void removeStaleBuilds(Path tmpRoot) {
        if (!Files.isDirectory(tmpRoot)) {
            return;
        }
        try (DirectoryStream<Path> builds = Files.newDirectoryStream(tmpRoot, "build-*")) {
            for (Path build : builds) {
                FileTrees.deleteQuietly(build);
                log.info("Removed unfinished build {}", build);
            }
        } catch (IOException e) {
            log.warn("Cannot clean {}: {}", tmpRoot, e.toString());
        }
    }
}
