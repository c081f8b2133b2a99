package org.faasj.controlplane.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.faasj.controlplane.deploy.ToolRunner.Result;
import org.faasj.controlplane.deploy.ToolRunner.ToolMissingException;

/**
 * Whether this host can build for WASI, checked before a compiler runs, so a missing piece answers
 * 503 naming what to install instead of a compiler error that looks like the user's fault (clang
 * without wasi-libc fails on {@code <stdio.h>}; rustc without the target's std fails on
 * {@code can't find crate for std}).
 */
final class WasiToolchain {

    /** Debian 12's wasi-libc installs its headers and libc.a under /usr. */
    static final String SYSROOT = "/usr";
    static final String C_PACKAGES = "clang lld wasi-libc libclang-rt-14-dev-wasm32";
    private static final List<String> RUST_TARGETS = List.of("wasm32-wasip1", "wasm32-wasi");

    /** @throws DeployProblem 503 naming the Debian packages when any part is missing */
    void checkC(ToolRunner runner) {
        String missing = null;
        if (ToolRunner.findOnPath("clang") == null) {
            missing = "clang";
        } else if (ToolRunner.findOnPath("wasm-ld") == null) {
            missing = "the linker wasm-ld (lld)";
        } else if (!Files.isRegularFile(Path.of(SYSROOT, "include/wasm32-wasi/stdio.h"))
                || !Files.isRegularFile(Path.of(SYSROOT, "lib/wasm32-wasi/libc.a"))) {
            missing = "the WASI C library (wasi-libc)";
        } else if (!builtinsPresent(runner)) {
            missing = "the wasm32 compiler runtime (libclang_rt.builtins-wasm32.a)";
        }
        if (missing != null) {
            throw DeployProblem.toolchainMissing("C to WASM needs the wasm32-wasi toolchain, and " + missing
                    + " is not installed on the platform host; install the Debian packages " + C_PACKAGES
                    + " (apt-get install " + C_PACKAGES + ")");
        }
    }

    /** @throws DeployProblem 503 when TinyGo, which Debian does not package, is not installed */
    static void checkTinyGo() {
        if (ToolRunner.findOnPath("tinygo") == null) {
            throw DeployProblem.toolchainMissing("Go to WASM needs TinyGo, and 'tinygo' is not installed on the platform "
                    + "host; install it from https://tinygo.org/getting-started/install/linux/ (a .deb is provided there)");
        }
    }

    private static boolean builtinsPresent(ToolRunner runner) {
        try {
            Result result = runner.query(List.of("clang", "--target=wasm32-wasi", "-print-libgcc-file-name"));
            return result.succeeded() && Files.isRegularFile(Path.of(result.output().strip()));
        } catch (ToolMissingException | IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The WASI target rustc has a standard library for. {@code rustc --print target-list} names
     * targets it merely knows; only the sysroot shows which ones rustup installed.
     *
     * @throws DeployProblem 503 when rustc or every WASI target is missing
     */
    String rustTarget(ToolRunner runner) {
        Path sysroot;
        try {
            Result result = runner.query(List.of("rustc", "--print", "sysroot"));
            if (!result.succeeded()) {
                throw DeployProblem.toolchainMissing("rustc --print sysroot failed: " + result.output().strip());
            }
            sysroot = Path.of(result.output().strip());
        } catch (ToolMissingException e) {
            throw DeployProblem.toolchainMissing("'rustc' is not installed on the platform host; install Rust "
                    + "(https://rustup.rs), then the wasm32-wasip1 target (rustup target add wasm32-wasip1)");
        } catch (IOException e) {
            throw DeployProblem.toolchainMissing("cannot run rustc: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking rustc for its sysroot", e);
        }
        for (String target : RUST_TARGETS) {
            if (hasStd(sysroot.resolve("lib/rustlib").resolve(target).resolve("lib"))) {
                return target;
            }
        }
        throw DeployProblem.toolchainMissing("rustc has no standard library for WASI in " + sysroot
                + "; install the wasm32-wasip1 target (rustup target add wasm32-wasip1)");
    }

    private static boolean hasStd(Path libDir) {
        if (!Files.isDirectory(libDir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(libDir)) {
            return files.anyMatch(f -> {
                String name = f.getFileName().toString();
                return name.startsWith("libstd-") && name.endsWith(".rlib");
            });
        } catch (IOException e) {
            return false;
        }
    }
}
