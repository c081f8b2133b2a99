package org.faasj.controlplane.invocations;

import java.nio.file.Path;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.faasj.controlplane.store.NodeIdentity;
import org.faasj.controlplane.store.StoreLocation;
import org.faasj.controlplane.system.FaasProperties;
import org.faasj.controlplane.system.PrivateDirectory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The record store with its writer, and the statistics. One node: {@code <data-dir>/calls.db}, whose
 * connections are its own, not a DataSource bean (the routes' DataSource stays the only one Spring
 * knows). Cluster mode: the shared store's {@code invocations} table, through the store's pool.
 */
@Configuration(proxyBeanMethods = false)
class InvocationsConfiguration {

    static final long SHARED_LINGER_MILLIS = 200;

    @Bean(destroyMethod = "close")
    RecordStore invocationStore(FaasProperties properties, StoreLocation location, DataSource dataSource,
                                NodeIdentity node) throws SQLException {
        if (location.shared()) {
            return new SharedRecordStore(dataSource, location.dialect(), node.id());
        }
        Path dir = PrivateDirectory.ensure(properties.dataDir());
        return new InvocationStore(dir.resolve(InvocationStore.FILE_NAME));
    }

    /**
     * In cluster mode a batch gathers for {@value #SHARED_LINGER_MILLIS} ms: a node commits at most
     * five times a second until it records over 5,000 calls a second (then in full batches of
     * 1,000), for a record that shows up that much later.
     */
    @Bean
    RecordWriter invocationRecordWriter(RecordStore store, FaasProperties properties) {
        long linger = store instanceof SharedRecordStore ? SHARED_LINGER_MILLIS : 0;
        return new RecordWriter(store, properties.invocations().maxPerFunction(),
                properties.invocations().maxAge().toMillis(), linger, System::currentTimeMillis);
    }

    @Bean
    CallStats callStats() {
        return new CallStats(System::currentTimeMillis);
    }
}
