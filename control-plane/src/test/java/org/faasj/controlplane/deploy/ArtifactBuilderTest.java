package org.faasj.controlplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactBuilderTest {

    @TempDir
    Path tmp;

    private ArtifactBuilder builder() {
        return new ArtifactBuilder(tmp.resolve("tmp"), new ToolRunner(Duration.ofSeconds(60), 64 * 1024), 2);
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

    @Test
    void build_wasm_checksTheHeader() throws Exception {
        byte[] module = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
        try (ArtifactBuilder.Build build = builder().build(SourceLanguage.WASM, code(module))) {
            assertTrue(Files.exists(build.stageDir().resolve("module.wasm")));
        }
        assertEquals(422, assertThrows(DeployProblem.class,
                () -> builder().build(SourceLanguage.WASM, code("\0asm\2\0\0\0"))).getStatusCode().value());
        assertEquals(422, assertThrows(DeployProblem.class,
                () -> builder().build(SourceLanguage.WASM, code("MZ"))).getStatusCode().value());
    }

    private static CodeSource code(String text) {
        return code(text.getBytes(StandardCharsets.UTF_8));
    }

    private static CodeSource code(byte[] bytes) {
        return new CodeSource() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public long size() {
                return bytes.length;
            }
        };
    }
}
