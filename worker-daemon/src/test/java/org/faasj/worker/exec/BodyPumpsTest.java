package org.faasj.worker.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class BodyPumpsTest {

    @Test
    void pastItsBoundAReservationIsRefusedAndAnEndedPumpGivesItsPlaceBack() throws Exception {
        try (BodyPumps pumps = new BodyPumps(2, Thread::new)) {
            CountDownLatch release = new CountDownLatch(1);
            BodyPumps.Reservation first = pumps.tryReserve();
            BodyPumps.Reservation second = pumps.tryReserve();
            assertNotNull(first);
            assertNotNull(second);
            assertNull(pumps.tryReserve(), "a third pump past a bound of two");

            first.start(() -> await(release)).isDone();
            second.cancel();
            assertEquals(1, pumps.busy());
            BodyPumps.Reservation third = pumps.tryReserve();
            assertNotNull(third, "a cancelled reservation gives its place back");
            assertNull(pumps.tryReserve());

            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pumps.busy() != 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, pumps.busy(), "the ended pump's place is free again");
            third.cancel();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
