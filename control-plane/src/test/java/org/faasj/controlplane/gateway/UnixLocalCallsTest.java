package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a stand-in server on a real Unix socket. */
class UnixLocalCallsTest {

    @TempDir
    Path dir;
    private ServerSocketChannel server;
    private UnixLocalCalls calls;

    @BeforeEach
    void start() throws IOException {
        Path socket = dir.resolve("gateway.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
        calls = new UnixLocalCalls(socket);
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        calls.shutdown();
    }

    private static LocalRequest request(List<Map.Entry<String, String>> headers, String body) {
        return new LocalRequest("POST", "/api/hello", "a=1", headers, body.getBytes(StandardCharsets.UTF_8), "k3x9qd2a-0-1z");
    }

    /** Serves one connection: reads the request head and a body of {@code bodyBytes}, then sends {@code answer}. */
    private CompletableFuture<String> serveOnce(int bodyBytes, String answer) {
        return CompletableFuture.supplyAsync(() -> {
            try (SocketChannel ch = server.accept()) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(4096);
                while (!complete(got.toString(StandardCharsets.ISO_8859_1), bodyBytes)) {
                    buf.clear();
                    if (ch.read(buf) < 0) {
                        break;
                    }
                    got.write(buf.array(), 0, buf.position());
                }
                ch.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.ISO_8859_1)));
                return got.toString(StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static boolean complete(String s, int bodyBytes) {
        int end = s.indexOf("\r\n\r\n");
        return end >= 0 && s.length() - end - 4 >= bodyBytes;
    }

    @Test
    void theRequestCarriesItsHeadersTheCallIdTheAttemptAndItsLengthButNoHopByHopHeaders() throws Exception {
        CompletableFuture<String> seen = serveOnce(4, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        LocalAnswer answer = calls.call(request(List.of(Map.entry("Content-Type", "text/plain"), Map.entry("Connection", "keep-alive"),
                Map.entry("Transfer-Encoding", "chunked"), Map.entry("X-Faas-Attempt", "9"), Map.entry("X-Call-Id", "other-1"),
                Map.entry("Content-Length", "999")), "ping"), 3, 1000, Duration.ofSeconds(10));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).asString().isEqualTo("ok");
        assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("POST /api/hello?a=1 HTTP/1.1\r\n"
                + "Content-Type: text/plain\r\nHost: localhost\r\nX-Call-Id: k3x9qd2a-0-1z\r\nX-Faas-Attempt: 3\r\n"
                + "Content-Length: 4\r\nConnection: close\r\n\r\nping");
    }

    @Test
    void aServerThatNeverAnswersEndsTheCallAtTheDeadline() {
        CompletableFuture<String> silent = CompletableFuture.supplyAsync(() -> {
            try {
                SocketChannel ch = server.accept(); // kept open, never answered
                Thread.sleep(30_000);
                ch.close();
                return "";
            } catch (IOException | InterruptedException e) {
                return "";
            }
        });
        long start = System.nanoTime();

        assertThatThrownBy(() -> calls.call(request(List.of(), ""), 1, 100, Duration.ofMillis(300)))
                .isInstanceOf(IOException.class).hasMessageContaining("no complete answer within PT0.3S");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        silent.cancel(true);
    }

    @Test
    void aMalformedAnswerIsAnIOException() {
        serveOnce(0, "garbage\r\n\r\n");

        assertThatThrownBy(() -> calls.call(request(List.of(), ""), 1, 100, Duration.ofSeconds(10)))
                .isInstanceOf(IOException.class).hasMessageContaining("bad status line 'garbage'");
    }

    @Test
    void noListenerIsAnIOExceptionAtOnce() throws IOException {
        server.close();
        UnixLocalCalls nowhere = new UnixLocalCalls(dir.resolve("missing.sock"));
        try {
            assertThatThrownBy(() -> nowhere.call(request(List.of(), ""), 1, 100, Duration.ofSeconds(10)))
                    .isInstanceOf(IOException.class);
        } finally {
            nowhere.shutdown();
        }
    }

    @Test
    void valuesThatCouldSplitTheHeadAreRefusedBeforeAnythingIsSent() {
        assertThatThrownBy(() -> UnixLocalCalls.head(request(List.of(Map.entry("X-A", "1\r\nX-Faas-Attempt: 5")), ""), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UnixLocalCalls.head(request(List.of(Map.entry("X A", "1")), ""), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UnixLocalCalls.head(new LocalRequest("POST", "/a b", null, List.of(), new byte[0], "a-1"), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UnixLocalCalls.head(new LocalRequest("POST", "/a", null, List.of(), new byte[0], "bad id"), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("call id");
        assertThatThrownBy(() -> UnixLocalCalls.head(request(List.of(), ""), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStoredHostIsKept() {
        String head = new String(UnixLocalCalls.head(request(List.of(Map.entry("Host", "api.example.com")), ""), 1),
                StandardCharsets.ISO_8859_1);

        assertThat(head).contains("Host: api.example.com\r\n").doesNotContain("Host: localhost");
    }
}
