package org.faasj.controlplane;

import org.faasj.controlplane.system.DataDirLock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Starts the control plane: gateway, route sync, worker supervisor, deploy API and console. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class FaasApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(FaasApplication.class);
        application.addListeners(new DataDirLock());
        application.run(args);
    }
}
