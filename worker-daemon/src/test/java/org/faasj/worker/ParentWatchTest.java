package org.faasj.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class ParentWatchTest {

    @Test
    void aDrainByteAnnouncesTheDrainAndEndOfFileTheExit() throws Exception {
        PipedOutputStream parent = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(parent);
        AtomicInteger drains = new AtomicInteger();
        CountDownLatch drained = new CountDownLatch(1);
        CountDownLatch exited = new CountDownLatch(1);
        ParentWatch.watch(stdin, () -> {
            drains.incrementAndGet();
            drained.countDown();
        }, exited::countDown);

        parent.write(new byte[] {'x', '\n', ParentWatch.DRAIN});
        parent.flush();
        assertTrue(drained.await(10, TimeUnit.SECONDS));
        assertEquals(1, exited.getCount(), "a drain is not an exit");

        parent.close();
        assertTrue(exited.await(10, TimeUnit.SECONDS));
        assertEquals(1, drains.get(), "other bytes mean nothing");
    }
}
