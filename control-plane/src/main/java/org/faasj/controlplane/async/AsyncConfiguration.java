package org.faasj.controlplane.async;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;

import org.faasj.controlplane.gateway.LocalCalls;
import org.faasj.controlplane.metrics.AsyncMetrics;
import org.faasj.controlplane.routing.RouteTable;
import org.faasj.controlplane.system.FaasProperties;
import org.faasj.controlplane.system.PrivateDirectory;
import org.faasj.controlplane.workers.WorkerPool;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;

/** The queue in {@code <dataDir>/async.db}, the dispatcher and callback sender over it, from {@code faas.async.*}. */
@Configuration(proxyBeanMethods = false)
class AsyncConfiguration {

    @Bean(destroyMethod = "close")
    CallQueue asyncCallQueue(FaasProperties properties) throws SQLException {
        Path dir = PrivateDirectory.ensure(properties.dataDir());
        return JdbcCallQueue.openSqlite(dir.resolve(JdbcCallQueue.FILE_NAME), properties.async().maxBatch());
    }

    @Bean
    AsyncCalls asyncCalls(CallQueue queue) {
        return new AsyncCalls(queue, System::currentTimeMillis);
    }

    @Bean(destroyMethod = "close")
    AsyncRuntime asyncRuntime(CallQueue queue, RouteTable routes, AsyncMetrics metrics, WorkerPool workers,
                              FaasProperties properties) {
        FaasProperties.Async a = properties.async();
        Backoff backoff = new Backoff(a.retryBase(), a.retryCap(), () -> ThreadLocalRandom.current().nextDouble());
        HttpClient http = HttpClient.newBuilder().connectTimeout(a.callbackTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        CallbackSender callbacks = new CallbackSender(queue, http, backoff, metrics,
                new CallbackSender.Settings(a.callbackRetries(), a.callbackTimeout(), a.callbackAllowPrivate(),
                        a.pollInterval()), System::currentTimeMillis);
        Dispatcher.Limits limits = new Dispatcher.Limits(a.maxConcurrency(), a.maxConcurrencyPerFunction(),
                a.timeoutGrace(), a.resultCap().toBytes(), a.pollInterval());
        return new AsyncRuntime(queue,
                calls -> new Dispatcher(queue, routes, calls, backoff, metrics, callbacks::wake, limits,
                        System::currentTimeMillis, () -> workers.readyCount() > 0),
                callbacks, a.retention(), metrics, System::currentTimeMillis);
    }

    @Bean
    AsyncLifecycle asyncLifecycle(AsyncRuntime runtime, ObjectProvider<LocalCalls> calls) {
        return new AsyncLifecycle(runtime, calls);
    }

    /** Starts when everything else runs; stops when closing begins, before the gateway drains. */
    record AsyncLifecycle(AsyncRuntime runtime, ObjectProvider<LocalCalls> calls) {

        @EventListener
        public void onReady(ApplicationReadyEvent event) throws QueueException {
            runtime.start(calls.getIfAvailable());
        }

        @EventListener
        public void onClosed(ContextClosedEvent event) {
            runtime.close();
        }
    }
}
