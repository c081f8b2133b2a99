package org.faasj.controlplane.async;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.faasj.controlplane.gateway.LocalCalls;
import org.faasj.controlplane.metrics.AsyncMetrics;
import org.faasj.controlplane.routing.RouteTable;
import org.faasj.controlplane.store.NodeIdentity;
import org.faasj.controlplane.store.StoreChannel;
import org.faasj.controlplane.store.StoreLocation;
import org.faasj.controlplane.system.FaasProperties;
import org.faasj.controlplane.system.PrivateDirectory;
import org.faasj.controlplane.workers.WorkerPool;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;

/** The queue (its own SQLite file, or the shared PostgreSQL database), the dispatcher and callback sender over it, from {@code faas.async.*}. */
@Configuration(proxyBeanMethods = false)
class AsyncConfiguration {

    /**
     * A claim's lease lasts as long as the node registry waits before it calls a node dead: three
     * heartbeats. The lease keeper renews it every heartbeat, so two renewals may fail in a row
     * (a slow store, a long pause) before another node takes the call.
     */
    static final int LEASE_HEARTBEATS = 3;

    /** Embedded: {@code <dataDir>/async.db}; cluster mode: the shared PostgreSQL database, so any node takes any call. */
    @Bean(destroyMethod = "close")
    CallQueue asyncCallQueue(FaasProperties properties, StoreLocation location, NodeIdentity node) throws SQLException {
        int maxBatch = properties.async().maxBatch();
        if (location.shared()) {
            long lease = properties.store().heartbeat().toMillis() * LEASE_HEARTBEATS;
            return JdbcCallQueue.openPostgres(location.watchSource()::getConnection, maxBatch,
                    new JdbcCallQueue.Claims(node.id(), true, lease));
        }
        Path dir = PrivateDirectory.ensure(properties.dataDir());
        return JdbcCallQueue.openSqlite(dir.resolve(JdbcCallQueue.FILE_NAME), maxBatch,
                JdbcCallQueue.Claims.local(node.id()));
    }

    /** Cluster mode: an enqueue on any node wakes the idle dispatchers of all of them. */
    @Bean
    @ConditionalOnExpression(StoreLocation.SHARED)
    StoreChannel asyncWakeups(AsyncRuntime runtime) {
        return new StoreChannel() {
            @Override
            public String channel() {
                return JdbcCallQueue.CHANNEL;
            }

            @Override
            public void notified() {
                runtime.wake();
            }
        };
    }

    @Bean
    AsyncCalls asyncCalls(CallQueue queue) {
        return new AsyncCalls(queue, System::currentTimeMillis);
    }

    @Bean(destroyMethod = "close")
    AsyncRuntime asyncRuntime(CallQueue queue, RouteTable routes, AsyncMetrics metrics, WorkerPool workers,
                              FaasProperties properties, StoreLocation location) {
        FaasProperties.Async a = properties.async();
        Backoff backoff = new Backoff(a.retryBase(), a.retryCap(), () -> ThreadLocalRandom.current().nextDouble());
        CallbackClient http = new CallbackClient(a.callbackTimeout(), a.callbackAllowPrivate());
        CallbackSender callbacks = new CallbackSender(queue, http, backoff, metrics,
                new CallbackSender.Settings(a.callbackRetries(), a.callbackTimeout(), a.pollInterval()),
                System::currentTimeMillis);
        // one node's route table is its store's; in a cluster it may lag behind another node's deploy
        Dispatcher.Limits limits = new Dispatcher.Limits(a.maxConcurrency(), a.maxConcurrencyPerFunction(),
                a.timeoutGrace(), a.resultCap().toBytes(), a.pollInterval(),
                location.shared() ? a.routeWait() : Duration.ZERO);
        return new AsyncRuntime(queue,
                calls -> new Dispatcher(queue, routes, calls, backoff, metrics, callbacks::wake, limits,
                        System::currentTimeMillis, () -> workers.readyCount() > 0),
                callbacks, a.retention(), properties.store().heartbeat(), metrics, System::currentTimeMillis);
    }

    @Bean
    AsyncLifecycle asyncLifecycle(AsyncRuntime runtime, ObjectProvider<LocalCalls> calls) {
        return new AsyncLifecycle(runtime, calls);
    }

    @Bean
    AsyncDrainEnd asyncDrainEnd(AsyncRuntime runtime) {
        return new AsyncDrainEnd(runtime);
    }

    /** Starts when everything else runs; stops claiming when closing begins, before the gateway drains. */
    record AsyncLifecycle(AsyncRuntime runtime, ObjectProvider<LocalCalls> calls) {

        @EventListener
        public void onReady(ApplicationReadyEvent event) throws QueueException {
            runtime.start(calls.getIfAvailable());
        }

        @EventListener
        public void onClosed(ContextClosedEvent event) {
            runtime.stopClaiming();
        }
    }

    /**
     * Stopped in the phase right after the gateway's (the default phase, the highest), so when its
     * drain has ended and before the workers stop: the async calls left then go back to the queue.
     */
    static final class AsyncDrainEnd implements SmartLifecycle {

        private final AsyncRuntime runtime;
        private volatile boolean running;

        AsyncDrainEnd(AsyncRuntime runtime) {
            this.runtime = runtime;
        }

        @Override
        public void start() {
            running = true;
        }

        @Override
        public void stop() {
            running = false;
            runtime.drainEnded();
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public int getPhase() {
            return SmartLifecycle.DEFAULT_PHASE - 1;
        }
    }
}
