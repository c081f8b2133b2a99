package org.faasj.worker.exec.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The head of a process's stderr, as its call record keeps it, read from the process's stderr file. */
class FunctionProcessStderrTest {

    @TempDir
    Path dir;

    @Test
    void aProcessStderrFileIsReadOnlyUpToTheCap() throws IOException {
        Path file = dir.resolve("stderr");
        Files.writeString(file, "0123456789");
        FunctionProcess process = new FunctionProcess(null, file, false);
        assertEquals("0123\n[6 more bytes of stderr not kept]\n", process.stderrHead(4));
        assertEquals("0123456789", process.stderrHead(100));
        assertEquals("", process.stderrHead(0), "0 keeps none");
    }

    @Test
    void anEmptyOrMissingStderrFileGivesNothing() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty"));
        assertEquals("", new FunctionProcess(null, empty, false).stderrHead(8192));
        assertEquals("", new FunctionProcess(null, dir.resolve("missing"), false).stderrHead(8192));
    }
}
