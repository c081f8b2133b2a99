package org.faasj.worker.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The head of a call's stderr, as its record keeps it (processes: process/FunctionProcessStderrTest; WASM: wasm/GuestOutputTest). */
class CallTraceTest {

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
}
