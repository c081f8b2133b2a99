package org.faasj.controlplane.logs;

import org.faasj.controlplane.system.FaasProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The log files under {@code <data-dir>/logs} and the registry of their followers. */
@Configuration(proxyBeanMethods = false)
class LogsConfiguration {

    @Bean
    LogFollowers logFollowers(FaasProperties properties) {
        return new LogFollowers(properties.logs().maxFollowers());
    }

    @Bean
    LogFiles logFiles(FaasProperties properties, LogFollowers followers) {
        return new LogFiles(properties.dataDir().toAbsolutePath().normalize().resolve("logs"),
                properties.logs().maxBytesPerFunction().toBytes(), followers);
    }
}
