package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class InFlightCallsTest {

    private final InFlightCalls<String> calls = new InFlightCalls<>(3);
    private final List<Long> ended = new ArrayList<>();

    private long add(String worker, long deadline) {
        long id = calls.nextId();
        calls.add(id, null, worker, "f", deadline);
        return id;
    }

    @Test
    void idsCarryTheLoopIndexAndAreUnique() {
        long a = calls.nextId();
        long b = calls.nextId();
        assertThat(a).isNotEqualTo(b);
        assertThat(InFlightCalls.loopOf(a)).isEqualTo(3);
        assertThat(InFlightCalls.loopOf(new InFlightCalls<String>(255).nextId())).isEqualTo(255);
        assertThatThrownBy(() -> new InFlightCalls<String>(256)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCallEndsOnce() {
        long id = add("w1", 100);
        assertThat(calls.remove(id)).isNotNull();
        assertThat(calls.remove(id)).isNull();
        assertThat(calls.size()).isZero();
    }

    @Test
    void onlyCallsPastTheirDeadlineExpireEvenAcrossTheClockWrapping() {
        long near = Long.MAX_VALUE - 10;
        long early = add("w1", near);
        long late = add("w1", near + 100); // wraps past Long.MAX_VALUE
        calls.removeExpired(near, c -> ended.add(c.id));
        assertThat(ended).isEmpty();
        calls.removeExpired(near + 1, c -> ended.add(c.id));
        assertThat(ended).containsExactly(early);
        calls.removeExpired(near + 101, c -> ended.add(c.id));
        assertThat(ended).containsExactly(early, late);
        assertThat(calls.size()).isZero();
    }

    @Test
    void aLostWorkerEndsOnlyItsOwnCalls() {
        long a = add("w1", 100);
        long b = add("w2", 100);
        long c = add("w1", 100);
        calls.removeAllOf("w1", call -> ended.add(call.id));
        assertThat(ended).containsExactlyInAnyOrder(a, c);
        assertThat(calls.remove(b)).isNotNull();
    }

    @Test
    void theResponseStartIsRememberedPerCall() {
        long a = add("w1", 100);
        long b = add("w1", 100);
        assertThat(calls.markResponseStarted(a)).isTrue();
        assertThat(calls.remove(a).responseStarted).isTrue();
        assertThat(calls.remove(b).responseStarted).isFalse();
        assertThat(calls.markResponseStarted(a)).isFalse();
    }
}
