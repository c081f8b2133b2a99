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
 * @param sandboxed    whether processes start in the sandbox: then {@code workDir} and
 *                     {@code phpPrelude} are paths inside it, and a module is seen at {@code /fn}
 */
public record ExecSettings(Path scratch, Path workDir, String functionPath, int outputCap, Path phpPrelude,
                           boolean sandboxed) {

    /** Where a sandboxed process finds its own function directory (read-only). */
    public static final Path SANDBOX_FUNCTION_DIR = Path.of("/fn");
    /** Its private, size-capped /tmp, also its working directory. */
    public static final Path SANDBOX_TMP = Path.of("/tmp");
    /** The read-only share with the PHP prelude. */
    public static final Path SANDBOX_SHARE = Path.of("/.faas");

    /** The path a process uses for a module stored at {@code hostPath}. */
    public String modulePathSeenByProcess(String hostPath) {
        Path host = Path.of(hostPath).toAbsolutePath();
        return sandboxed ? SANDBOX_FUNCTION_DIR.resolve(host.getFileName()).toString() : host.toString();
    }
}
