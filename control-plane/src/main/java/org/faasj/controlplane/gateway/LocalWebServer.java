package org.faasj.controlplane.gateway;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Remembers the loopback port Spring's web server got, for the gateway's relay. */
@Component
class LocalWebServer {

    private volatile int port = -1;

    @EventListener
    void onStarted(WebServerInitializedEvent event) {
        port = event.getWebServer().getPort();
    }

    /** The port, or -1 while the web server is not up. */
    int port() {
        return port;
    }
}
