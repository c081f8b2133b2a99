package org.faasj.worker.exec.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The head of a WASM guest's stderr, as its call record keeps it, besides the tail the outcome carries. */
class GuestOutputTest {

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
