package org.faasj.worker;

import java.util.concurrent.CountDownLatch;

import org.faasj.model.WorkerOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: {@code WorkerMain --name value ...}, the options of {@link WorkerOption};
 * {@code --help} prints them with their defaults.
 */
public final class WorkerMain {

    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--help")) {
            System.out.print(WorkerOption.usage());
            return;
        }
        WorkerConfig config;
        try {
            config = WorkerConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("worker: " + e.getMessage());
            System.err.print(WorkerOption.usage());
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
