package org.faasj.controlplane.invocations;

import java.nio.file.Path;
import java.sql.SQLException;

import org.faasj.controlplane.system.FaasProperties;
import org.faasj.controlplane.system.PrivateDirectory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The record store with its writer, and the statistics. The store's connections are its own, not
 * a DataSource bean: the routes' DataSource stays the only one Spring knows.
 */
@Configuration(proxyBeanMethods = false)
class InvocationsConfiguration {

    @Bean(destroyMethod = "close")
    InvocationStore invocationStore(FaasProperties properties) throws SQLException {
        Path dir = PrivateDirectory.ensure(properties.dataDir());
        return new InvocationStore(dir.resolve(InvocationStore.FILE_NAME));
    }

    @Bean
    RecordWriter invocationRecordWriter(InvocationStore store, FaasProperties properties) {
        return new RecordWriter(store, properties.invocations().maxPerFunction(),
                properties.invocations().maxAge().toMillis(), System::currentTimeMillis);
    }

    @Bean
    CallStats callStats() {
        return new CallStats(System::currentTimeMillis);
    }
}
