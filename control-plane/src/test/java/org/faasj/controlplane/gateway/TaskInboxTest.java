package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.Selector;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class TaskInboxTest {

    @Test
    void aLoopThatIsNotSelectingIsNotWoken() {
        AtomicInteger wakeups = new AtomicInteger();
        TaskInbox inbox = new TaskInbox(wakeups::incrementAndGet);
        inbox.execute(() -> { });
        assertThat(wakeups).hasValue(0);
        assertThat(inbox.selecting()).as("a task waits: the loop must not block").isTrue();
        inbox.execute(() -> { });
        assertThat(wakeups).hasValue(1);
        inbox.awake();
        inbox.execute(() -> { });
        assertThat(wakeups).hasValue(1);
    }

    @Test
    void aQueuedTaskNeverWakesTheLoop() {
        AtomicInteger wakeups = new AtomicInteger();
        TaskInbox inbox = new TaskInbox(wakeups::incrementAndGet);
        assertThat(inbox.selecting()).isFalse();
        inbox.queue(() -> { });
        assertThat(wakeups).hasValue(0);
        assertThat(inbox.poll()).isNotNull();
        assertThat(inbox.poll()).isNull();
    }

    /**
     * A loop that blocks for a minute per select runs every task of four producers within seconds:
     * no task is left waiting for a select's timeout (a lost wake-up).
     */
    @Test
    void noTaskWaitsForTheSelectTimeout() throws Exception {
        int producers = 4;
        int perProducer = 50_000;
        try (Selector selector = Selector.open()) {
            TaskInbox inbox = new TaskInbox(selector::wakeup);
            AtomicLong ran = new AtomicLong();
            CountDownLatch done = new CountDownLatch(1);
            Thread loop = new Thread(() -> {
                try {
                    while (ran.get() < (long) producers * perProducer) {
                        if (inbox.selecting()) {
                            selector.selectNow();
                        } else {
                            selector.select(TimeUnit.MINUTES.toMillis(1));
                        }
                        inbox.awake();
                        Runnable task;
                        while ((task = inbox.poll()) != null) {
                            task.run();
                        }
                    }
                    done.countDown();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, "inbox-test-loop");
            loop.setDaemon(true);
            loop.start();
            Thread[] threads = new Thread[producers];
            for (int p = 0; p < producers; p++) {
                threads[p] = new Thread(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        inbox.execute(ran::incrementAndGet);
                        if (i % 64 == 0) {
                            Thread.yield(); // let the loop go back to select now and then
                        }
                    }
                });
                threads[p].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(done.await(20, TimeUnit.SECONDS)).as("every task ran without a select timing out").isTrue();
            assertThat(ran).hasValue((long) producers * perProducer);
        }
    }
}
