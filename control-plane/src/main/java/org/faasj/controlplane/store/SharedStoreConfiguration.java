package org.faasj.controlplane.store;

import org.faasj.controlplane.system.FaasProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** The PostgreSQL store every node of a cluster shares, when {@code faas.store.url} names one. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression(StoreLocation.SHARED)
class SharedStoreConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SharedStoreConfiguration.class);

    @Bean
    StoreLocation storeLocation(FaasProperties properties) {
        FaasProperties.Store store = properties.store();
        StoreDialect dialect = StoreDialect.of(store.url());
        DriverManagerDataSource watch = new DriverManagerDataSource(store.url(), nullToEmpty(store.username()),
                nullToEmpty(store.password()));
        watch.setConnectionProperties(driverProperties(store));
        log.info("Shared {} store at {}", dialect.name().toLowerCase(), store.url());
        return new StoreLocation(dialect, store.url(), watch, false);
    }

    /**
     * A short connection timeout: with the store down a deploy should get its 503 in seconds, not
     * after Hikari's default 30 s, and the health check must answer before a prober gives up.
     */
    @Bean
    HikariDataSource dataSource(FaasProperties properties) {
        FaasProperties.Store store = properties.store();
        HikariConfig config = new HikariConfig();
        config.setPoolName("store");
        config.setJdbcUrl(store.url());
        config.setUsername(store.username());
        config.setPassword(store.password());
        config.setMaximumPoolSize(store.poolSize());
        config.setMinimumIdle(1);
        config.setConnectionTimeout(store.connectTimeout().toMillis());
        config.setDataSourceProperties(driverProperties(store));
        return new HikariDataSource(config);
    }

    /**
     * The driver's own timeouts, so a store that stops answering (not just refusing) cannot hang a
     * thread; and batched INSERTs sent as multi-row statements (the invocation records' batches of up
     * to 1,000, the async queue's enqueues), a round trip per 128 rows instead of per row.
     */
    private static java.util.Properties driverProperties(FaasProperties.Store store) {
        java.util.Properties properties = new java.util.Properties();
        long seconds = Math.max(1, store.connectTimeout().toSeconds());
        properties.setProperty("connectTimeout", Long.toString(seconds));
        properties.setProperty("socketTimeout", Long.toString(Math.max(10, seconds * 5)));
        properties.setProperty("ApplicationName", "faasj");
        properties.setProperty("reWriteBatchedInserts", "true");
        return properties;
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
