package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.faasj.controlplane.metrics.GatewayCounters;
import org.faasj.controlplane.scheduling.FunctionAdmission;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.FunctionRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The loop side of concurrency limits, on real loopback connections. */
class CallAdmissionTest {

    private static final FunctionDescriptor ONE_AT_A_TIME = new FunctionDescriptor("f", FunctionRuntime.PHP, "GET", "/f", "m",
            null, 64, 10, 64, 64, null, null, 1, 1);

    private final FunctionAdmission places = new FunctionAdmission(1);
    private final CallAdmission admission = new CallAdmission(places, TimeUnit.SECONDS.toNanos(5), NanoClock.SYSTEM);
    /** Tasks the "loop" was asked to run, run by hand. */
    private final List<Runnable> loopTasks = new ArrayList<>();
    private final List<SocketChannel> clients = new ArrayList<>();
    private ServerSocketChannel server;
    private Selector selector;

    @BeforeEach
    void listen() throws Exception {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        selector = Selector.open();
    }

    @AfterEach
    void close() throws Exception {
        for (SocketChannel c : clients) {
            c.close();
        }
        server.close();
        selector.close();
    }

    /** The server side of a fresh connection, registered as a loop would have it. */
    private Connection connection() throws Exception {
        clients.add(SocketChannel.open(server.getLocalAddress()));
        SocketChannel accepted = server.accept();
        accepted.configureBlocking(false);
        Connection c = new Connection(accepted, InetAddress.getLoopbackAddress(), 64, 64);
        c.key = accepted.register(selector, SelectionKey.OP_READ, c);
        return c;
    }

    private CallAdmission.Outcome admit(Connection c, List<Connection> resumed) {
        return admission.admit(c, ONE_AT_A_TIME, loopTasks::add, () -> {
            if (CallAdmission.unpark(c)) {
                resumed.add(c);
            }
        });
    }

    @Test
    void refusedAndExpiredCallsCountAsTheFunctionsRejections() throws Exception {
        GatewayCounters counters = new GatewayCounters(true);
        CallAdmission counting = new CallAdmission(places, 0, NanoClock.SYSTEM, counters);
        Connection running = connection();
        Connection parked = connection();
        assertThat(counting.admit(running, ONE_AT_A_TIME, loopTasks::add, () -> { })).isEqualTo(CallAdmission.Outcome.RUN);
        assertThat(counting.admit(parked, ONE_AT_A_TIME, loopTasks::add, () -> { })).isEqualTo(CallAdmission.Outcome.PARKED);
        assertThat(counting.admit(connection(), ONE_AT_A_TIME, loopTasks::add, () -> { }))
                .isEqualTo(CallAdmission.Outcome.REFUSED);

        GatewayError refused = counting.refused(ONE_AT_A_TIME, "refused-call");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(new String(refused.response(false), StandardCharsets.UTF_8))
                .contains("X-Call-Id: refused-call\r\n").contains("Retry-After: 1\r\n")
                .contains("\"callId\":\"refused-call\"");
        parked.parkedCallId = "parked-call"; // the loop draws it when the call parks
        GatewayError expired = counting.expire(parked);
        assertThat(expired.status()).isEqualTo(429);
        assertThat(new String(expired.response(false), StandardCharsets.UTF_8)).contains("X-Call-Id: parked-call\r\n");
        assertThat(parked.parkedCallId).isNull();

        assertThat(counters.function("f").rejectedCount()).isEqualTo(2);
        CallAdmission.end(running);
    }

    @Test
    void aParkedCallResumesOnItsLoopOnceWhenThePlaceFrees() throws Exception {
        List<Connection> resumed = new ArrayList<>();
        Connection first = connection();
        Connection second = connection();
        Connection third = connection();
        assertThat(admit(first, resumed)).isEqualTo(CallAdmission.Outcome.RUN);
        assertThat(admit(second, resumed)).isEqualTo(CallAdmission.Outcome.PARKED);
        assertThat(second.parked).isTrue();
        assertThat(admit(third, resumed)).isEqualTo(CallAdmission.Outcome.REFUSED);
        assertThat(third.ticket).isNull();

        CallAdmission.end(first);
        assertThat(loopTasks).hasSize(1);
        assertThat(resumed).isEmpty(); // only on the loop's own thread
        loopTasks.forEach(Runnable::run);
        loopTasks.forEach(Runnable::run); // a stale second resume does nothing
        assertThat(resumed).containsExactly(second);
        assertThat(second.parked).isFalse();
        assertThat(places.running("f")).isEqualTo(1);

        CallAdmission.end(second);
        CallAdmission.end(second);
        assertThat(places.running("f")).isZero();
    }

    @Test
    void aParkedClientThatLeavesIsNoticedAndGivesItsTurnUp() throws Exception {
        List<Connection> resumed = new ArrayList<>();
        Connection running = connection();
        Connection parked = connection();
        admit(running, resumed);
        assertThat(admit(parked, resumed)).isEqualTo(CallAdmission.Outcome.PARKED);

        SocketChannel client = clients.get(1);
        client.write(ByteBuffer.wrap("more body".getBytes()));
        awaitReadable(parked);
        assertThat(CallAdmission.readWhileParked(parked)).isTrue();
        assertThat(parked.buffer.position()).isEqualTo(9); // kept, not parsed

        client.close();
        awaitReadable(parked);
        assertThat(CallAdmission.readWhileParked(parked)).isFalse();
        CallAdmission.end(parked); // what the loop's close does
        assertThat(places.waiting("f")).isZero();

        CallAdmission.end(running);
        assertThat(loopTasks).isEmpty();
        assertThat(places.running("f")).isZero();
    }

    @Test
    void aWaitThatRunsOutLeavesTheQueueUnlessThePlaceCameFirst() throws Exception {
        List<Connection> resumed = new ArrayList<>();
        Connection running = connection();
        Connection parked = connection();
        admit(running, resumed);
        admit(parked, resumed);

        GatewayError tooLong = admission.expire(parked);
        assertThat(tooLong.status()).isEqualTo(429);
        assertThat(tooLong.extraHeader()).isEqualTo("Retry-After: 1");
        assertThat(tooLong.extra()).containsEntry("function", "f").containsEntry("concurrency", 1);
        assertThat(tooLong.mayKeepAlive()).isFalse();
        assertThat(parked.parked).isFalse();
        assertThat(parked.ticket).isNull();
        assertThat(places.waiting("f")).isZero();

        Connection late = connection();
        admit(late, resumed);
        CallAdmission.end(running); // the place comes just before the wait's end is seen
        long before = late.deadlineNanos;
        assertThat(admission.expire(late)).isNull();
        assertThat(late.deadlineNanos).isGreaterThan(before);
        loopTasks.forEach(Runnable::run);
        assertThat(resumed).containsExactly(late);
        CallAdmission.end(late);
        assertThat(places.running("f")).isZero();
    }

    private void awaitReadable(Connection c) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            selector.select(100);
            if (selector.selectedKeys().remove(c.key)) {
                return;
            }
        }
        throw new AssertionError("connection never became readable");
    }
}
