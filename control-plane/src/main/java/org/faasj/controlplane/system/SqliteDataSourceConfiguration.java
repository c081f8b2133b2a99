package org.faasj.controlplane.system;

import org.faasj.controlplane.store.StoreLocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The SQLite data source, derived from {@code faas.data-dir} so nobody has to set
 * {@code spring.datasource.*}; a {@code spring.datasource.url} still wins when given. Not used
 * when {@code faas.store.url} names a shared store.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression(StoreLocation.EMBEDDED)
class SqliteDataSourceConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SqliteDataSourceConfiguration.class);
    private static final int POOL_SIZE = 4;

    /**
     * Also makes the data dir private to this user when the database lives elsewhere: the artifacts
     * and build directories inside it are written by beans that all need this one first.
     */
    @Bean
    SqliteDatabase sqliteDatabase(FaasProperties properties, @Value("${spring.datasource.url:}") String overrideUrl) {
        PrivateDirectory.ensure(properties.dataDir());
        SqliteDatabase database = overrideUrl.isBlank()
                ? SqliteDatabase.inDataDir(properties.dataDir())
                : SqliteDatabase.fromUrl(overrideUrl);
        log.debug("SQLite database {} (existed: {})", database, database.existedAtStartup());
        return database;
    }

    @Bean
    StoreLocation storeLocation(SqliteDatabase database) {
        return StoreLocation.sqlite(database);
    }

    @Bean
    HikariDataSource dataSource(SqliteDatabase database) {
        return database.openPool(POOL_SIZE);
    }
}
