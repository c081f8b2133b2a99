package org.faasj.controlplane;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Starts the control plane: gateway, route sync, worker supervisor, deploy API and console. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class FaasApplication {

    public static void main(String[] args) {
        SpringApplication.run(FaasApplication.class, args);
    }
}
