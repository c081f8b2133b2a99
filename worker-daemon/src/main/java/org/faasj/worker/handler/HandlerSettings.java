package org.faasj.worker.handler;

import java.nio.file.Path;

/**
 * Handler mode's part of the worker's configuration.
 *
 * @param poolSize        processes per function version when its descriptor sets no concurrency
 * @param idleMillis      an idle process is stopped after this long
 * @param maxCalls        a process is replaced after this many calls
 * @param phpBootstrap    faas-handler.php as the processes see it (inside the sandbox: under /.faas)
 * @param pythonBootstrap faas_handler.py, the same way
 * @param stderrDir       host directory of the processes' stderr files
 */
public record HandlerSettings(int poolSize, long idleMillis, int maxCalls, Path phpBootstrap, Path pythonBootstrap,
                              Path stderrDir) {
}
