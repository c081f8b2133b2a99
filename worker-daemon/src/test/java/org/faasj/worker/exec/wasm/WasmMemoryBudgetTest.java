package org.faasj.worker.exec.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.dylibso.chicory.runtime.alloc.MemAllocStrategy;
import org.junit.jupiter.api.Test;

class WasmMemoryBudgetTest {

    @Test
    void allocationsAreChargedUntilTheLeaseCloses() {
        WasmMemoryBudget budget = new WasmMemoryBudget(1 << 20);
        try (WasmMemoryBudget.Lease lease = budget.lease()) {
            MemAllocStrategy strategy = lease.strategy(1 << 20);
            assertEquals(65536, strategy.initial(65536));
            assertEquals(262144, strategy.next(65536, 200_000)); // doubles like Chicory's default
            assertEquals(65536 + 262144, budget.usedBytes());
        }
        assertEquals(0, budget.usedBytes());
    }

    @Test
    void growthPastTheBudgetFailsOnlyThatCall() {
        WasmMemoryBudget budget = new WasmMemoryBudget(300_000);
        try (WasmMemoryBudget.Lease first = budget.lease(); WasmMemoryBudget.Lease second = budget.lease()) {
            first.strategy(1 << 20).initial(200_000);
            assertThrows(WasmMemoryBudget.Exhausted.class, () -> second.strategy(1 << 20).initial(200_000));
            assertEquals(200_000, budget.usedBytes());
        }
        assertEquals(0, budget.usedBytes());
    }

    @Test
    void neverAllocatesPastTheMemoryMaximum() {
        WasmMemoryBudget budget = new WasmMemoryBudget(1 << 30);
        try (WasmMemoryBudget.Lease lease = budget.lease()) {
            assertEquals(300_000, lease.strategy(300_000).next(200_000, 250_000));
        }
    }
}
