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

    @Test
    void growthPastTheBudgetStopsTheCaptureAndEverythingIsGivenBack() throws IOException {
        OutputBudget budget = new OutputBudget(100_000);
        try (OutputBudget.Account account = budget.open()) {
            OutputCapture out = OutputCapture.read(new ByteArrayInputStream(new byte[1_000_000]), 6 << 20, account);
            assertTrue(out.outOfBudget());
            assertFalse(out.overflowed());
            assertTrue(budget.used() <= 100_000);
        }
        assertEquals(0, budget.used());
    }

    @Test
    void twoCallsShareOneBudget() throws IOException {
        OutputBudget budget = new OutputBudget(300_000);
        try (OutputBudget.Account first = budget.open(); OutputBudget.Account second = budget.open()) {
            OutputCapture a = OutputCapture.read(new ByteArrayInputStream(new byte[100_000]), 6 << 20, first);
            assertFalse(a.outOfBudget());
            assertEquals(100_000, a.length());
            OutputCapture b = OutputCapture.read(new ByteArrayInputStream(new byte[200_000]), 6 << 20, second);
            assertTrue(b.outOfBudget(), "the second call's output does not fit beside the first's");
        }
        assertEquals(0, budget.used());
    }
}
