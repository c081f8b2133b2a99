package org.faasj.controlplane.versions;

import javax.sql.DataSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;

/** The version store on the platform's database, made after the schema migrations ran. */
@Configuration(proxyBeanMethods = false)
class VersionsConfiguration {

    @Bean
    @DependsOn("databaseSetup")
    VersionStore versionStore(DataSource dataSource) {
        return new JdbcVersionStore(dataSource); // its table comes from the schema migrations (V2)
    }
}
