package org.faasj.controlplane.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;

import org.faasj.controlplane.deploy.ToolRunner.Result;
import org.faasj.controlplane.deploy.ToolRunner.ToolMissingException;
import org.faasj.model.RuntimeSpec;

/**
 * Turns uploaded code into an artifact. Every build gets its own directory under
 * {@code <data-dir>/tmp} (the same file system as {@code functions/}, so the finished artifact can
 * be renamed into place atomically); the source is written under a fixed name. At most
 * {@code parallelBuilds} compiles run at once, the rest wait.
 */
final class ArtifactBuilder {

    private static final byte[] WASM_HEADER = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

    private final Path tmpRoot;
    private final ToolRunner runner;
    private final Semaphore slots;
    private final WasiToolchain wasiToolchain = new WasiToolchain();

    ArtifactBuilder(Path tmpRoot, ToolRunner runner, int parallelBuilds) {
        this.tmpRoot = tmpRoot;
        this.runner = runner;
        this.slots = new Semaphore(Math.max(1, parallelBuilds), true);
    }

    /**
     * A build directory whose {@code stage} subdirectory holds exactly the artifact, synced to disk.
     * The caller moves {@code stage} into place and closes the build, which removes what is left.
     * {@code output} is what the compiler or checker printed (empty when the language has none).
     */
    record Build(Path workDir, Path stageDir, String artifactFile, String output) implements AutoCloseable {
        @Override
        public void close() {
            FileTrees.deleteQuietly(workDir);
        }
    }

    /** @throws DeployProblem 422 when the code does not compile, 503 when the toolchain is missing */
    Build build(SourceLanguage language, CodeSource code) {
        Path workDir = createWorkDir();
        try {
            Path source = workDir.resolve(language.sourceFile());
            try (InputStream in = code.open()) {
                Files.copy(in, source);
            }
            Compiled compiled = compile(language, workDir, source);
            Path stage = Files.createDirectory(workDir.resolve("stage"));
            Path staged = Files.move(compiled.artifact(), stage.resolve(language.artifactFile()));
            force(staged);
            return new Build(workDir, stage, language.artifactFile(), compiled.output());
        } catch (IOException e) {
            FileTrees.deleteQuietly(workDir);
            throw new UncheckedIOException("build in " + workDir + " failed", e);
        } catch (RuntimeException e) {
            FileTrees.deleteQuietly(workDir);
            throw e;
        }
    }

    /** The file that becomes the artifact, and what the tool that made or checked it printed. */
    private record Compiled(Path artifact, String output) {
    }

    /** Runs the language's tool (if any) and returns the file that becomes the artifact. */
    private Compiled compile(SourceLanguage language, Path workDir, Path source) throws IOException {
        String src = source.getFileName().toString();
        String output = switch (language) {
            case C -> runTool(List.of("gcc", "-O2", "-o", "module.bin", src), "gcc", workDir, "gcc");
            case CPP -> runTool(List.of("g++", "-O2", "-o", "module.bin", src), "g++", workDir, "g++");
            case PHP, PYTHON -> checkSyntax(language.runtime().spec(), src, workDir);
            case WASM -> {
                checkUploadedWasm(source);
                yield "";
            }
            case C_WASM -> {
                wasiToolchain.checkC(runner);
                yield runTool(List.of("clang", "--target=wasm32-wasi", "--sysroot=" + WasiToolchain.SYSROOT, "-O2", "-s",
                        "-o", "module.wasm", src), WasiToolchain.C_PACKAGES, workDir, "clang --target=wasm32-wasi");
            }
            case RUST -> {
                String target = wasiToolchain.rustTarget(runner);
                yield runTool(List.of("rustc", "--target", target, "-O", "-o", "module.wasm", src),
                        "rustc (https://rustup.rs)", workDir, "rustc --target " + target);
            }
            case GO -> {
                WasiToolchain.checkTinyGo();
                yield runTool(List.of("tinygo", "build", "-target=wasi", "-no-debug", "-o", "module.wasm", src),
                    "tinygo", workDir, "tinygo build");
            }
        };
        Path artifact = switch (language) {
            case C, CPP -> workDir.resolve("module.bin");
            case C_WASM, RUST, GO -> checkBuiltWasm(workDir.resolve("module.wasm"));
            case PHP, PYTHON, WASM -> source;
        };
        return new Compiled(artifact, output);
    }

    /** Interpreted languages are only checked: the interpreter's own syntax check, as the runtime spec says. */
    private String checkSyntax(RuntimeSpec spec, String src, Path workDir) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(spec.interpreter());
        command.addAll(spec.syntaxCheck());
        String what = String.join(" ", command);
        command.add(src);
        return runTool(command, spec.debianPackage(), workDir, what);
    }

    /** @return what the tool printed (capped by the runner) */
    private String runTool(List<String> command, String debianPackage, Path workDir, String what) throws IOException {
        Result result;
        try {
            slots.acquire();
            try {
                result = runner.run(command, workDir);
            } finally {
                slots.release();
            }
        } catch (ToolMissingException e) {
            throw DeployProblem.toolchainMissing(command.get(0), debianPackage);
        } catch (ToolRunner.SandboxRefusedException e) {
            throw DeployProblem.sandboxUnavailable(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + what, e);
        }
        if (result.timedOut()) {
            throw DeployProblem.compileFailed(what + " did not finish within the time limit and was killed", result.output());
        }
        if (!result.succeeded()) {
            throw DeployProblem.compileFailed(what + " failed with exit code " + result.exitCode(), result.output());
        }
        return result.output();
    }

    /** An uploaded module must be one the worker can run: 400 naming the reason otherwise. */
    private static void checkUploadedWasm(Path module) throws IOException {
        byte[] head = new byte[WASM_HEADER.length];
        int read;
        try (InputStream in = Files.newInputStream(module)) {
            read = in.readNBytes(head, 0, head.length);
        }
        if (read < head.length || !Arrays.equals(head, WASM_HEADER)) {
            throw DeployProblem.invalid("code", "not a WebAssembly module: expected the 8-byte header "
                    + "00 61 73 6d 01 00 00 00 (\\0asm, version 1)");
        }
        String problem = WasmCommandCheck.problem(module);
        if (problem != null) {
            throw DeployProblem.invalid("code", problem);
        }
    }

    /** What a compiler made from the upload must run too (a Rust library has no _start, say). */
    private static Path checkBuiltWasm(Path module) throws IOException {
        String problem = WasmCommandCheck.problem(module);
        if (problem != null) {
            throw DeployProblem.compileFailed("the compiled module cannot run as a function: " + problem, "");
        }
        return module;
    }

    private Path createWorkDir() {
        try {
            Files.createDirectories(tmpRoot);
            return Files.createTempDirectory(tmpRoot, "build-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a build directory under " + tmpRoot, e);
        }
    }

    /** On disk before the route row that names it, so a power cut cannot leave a row without its file. */
    static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
