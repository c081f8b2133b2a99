package org.faasj.controlplane.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.faasj.controlplane.calls.CallRecords;
import org.faasj.controlplane.metrics.GatewayCounters;
import org.faasj.controlplane.routing.RouteTable;
import org.faasj.controlplane.scheduling.FunctionAdmission;
import org.faasj.controlplane.scheduling.WorkerPicker;
import org.faasj.controlplane.security.AdminGuard;
import org.faasj.controlplane.system.FaasProperties;
import org.faasj.controlplane.system.RunDirectory;
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
 * it starts last (after Spring's web server, so the relay has somewhere to go) and stops first,
 * letting calls in flight finish ({@link GatewayDrain}) before the workers are stopped.
 */
@Component
class GatewayServer implements SmartLifecycle, HandoffListener {

    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);
    private static final int BODY_PREFIX_ROOM = 8 * 1024;
    /** Refused connections kept at once to deliver their 503; more are closed without one. */
    private static final int MAX_REFUSING = 256;
    private static final long LOOP_RESTART_MILLIS = 100;
    private static final long ACCEPT_BACKOFF_MILLIS = 50;

    private final FaasProperties.Gateway config;
    private final Duration shutdownGrace;
    private final GatewayContext context;
    private final WorkerPool workers;
    private final WebRelay relay;
    private final ConnectionCaps caps;
    private volatile ServerSocketChannel server;
    private final Path internalSocket;
    private volatile InternalEntry internal;
    /** Replaced in place when a loop dies: read by the acceptor and the link threads. */
    private AtomicReferenceArray<EventLoop> loops;
    private volatile boolean running;

    GatewayServer(FaasProperties properties, RouteTable routes, WorkerPicker picker, WorkerPool workers,
                  LocalWebServer web, AdminGuard guard, CallRecords callRecords, GatewayCounters counters,
                  RunDirectory runDirectory) {
        this.config = properties.gateway();
        this.internalSocket = runDirectory.gatewaySocket();
        this.shutdownGrace = properties.shutdown().grace();
        this.workers = workers;
        this.relay = new WebRelay(web, config.relay(), guard);
        int maxHead = (int) config.maxHeadSize().toBytes();
        int maxTotal = config.maxConnections() > 0 ? config.maxConnections()
                : ConnectionCaps.defaultTotal(Runtime.getRuntime().maxMemory());
        this.caps = new ConnectionCaps(maxTotal, config.maxConnectionsPerClient(), MAX_REFUSING);
        counters.connectionsOpen(caps::total);
        this.context = new GatewayContext(new HttpHeadParser(maxHead), routes, picker, relay,
                (int) config.initialBufferSize().toBytes(), maxHead + BODY_PREFIX_ROOM,
                config.headReadTimeout().toNanos(), config.keepAliveTimeout().toNanos(),
                config.maxBodySize().toBytes(), config.handoffGrace().toNanos(), NanoClock.SYSTEM, caps,
                config.writeTimeout().toNanos(), new CallAdmission(new FunctionAdmission(config.concurrencyQueue()),
                        config.concurrencyQueueWait().toNanos(), NanoClock.SYSTEM, counters),
                new GatewayRecords(callRecords), counters);
    }

    @Override
    public void start() {
        try {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(config.bindAddress(), config.port()), 1024);
            loops = new AtomicReferenceArray<>(config.ioThreads() > 0 ? config.ioThreads() : Runtime.getRuntime().availableProcessors());
            running = true;
            for (int i = 0; i < loops.length(); i++) {
                loops.set(i, new EventLoop(i, context));
                int index = i;
                startThread("gateway-loop-" + i, () -> runLoop(index));
            }
        } catch (IOException e) {
            running = false;
            throw new UncheckedIOException("cannot listen on " + config.bindAddress() + ":" + config.port(), e);
        }
        try {
            internal = InternalEntry.open(internalSocket);
        } catch (IOException e) {
            running = false;
            throw new UncheckedIOException("cannot listen on the internal entry " + internalSocket, e);
        }
        workers.listen(this);
        startThread("gateway-acceptor", this::accept);
        int[] nextInternal = {0};
        startThread("gateway-internal-acceptor", () -> internal.accept(() -> {
            EventLoop loop = liveLoopFrom(nextInternal[0]);
            nextInternal[0] = (nextInternal[0] + 1) % loops.length();
            return loop;
        }));
        log.info("Gateway listening on {}:{} with {} event loops, at most {} connections ({} per client); internal entry {}",
                config.bindAddress(), port(), loops.length(), caps.maxTotal(), caps.maxPerClient(), internalSocket);
    }

    /** Runs loop {@code index}; one that dies while the gateway runs is replaced by a fresh one. */
    private void runLoop(int index) {
        while (true) {
            loops.get(index).run();
            if (!running) {
                return;
            }
            log.error("gateway event loop {} died; starting a new one", index);
            sleep(LOOP_RESTART_MILLIS);
            try {
                loops.set(index, new EventLoop(index, context));
            } catch (IOException | RuntimeException e) {
                log.error("cannot restart gateway event loop {}; the others serve on", index, e);
                return;
            }
        }
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
            SocketChannel client = null;
            try {
                client = server.accept();
                EventLoop loop = liveLoopFrom(next);
                next = (next + 1) % loops.length();
                if (loop == null) {
                    client.close();
                    continue;
                }
                deal(client, loop);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException | Error e) {
                log.warn("accept failed: {}", e.toString());
                closeQuietly(client);
                sleep(ACCEPT_BACKOFF_MILLIS);
            }
        }
    }

    /** Hands the connection to the loop, or has the loop refuse it with 503 when a cap is reached. */
    private void deal(SocketChannel client, EventLoop loop) throws IOException {
        client.configureBlocking(false);
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        InetAddress address = ((InetSocketAddress) client.getRemoteAddress()).getAddress();
        ConnectionCaps.Refusal refusal = caps.tryAcquire(address);
        if (refusal == null) {
            loop.adopt(client, address);
        } else if (caps.startRefusal()) {
            log.debug("refusing a connection from {}: {}", address, refusal.detail);
            loop.refuse(client, refusal);
        } else {
            client.close();
        }
    }

    /** The first live loop from {@code start} on (a dead one is being replaced), or null when none is. */
    private EventLoop liveLoopFrom(int start) {
        for (int i = 0; i < loops.length(); i++) {
            EventLoop loop = loops.get((start + i) % loops.length());
            if (loop.isAlive()) {
                return loop;
            }
        }
        return null;
    }

    private static void closeQuietly(SocketChannel client) {
        if (client == null) {
            return;
        }
        try {
            client.close();
        } catch (IOException e) {
            log.trace("close", e);
        }
    }

    /** Accept failures are mostly "too many open files": back off instead of spinning. */
    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void completed(WorkerSlot slot, CompletionAck ack) {
        int loop = EventLoop.loopOf(ack.requestId());
        if (loop >= 0 && loop < loops.length()) {
            loops.get(loop).completed(slot, ack);
        }
    }

    @Override
    public void lost(WorkerSlot slot, boolean workerDied) {
        for (int i = 0; i < loops.length(); i++) {
            loops.get(i).lost(slot, workerDied);
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
        internal.close(); // the control plane's own calls wait for the next start, like a client's
        new GatewayDrain(currentLoops(), shutdownGrace, workers::announceDrain).run(); // calls in flight finish first
        for (int i = 0; i < loops.length(); i++) {
            loops.get(i).shutdown();
        }
        relay.shutdown();
    }

    /** The loops as they are now; none is replaced any more once {@link #running} is false. */
    private GatewayDrain.Loop[] currentLoops() {
        GatewayDrain.Loop[] current = new GatewayDrain.Loop[loops.length()];
        for (int i = 0; i < current.length; i++) {
            current[i] = loops.get(i);
        }
        return current;
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
