package org.faasj.worker.exec;

import java.nio.file.Path;

/**
 * What the process runner needs from the worker's configuration.
 *
 * @param scratch      private directory for stderr files
 * @param workDir      the functions' working directory and TMPDIR
 * @param functionPath PATH of the functions, also searched for interpreters
 * @param outputCap    most stdout bytes accepted from one invocation
 * @param phpPrelude   the extracted faas-prelude.php every PHP function starts with
 */
public record ExecSettings(Path scratch, Path workDir, String functionPath, int outputCap, Path phpPrelude) {
}
