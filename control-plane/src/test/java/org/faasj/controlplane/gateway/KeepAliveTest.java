package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;

import org.junit.jupiter.api.Test;

class KeepAliveTest {

    private static final long HEAD = 10;
    private static final long IDLE = 60;
    private final KeepAlive keepAlive = new KeepAlive(HEAD, IDLE);

    private static Connection idle() {
        return new Connection(null, null, 64, 64);
    }

    private static Connection withBytes() {
        Connection c = idle();
        c.buffer.put((byte) 'G');
        return c;
    }

    @Test
    void aBegunRequestGetsTheHeadTimeAnIdleConnectionTheKeepAliveTime() {
        assertThat(keepAlive.keepsConnections()).isTrue();
        assertThat(keepAlive.nextRequestTimeout(withBytes())).isEqualTo(HEAD);
        assertThat(keepAlive.nextRequestTimeout(idle())).isEqualTo(IDLE);
    }

    @Test
    void aStoppedLoopKeepsNothing() {
        keepAlive.stop();
        assertThat(keepAlive.keepsConnections()).isFalse();
    }

    @Test
    void aDrainEndsKeepAliveAndShortensOnlyIdleDeadlines() throws Exception {
        try (Selector selector = Selector.open()) {
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            Connection idle = idle();
            idle.deadlineNanos = 1_000_000_000L;
            Connection begun = withBytes();
            begun.deadlineNanos = 1_000_000_000L;
            SelectionKey idleKey = pipe.source().register(selector, SelectionKey.OP_READ, idle);
            Pipe other = Pipe.open();
            other.source().configureBlocking(false);
            SelectionKey begunKey = other.source().register(selector, SelectionKey.OP_READ, begun);

            keepAlive.startDrain(List.of(idleKey, begunKey), 0);

            assertThat(keepAlive.keepsConnections()).isFalse();
            assertThat(idle.deadlineNanos).isEqualTo(KeepAlive.DRAIN_LINGER_NANOS);
            assertThat(begun.deadlineNanos).isEqualTo(1_000_000_000L);
            assertThat(keepAlive.nextRequestTimeout(idle())).isEqualTo(KeepAlive.DRAIN_LINGER_NANOS);
            assertThat(keepAlive.nextRequestTimeout(withBytes())).isEqualTo(HEAD);
            pipe.source().close();
            pipe.sink().close();
            other.source().close();
            other.sink().close();
        }
    }

    @Test
    void idleMeansNothingBufferedPendingParkedOrDraining() {
        assertThat(KeepAlive.isIdle(idle())).isTrue();
        assertThat(KeepAlive.isIdle(withBytes())).isFalse();
        Connection parked = idle();
        parked.parked = true;
        assertThat(KeepAlive.isIdle(parked)).isFalse();
        Connection draining = idle();
        draining.draining = true;
        assertThat(KeepAlive.isIdle(draining)).isFalse();
        Connection pending = idle();
        pending.pending = ByteBuffer.allocate(1);
        assertThat(KeepAlive.isIdle(pending)).isFalse();
    }
}
