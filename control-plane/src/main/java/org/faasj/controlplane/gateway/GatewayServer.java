package org.faasj.controlplane.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import org.faasj.controlplane.routing.RouteTable;
import org.faasj.controlplane.scheduling.WorkerPicker;
import org.faasj.controlplane.security.AdminGuard;
import org.faasj.controlplane.system.FaasProperties;
import org.faasj.controlplane.workers.HandoffListener;
import org.faasj.controlplane.workers.WorkerPool;
import org.faasj.controlplane.workers.WorkerSlot;
import org.faasj.model.CompletionAck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The public port. One acceptor thread takes connections and deals them out to the event loops;
 * it starts last (after Spring's web server, so the relay has somewhere to go) and stops first.
 */
@Component
class GatewayServer implements SmartLifecycle, HandoffListener {

    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);
    private static final int BODY_PREFIX_ROOM = 8 * 1024;

    private final FaasProperties.Gateway config;
    private final GatewayContext context;
    private final WorkerPool workers;
    private final WebRelay relay;
    private volatile ServerSocketChannel server;
    private EventLoop[] loops;
    private volatile boolean running;

    GatewayServer(FaasProperties properties, RouteTable routes, WorkerPicker picker, WorkerPool workers,
                  LocalWebServer web, AdminGuard guard) {
        this.config = properties.gateway();
        this.workers = workers;
        this.relay = new WebRelay(web, config.relay(), guard);
        int maxHead = (int) config.maxHeadSize().toBytes();
        this.context = new GatewayContext(new HttpHeadParser(maxHead), routes, picker, relay,
                maxHead + BODY_PREFIX_ROOM,
                config.headReadTimeout().toNanos(), config.keepAliveTimeout().toNanos(),
                config.maxBodySize().toBytes(), config.handoffGrace().toNanos());
    }

    @Override
    public void start() {
        try {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(config.bindAddress(), config.port()), 1024);
            loops = new EventLoop[config.ioThreads() > 0 ? config.ioThreads() : Runtime.getRuntime().availableProcessors()];
            for (int i = 0; i < loops.length; i++) {
                loops[i] = new EventLoop(i, context);
                startThread("gateway-loop-" + i, loops[i]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + config.bindAddress() + ":" + config.port(), e);
        }
        workers.listen(this);
        running = true;
        startThread("gateway-acceptor", this::accept);
        log.info("Gateway listening on {}:{} with {} event loops", config.bindAddress(), port(), loops.length);
    }

    /** The port actually bound (differs from the configured one when that was 0). */
    int port() {
        try {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            return -1;
        }
    }

    private void accept() {
        int next = 0;
        while (running) {
            try {
                SocketChannel client = server.accept();
                client.configureBlocking(false);
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                loops[next].adopt(client);
                next = (next + 1) % loops.length;
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                log.warn("accept failed: {}", e.toString());
                pause();
            }
        }
    }

    /** Accept failures are mostly "too many open files": back off instead of spinning. */
    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void completed(WorkerSlot slot, CompletionAck ack) {
        int loop = EventLoop.loopOf(ack.requestId());
        if (loop >= 0 && loop < loops.length) {
            loops[loop].completed(slot, ack);
        }
    }

    @Override
    public void lost(WorkerSlot slot) {
        for (EventLoop loop : loops) {
            loop.lost(slot);
        }
    }

    @Override
    public void stop() {
        running = false;
        try {
            server.close();
        } catch (IOException e) {
            log.debug("closing the gateway socket", e);
        }
        for (EventLoop loop : loops) {
            loop.shutdown();
        }
        relay.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static void startThread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(false);
        t.start();
    }
}
