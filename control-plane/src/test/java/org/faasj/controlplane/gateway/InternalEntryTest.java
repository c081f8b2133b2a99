package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.faasj.controlplane.testing.RawResponses.readResponse;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.faasj.controlplane.metrics.GatewayCounters;
import org.faasj.controlplane.routing.RouteTable;
import org.faasj.controlplane.scheduling.FunctionAdmission;
import org.faasj.controlplane.system.FaasProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Unix-domain entry served by a real event loop (no workers: what it answers itself). */
class InternalEntryTest {

    private static final int MAX_HEAD = 16 * 1024;
    private static final FaasProperties.Relay UNUSED_RELAY_LIMITS =
            new FaasProperties.Relay(Duration.ofSeconds(10), Duration.ofSeconds(120), 1, 1, 1, 1, 1);

    @TempDir
    Path dir;
    private final ConnectionCaps caps = new ConnectionCaps(100, 100, 10);
    private final WebRelay relay = new WebRelay(new LocalWebServer(), UNUSED_RELAY_LIMITS, null);
    private EventLoop loop;
    private InternalEntry entry;

    @BeforeEach
    void start() throws IOException {
        GatewayCounters counters = GatewayCounters.disabled();
        GatewayContext ctx = new GatewayContext(new HttpHeadParser(MAX_HEAD), new RouteTable(), null, relay,
                2048, MAX_HEAD + 8 * 1024, TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(60), 1 << 20,
                TimeUnit.SECONDS.toNanos(10), System::nanoTime, caps, TimeUnit.SECONDS.toNanos(10),
                new CallAdmission(new FunctionAdmission(1), TimeUnit.SECONDS.toNanos(10), System::nanoTime, counters));
        loop = new EventLoop(0, ctx);
        Thread t = new Thread(loop, "test-loop");
        t.setDaemon(true);
        t.start();
        Files.writeString(dir.resolve("gateway.sock"), "left behind by a killed control plane");
        entry = InternalEntry.open(dir.resolve("gateway.sock"));
        Thread acceptor = new Thread(() -> entry.accept(() -> loop), "test-internal-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() {
        entry.close();
        loop.shutdown();
        relay.shutdown();
    }

    private String exchange(String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(entry.path()));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            return readResponse(Channels.newInputStream(ch));
        }
    }

    @Test
    void theSocketReplacesAStaleFileAndOnlyItsOwnerMayUseIt() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(entry.path()))).isEqualTo("rw-------");
    }

    @Test
    void aCallOfNoFunctionIsAnswered404LikeOnThePublicPortAndCountsNoConnection() throws IOException {
        String answer = exchange("POST /api/nope HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 404 ").contains("no function is deployed at /api/nope");
        assertThat(caps.total()).isZero();
    }

    @Test
    void platformPathsAndAsyncEnqueuesAreNotServedThere() throws IOException {
        assertThat(exchange("GET /system/functions HTTP/1.1\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 404 ").contains("the internal entry serves function calls only");
        assertThat(exchange("GET /actuator/health HTTP/1.1\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 404 ").contains("function calls only");
    }

    @Test
    void closingRemovesTheSocketFile() {
        entry.close();

        assertThat(entry.path()).doesNotExist();
    }
}
