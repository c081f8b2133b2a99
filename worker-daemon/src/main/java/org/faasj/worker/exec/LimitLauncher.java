package org.faasj.worker.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code faas-limit} binary (src/main/c), shipped inside the jar and copied to the scratch
 * directory at start. Every function process is started through it so that its memory limit is
 * a real rlimit and it leads its own process group.
 */
public final class LimitLauncher {

    private static final Logger log = LoggerFactory.getLogger(LimitLauncher.class);
    private static final String RESOURCE = "/native/faas-limit";

    private final Path binary;

    LimitLauncher(Path binary) {
        this.binary = binary;
    }

    /** Copies the launcher out of the jar into {@code dir} and makes it executable. */
    public static LimitLauncher extractTo(Path dir) throws IOException {
        Path target = dir.resolve("faas-limit");
        try (InputStream in = LimitLauncher.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("launcher " + RESOURCE + " missing from the classpath (was it built by gcc?)");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new LimitLauncher(target);
    }

    /** The command that runs {@code program} under the limits. */
    List<String> command(long dataBytes, long cpuSeconds, List<String> program) {
        List<String> command = new ArrayList<>(program.size() + 3);
        command.add(binary.toString());
        command.add(Long.toString(dataBytes));
        command.add(Long.toString(cpuSeconds));
        command.addAll(program);
        return command;
    }

    /** SIGKILLs every process in the group, including ones that left the parent-child tree. */
    void killGroup(long pgid) {
        try {
            Process kill = new ProcessBuilder(binary.toString(), "--killpg", Long.toString(pgid))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.getOutputStream().close();
            kill.waitFor(1, TimeUnit.SECONDS);
        } catch (IOException e) {
            log.warn("could not kill process group {}: {}", pgid, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
