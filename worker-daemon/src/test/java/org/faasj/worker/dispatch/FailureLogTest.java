package org.faasj.worker.dispatch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class FailureLogTest {

    @Test
    void aBurstOfFailuresIsLoggedAtInfoOnlyUpToTheBudgetOfEachSecond() {
        AtomicLong now = new AtomicLong(5_000);
        FailureLog failures = new FailureLog(now::get);

        for (int i = 0; i < FailureLog.INFO_PER_SECOND; i++) {
            assertTrue(failures.atInfo(), "failure " + i);
        }
        assertFalse(failures.atInfo());
        now.addAndGet(999);
        assertFalse(failures.atInfo(), "still the same second");
        now.addAndGet(1);
        assertTrue(failures.atInfo(), "a new second, a new budget");
        now.set(0);
        assertTrue(failures.atInfo(), "a clock that went back starts a new second");
    }
}
