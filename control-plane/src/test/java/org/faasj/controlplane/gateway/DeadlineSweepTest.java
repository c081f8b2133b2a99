package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class DeadlineSweepTest {

    private static Connection connection() {
        return new Connection(null, null, 64, 64);
    }

    @Test
    void aSweepIsDueOncePerInterval() {
        DeadlineSweep sweep = new DeadlineSweep();
        long t = 5_000_000_000L;
        assertThat(sweep.due(t)).isTrue();
        assertThat(sweep.due(t)).isFalse();
        assertThat(sweep.due(t + DeadlineSweep.INTERVAL_NANOS - 1)).isFalse();
        assertThat(sweep.due(t + DeadlineSweep.INTERVAL_NANOS)).isTrue();
        assertThat(sweep.due(t + DeadlineSweep.INTERVAL_NANOS + 1)).isFalse();
    }

    @Test
    void onlyAStalledHeadGets408AParkedCallItsQueueAnswerTheRestAreClosed() {
        Connection stalled = connection();
        stalled.buffer.put((byte) 'G');
        assertThat(DeadlineSweep.outcome(stalled)).isEqualTo(DeadlineSweep.Outcome.HEAD_TIMEOUT);

        Connection parked = connection();
        parked.parked = true;
        parked.buffer.put((byte) 'x');
        assertThat(DeadlineSweep.outcome(parked)).isEqualTo(DeadlineSweep.Outcome.QUEUE_WAIT_OVER);

        assertThat(DeadlineSweep.outcome(connection())).as("idle").isEqualTo(DeadlineSweep.Outcome.CLOSE);
        Connection unread = connection();
        unread.buffer.put((byte) 'G');
        unread.pending = ByteBuffer.allocate(1);
        assertThat(DeadlineSweep.outcome(unread)).as("answer not read").isEqualTo(DeadlineSweep.Outcome.CLOSE);
        Connection draining = connection();
        draining.buffer.put((byte) 'G');
        draining.draining = true;
        assertThat(DeadlineSweep.outcome(draining)).isEqualTo(DeadlineSweep.Outcome.CLOSE);
    }
}
