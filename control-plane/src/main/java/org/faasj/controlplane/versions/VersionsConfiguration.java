package org.faasj.controlplane.versions;

import javax.sql.DataSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;

/** The version store on the platform's database, its table made before anyone reads it. */
@Configuration(proxyBeanMethods = false)
class VersionsConfiguration {

    @Bean
    @DependsOn("databaseSetup")
    VersionStore versionStore(DataSource dataSource) {
        VersionStore store = new JdbcVersionStore(dataSource);
        store.createTable();
        return store;
    }
}
