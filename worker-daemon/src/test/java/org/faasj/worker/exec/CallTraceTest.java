package org.faasj.worker.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The head of a call's stderr, as its record keeps it, from a process's file and from a WASM guest. */
class CallTraceTest {

    @TempDir
    Path dir;

    @Test
    void aHeadThatHoldsEverythingIsKeptAsItIs() {
        byte[] text = "warning: x\n".getBytes(StandardCharsets.UTF_8);
        assertEquals("warning: x\n", CallTrace.headText(text, text.length, text.length));
        assertEquals("", CallTrace.headText(new byte[0], 0, 0));
    }

    @Test
    void aCutHeadEndsWithALineCountingWhatWasNotKept() {
        byte[] text = "abcdefghij".getBytes(StandardCharsets.UTF_8);
        assertEquals("abcd\n[6 more bytes of stderr not kept]\n", CallTrace.headText(text, 4, 10));
    }

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

    @Test
    void aGuestsStderrKeepsItsHeadBesidesItsTail() {
        GuestOutput stderr = GuestOutput.tail(4, 6);
        stderr.write("abc".getBytes(StandardCharsets.UTF_8), 0, 3);
        stderr.write("defghij".getBytes(StandardCharsets.UTF_8), 0, 7);
        assertEquals("ghij", stderr.text());
        assertEquals("abcdef\n[4 more bytes of stderr not kept]\n", stderr.headText());
    }

    @Test
    void aGuestWithoutStderrOrWithoutAHeadCapGivesNothing() {
        assertEquals("", GuestOutput.tail(4, 6).headText());
        GuestOutput noHead = GuestOutput.tail(4, 0);
        noHead.write("abc".getBytes(StandardCharsets.UTF_8), 0, 3);
        assertEquals("", noHead.headText());
    }
}
