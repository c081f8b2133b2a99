package org.faasj.worker;

import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: {@code WorkerMain --id N --socket PATH --metrics PATH --scratch DIR [--max-concurrency N]
 * [--max-queued N] [--output-cap BYTES] [--metrics-interval-ms MS] [--function-path PATH]
 * [--warm-per-function N] [--warm-total N] [--warm-idle-ms MS] [--cpu-slots N] [--sandbox on|off|refused ...]
 * [--body-idle-ms MS] [--max-body-bytes N]}.
 */
public final class WorkerMain {

    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        WorkerConfig config;
        try {
            config = WorkerConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("worker: " + e.getMessage());
            System.exit(2);
            return;
        }
        Worker worker = new Worker(config);
        worker.start();
        log.info("worker {} ready on {} (pid {})", config.id(), config.socket(), ProcessHandle.current().pid());
        ParentWatch.watch(System.in, worker::drain, () -> {
            log.info("worker {}: control plane gone, stopping", config.id());
            worker.close();
            System.exit(0);
        });
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "worker-shutdown"));
        new CountDownLatch(1).await(); // the daemon threads do the work until System.exit
    }
}
