package org.faasj.controlplane.console;

import java.util.List;

import org.faasj.controlplane.workers.WorkerPool;
import org.faasj.controlplane.workers.WorkerStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /system/workers}: every worker's load figures for the console's live panel, which
 * polls it once a second. Read-only and cheap (a snapshot of in-memory slots), so no token needed.
 */
@RestController
class WorkerStatusController {

    private final WorkerPool pool;

    WorkerStatusController(WorkerPool pool) {
        this.pool = pool;
    }

    @GetMapping("/system/workers")
    List<WorkerStatus> workers() {
        return pool.statuses();
    }
}
