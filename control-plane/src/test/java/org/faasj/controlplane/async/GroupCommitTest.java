package org.faasj.controlplane.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class GroupCommitTest {

    @Test
    void manyWaitingSubmittersShareOneCommitAndEachReturnsOnlyAfterIt() throws Exception {
        AtomicInteger commits = new AtomicInteger();
        Set<Integer> committed = ConcurrentHashMap.newKeySet();
        CountDownLatch firstCommitStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        int submitters = 50;
        try (GroupCommit<Integer, Integer> group = new GroupCommit<>("test-writer", 256, batch -> {
            if (commits.incrementAndGet() == 1) {
                firstCommitStarted.countDown();
                release.await(); // everyone else queues up behind this slow "fsync"
            }
            committed.addAll(batch);
            return new ArrayList<>(batch);
        })) {
            ExecutorService pool = Executors.newFixedThreadPool(submitters);
            try {
                Future<Integer> first = pool.submit(() -> group.submit(-1));
                firstCommitStarted.await();
                List<Future<Integer>> rest = new ArrayList<>();
                for (int i = 0; i < submitters - 1; i++) {
                    int item = i;
                    rest.add(pool.submit(() -> {
                        int result = group.submit(item);
                        assertThat(committed).contains(item);
                        return result;
                    }));
                }
                while (group.waiting() < submitters - 1) {
                    Thread.sleep(5);
                }
                release.countDown();
                assertThat(first.get()).isEqualTo(-1);
                for (int i = 0; i < rest.size(); i++) {
                    assertThat(rest.get(i).get()).isEqualTo(i);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(commits.get()).isEqualTo(2);
    }

    @Test
    void aBatchIsNeverLargerThanTheMaximum() throws Exception {
        List<Integer> sizes = new ArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        try (GroupCommit<Integer, Integer> group = new GroupCommit<>("test-writer", 3, batch -> {
            release.await();
            synchronized (sizes) {
                sizes.add(batch.size());
            }
            return new ArrayList<>(batch);
        })) {
            ExecutorService pool = Executors.newFixedThreadPool(10);
            List<Future<Integer>> all = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int item = i;
                all.add(pool.submit(() -> group.submit(item)));
            }
            Thread.sleep(100);
            release.countDown();
            for (Future<Integer> f : all) {
                f.get();
            }
            pool.shutdown();
        }
        assertThat(sizes).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(3));
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
    }

    @Test
    void aFailedCommitFailsEverySubmitterOfItsBatch() {
        try (GroupCommit<Integer, Integer> group = new GroupCommit<>("test-writer", 8, batch -> {
            throw new java.sql.SQLException("disk full");
        })) {
            assertThatThrownBy(() -> group.submit(1)).isInstanceOf(QueueException.class).hasMessageContaining("disk full");
        }
    }

    @Test
    void aSubmitAfterCloseIsRefused() {
        GroupCommit<Integer, Integer> group = new GroupCommit<>("test-writer", 8, ArrayList::new);
        group.close();
        assertThatThrownBy(() -> group.submit(1)).isInstanceOf(QueueException.class);
    }
}
