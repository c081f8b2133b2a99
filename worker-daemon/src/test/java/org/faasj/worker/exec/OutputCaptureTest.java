package org.faasj.worker.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import org.junit.jupiter.api.Test;

class OutputCaptureTest {

    @Test
    void readsEverythingUpToTheCap() throws IOException {
        OutputCapture out = OutputCapture.read(new ByteArrayInputStream(new byte[20_000]), 20_000);
        assertFalse(out.overflowed());
        assertEquals(20_000, out.length());
    }

    @Test
    void oneByteOverTheCapOverflows() throws IOException {
        assertTrue(OutputCapture.read(new ByteArrayInputStream(new byte[20_001]), 20_000).overflowed());
        assertTrue(OutputCapture.read(new ByteArrayInputStream(new byte[101]), 100).overflowed());
    }

    @Test
    void emptyOutputIsEmpty() throws IOException {
        OutputCapture out = OutputCapture.read(new ByteArrayInputStream(new byte[0]), 10);
        assertEquals(0, out.length());
        assertFalse(out.overflowed());
    }
}
