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
            OutputCapture out = OutputCapture.read(new ByteArrayInputStream(new byte[1_000_000]), 6 << 20, account, 0);
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
            OutputCapture a = OutputCapture.read(new ByteArrayInputStream(new byte[100_000]), 6 << 20, first, 0);
            assertFalse(a.outOfBudget());
            assertEquals(100_000, a.length());
            OutputCapture b = OutputCapture.read(new ByteArrayInputStream(new byte[200_000]), 6 << 20, second, 0);
            assertTrue(b.outOfBudget(), "the second call's output does not fit beside the first's");
        }
        assertEquals(0, budget.used());
    }

    @Test
    void aLargeOutputTakesTheRestOfTheCapAtOnceAndTextPrepaysItsWrapping() throws IOException {
        OutputBudget budget = new OutputBudget(100L << 20);
        int cap = 4 << 20;
        byte[] json = new byte[1_000_000];
        json[0] = '[';
        try (OutputBudget.Account account = budget.open()) {
            OutputCapture out = OutputCapture.read(new ByteArrayInputStream(json), cap, account, 0);
            assertEquals(1_000_000, out.length());
            assertEquals(cap + 1, out.bytes().length, "one buffer for the rest of the cap, no doubling");
            assertEquals(cap + 1, budget.used());
            assertEquals(0, account.prepaid());
        }
        try (OutputBudget.Account account = budget.open()) {
            OutputCapture.read(new ByteArrayInputStream(new byte[1_000_000]), cap, account, 0);
            assertEquals(2L * (cap + 1), budget.used(), "text: its wrapped copy is taken too");
            assertEquals(cap + 1, account.prepaid());
        }
        assertEquals(0, budget.used());
    }

    @Test
    void aCallWaitsForAnotherToGiveBytesBack() throws Exception {
        OutputBudget budget = new OutputBudget(5L << 20);
        int cap = 4 << 20;
        byte[] json = new byte[1_000_000];
        json[0] = '[';
        OutputBudget.Account first = budget.open();
        OutputCapture.read(new ByteArrayInputStream(json), cap, first, 0);
        java.util.concurrent.CompletableFuture<OutputCapture> second = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (OutputBudget.Account account = budget.open()) {
                return OutputCapture.read(new ByteArrayInputStream(json), cap, account, java.util.concurrent.TimeUnit.SECONDS.toNanos(30));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        first.close(); // the first call's answer is out: the waiting one goes on
        OutputCapture out = second.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertFalse(out.outOfBudget());
        assertEquals(1_000_000, out.length());
    }
}
