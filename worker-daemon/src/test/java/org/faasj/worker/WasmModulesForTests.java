package org.faasj.worker;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the test modules at test time, so no binary is committed: WAT sources under
 * {@code src/test/resources/wasm} through {@code wat2wasm} (Debian package wabt), C through clang
 * for wasm32-wasi (packages clang lld wasi-libc libclang-rt-14-dev-wasm32). A missing tool skips the
 * test that needs it, saying which package to install.
 */
public final class WasmModulesForTests {

    private WasmModulesForTests() {
    }

    public static Path fromWat(String name, Path dir) throws IOException, InterruptedException {
        Path wat = dir.resolve(name + ".wat");
        try (InputStream in = WasmModulesForTests.class.getResourceAsStream("/wasm/" + name + ".wat")) {
            if (in == null) {
                throw new IOException("no test resource wasm/" + name + ".wat");
            }
            Files.copy(in, wat);
        }
        Path wasm = dir.resolve(name + ".wasm");
        run(List.of("wat2wasm", wat.toString(), "-o", wasm.toString()), "wabt");
        return wasm;
    }

    public static Path fromC(Path source, Path dir, String name) throws IOException, InterruptedException {
        Path wasm = dir.resolve(name + ".wasm");
        run(List.of("clang", "--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-s", "-o", wasm.toString(),
                source.toString()), "clang lld wasi-libc libclang-rt-14-dev-wasm32");
        return wasm;
    }

    private static void run(List<String> command, String packages) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            assumeTrue(false, command.get(0) + " is not installed (Debian packages: " + packages + ")");
            return;
        }
        String output = new String(p.getInputStream().readAllBytes());
        assumeTrue(p.waitFor(60, TimeUnit.SECONDS), command.get(0) + " hung");
        // clang without the wasi sysroot fails on <stdio.h>: a missing package, not a broken test
        assumeTrue(p.exitValue() == 0 || !output.contains("file not found"),
                "wasm32-wasi toolchain incomplete (Debian packages: " + packages + "): " + output);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
