package org.faasj.controlplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.faasj.controlplane.sandbox.BuildSandbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactBuilderTest {

    @TempDir
    Path tmp;

    private ArtifactBuilder builder() {
        return new ArtifactBuilder(tmp.resolve("tmp"), new ToolRunner(Duration.ofSeconds(60), 64 * 1024, BuildSandbox.none()), 2);
    }

    @Test
    void build_c_stagesAnExecutableModuleOnly() throws Exception {
        try (ArtifactBuilder.Build build = builder().build(SourceLanguage.C, code("int main(void){return 0;}\n"))) {
            Path module = build.stageDir().resolve("module.bin");
            assertTrue(Files.isExecutable(module));
            try (var files = Files.list(build.stageDir())) {
                assertEquals(List.of(module), files.toList());
            }
        }
        try (var left = Files.list(tmp.resolve("tmp"))) {
            assertEquals(0, left.count(), "build directory removed on close");
        }
    }

    @Test
    void build_cWithError_is422AndLeavesNothing() throws Exception {
        DeployProblem problem = assertThrows(DeployProblem.class,
                () -> builder().build(SourceLanguage.C, code("int main(void){ return nope; }\n")));
        assertEquals(422, problem.getStatusCode().value());
        assertTrue(problem.getBody().getProperties().get("compilerOutput").toString().contains("nope"));
        try (var left = Files.list(tmp.resolve("tmp"))) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void build_phpWithSyntaxError_is422() {
        DeployProblem problem = assertThrows(DeployProblem.class,
                () -> builder().build(SourceLanguage.PHP, code("<?php echo 'x'\n echo 1;\n")));
        assertEquals(422, problem.getStatusCode().value());
    }

    @Test
    void build_python_storesTheSource() throws Exception {
        try (ArtifactBuilder.Build build = builder().build(SourceLanguage.PYTHON, code("print('hi')\n"))) {
            assertEquals("print('hi')\n", Files.readString(build.stageDir().resolve("function.py")));
        }
        assertEquals(422, assertThrows(DeployProblem.class,
                () -> builder().build(SourceLanguage.PYTHON, code("def (:\n"))).getStatusCode().value());
    }

    /** {@code (module (func (export "_start")))}: the smallest WASI command (wat2wasm output). */
    static final byte[] MIN_COMMAND = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60,
        0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x0a, 0x01, 0x06, 0x5f, 0x73,
        0x74, 0x61, 0x72, 0x74, 0x00, 0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};
    /** {@code (module (import "env" "f" (func)) (func (export "_start")))}: needs a host the worker lacks. */
    static final byte[] FOREIGN_IMPORT = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60,
        0x00, 0x00, 0x02, 0x09, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x66, 0x00,
        0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x0a, 0x01, 0x06, 0x5f, 0x73, 0x74,
        0x61, 0x72, 0x74, 0x00, 0x01, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};

    @Test
    void build_wasm_acceptsOnlyAWasiCommandTheWorkerCanRun() throws Exception {
        try (ArtifactBuilder.Build build = builder().build(SourceLanguage.WASM, code(MIN_COMMAND))) {
            assertTrue(Files.exists(build.stageDir().resolve("module.wasm")));
        }
        assertRefused(code("MZ"), "not a WebAssembly module");
        assertRefused(code("\0asm\2\0\0\0"), "not a WebAssembly module");
        // the header alone parses: an empty module, which has nothing to start
        assertRefused(code(java.util.Arrays.copyOf(MIN_COMMAND, 8)), "exports no _start");
        assertRefused(code(java.util.Arrays.copyOf(MIN_COMMAND, 30)), "not a valid WebAssembly module");
        assertRefused(code(FOREIGN_IMPORT), "imports env.f");
    }

    private void assertRefused(CodeSource module, String because) {
        DeployProblem problem = assertThrows(DeployProblem.class, () -> builder().build(SourceLanguage.WASM, module));
        assertEquals(400, problem.getStatusCode().value(), problem.getBody().getDetail());
        assertEquals("code", problem.field());
        assertTrue(problem.getBody().getDetail().contains(because), problem.getBody().getDetail());
    }

    @Test
    void build_cForWasm_compilesWithClangForWasi() throws Exception {
        assumeTrue(ToolRunner.findOnPath("clang") != null && Files.exists(Path.of("/usr/include/wasm32-wasi/stdio.h")),
                "needs clang lld wasi-libc libclang-rt-14-dev-wasm32");
        Path hello = Path.of("../examples/wasm/hello.c");
        try (ArtifactBuilder.Build build = builder().build(SourceLanguage.C_WASM, code(Files.readAllBytes(hello)))) {
            Path module = build.stageDir().resolve("module.wasm");
            assertEquals(null, WasmCommandCheck.problem(module));
        }
        DeployProblem broken = assertThrows(DeployProblem.class,
                () -> builder().build(SourceLanguage.C_WASM, code("int main(void){ return nope; }\n")));
        assertEquals(422, broken.getStatusCode().value());
    }

    @Test
    void build_rustWithoutTheWasiTarget_is503NamingRustup() {
        Path sysroot = rustSysroot();
        assumeTrue(sysroot != null, "rustc not installed");
        assumeTrue(!Files.isDirectory(sysroot.resolve("lib/rustlib/wasm32-wasip1"))
                && !Files.isDirectory(sysroot.resolve("lib/rustlib/wasm32-wasi")), "the WASI target is installed here");
        DeployProblem problem = assertThrows(DeployProblem.class,
                () -> builder().build(SourceLanguage.RUST, code("fn main() {}\n")));
        assertEquals(503, problem.getStatusCode().value());
        assertTrue(problem.getBody().getDetail().contains("rustup target add wasm32-wasip1"), problem.getBody().getDetail());
    }

    @Test
    void build_goWithoutTinyGo_is503() {
        assumeTrue(ToolRunner.findOnPath("tinygo") == null, "tinygo is installed here");
        DeployProblem problem = assertThrows(DeployProblem.class,
                () -> builder().build(SourceLanguage.GO, code("package main\nfunc main() {}\n")));
        assertEquals(503, problem.getStatusCode().value());
        assertTrue(problem.getBody().getDetail().contains("tinygo"), problem.getBody().getDetail());
    }

    private static Path rustSysroot() {
        try {
            Process p = new ProcessBuilder("rustc", "--print", "sysroot").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 ? Path.of(out) : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static CodeSource code(String text) {
        return code(text.getBytes(StandardCharsets.UTF_8));
    }

    private static CodeSource code(byte[] bytes) {
        return CodeSource.of(bytes);
    }
}
