package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class ConnectionCapsTest {

    private static InetAddress ip(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
    }

    @Test
    void aClientPastItsCapIsRefusedWhileOthersAreNot() throws Exception {
        ConnectionCaps caps = new ConnectionCaps(100, 2, 10);
        assertThat(caps.tryAcquire(ip(1))).isNull();
        assertThat(caps.tryAcquire(ip(1))).isNull();
        assertThat(caps.tryAcquire(ip(1))).isEqualTo(ConnectionCaps.Refusal.PER_CLIENT);
        assertThat(caps.tryAcquire(ip(2))).isNull();
        assertThat(caps.total()).isEqualTo(3);
        assertThat(caps.of(ip(1))).isEqualTo(2);
        caps.release(ip(1));
        assertThat(caps.tryAcquire(ip(1))).isNull();
    }

    @Test
    void theTotalCapHoldsOverAllClients() throws Exception {
        ConnectionCaps caps = new ConnectionCaps(3, 10, 10);
        for (int i = 1; i <= 3; i++) {
            assertThat(caps.tryAcquire(ip(i))).isNull();
        }
        assertThat(caps.tryAcquire(ip(4))).isEqualTo(ConnectionCaps.Refusal.TOTAL);
        assertThat(caps.total()).isEqualTo(3);
        assertThat(caps.of(ip(4))).isZero();
        caps.release(ip(2));
        assertThat(caps.tryAcquire(ip(4))).isNull();
    }

    @Test
    void releasingTheLastConnectionForgetsTheClient() throws Exception {
        ConnectionCaps caps = new ConnectionCaps(10, 10, 10);
        caps.tryAcquire(ip(7));
        caps.release(ip(7));
        assertThat(caps.of(ip(7))).isZero();
        assertThat(caps.total()).isZero();
    }

    @Test
    void refusalsInProgressAreBounded() {
        ConnectionCaps caps = new ConnectionCaps(10, 10, 2);
        assertThat(caps.startRefusal()).isTrue();
        assertThat(caps.startRefusal()).isTrue();
        assertThat(caps.startRefusal()).isFalse();
        caps.endRefusal();
        assertThat(caps.startRefusal()).isTrue();
    }

    @Test
    void theDefaultTotalFollowsTheHeapWithinBounds() {
        assertThat(ConnectionCaps.defaultTotal(256L << 20)).isEqualTo(4096);
        assertThat(ConnectionCaps.defaultTotal(8L << 20)).isEqualTo(256);
        assertThat(ConnectionCaps.defaultTotal(16L << 30)).isEqualTo(10_000);
        assertThatThrownBy(() -> new ConnectionCaps(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
