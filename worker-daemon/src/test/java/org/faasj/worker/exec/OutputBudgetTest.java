package org.faasj.worker.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OutputBudgetTest {

    @Test
    void chargesUpToTheCapacityAndAClosedAccountGivesAllBack() {
        OutputBudget budget = new OutputBudget(1_000);
        OutputBudget.Account a = budget.open();
        OutputBudget.Account b = budget.open();
        assertTrue(a.tryCharge(600));
        assertFalse(b.tryCharge(401), "past the capacity");
        assertTrue(b.tryCharge(400));
        assertEquals(1_000, budget.used());

        a.refund(100);
        assertEquals(900, budget.used());
        a.refund(10_000); // never more than it holds
        assertEquals(400, budget.used());
        a.close();
        b.close();
        assertEquals(0, budget.used());
    }

    @Test
    void aWorkerBudgetIsPartOfItsHeap() {
        assertEquals((128L << 20) * 3 / 10, OutputBudget.forHeap(128L << 20).capacity());
    }
}
