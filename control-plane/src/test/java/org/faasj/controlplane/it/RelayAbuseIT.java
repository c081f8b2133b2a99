package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow and unauthorised clients of the console/API relay: they get deadlines, a per-client cap and
 * places that health checks never share, and an upload without the token is refused from its head.
 * Hostile clients connect from other loopback addresses (all of 127/8 is local on Linux).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelayAbuseIT {

    private static final int IDLE_SECONDS = 3;
    private static final int TOTAL_SECONDS = 30;
    private static final long ELEVEN_MB = 11L * 1024 * 1024;

    @TempDir
    static Path tmp;
    static RunningPlatform platform;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"),
                "--faas.gateway.relay.idle-timeout=" + IDLE_SECONDS + "s",
                "--faas.gateway.relay.total-timeout=" + TOTAL_SECONDS + "s",
                "--faas.gateway.relay.max-uploads=32", "--faas.gateway.relay.max-per-client=8");
        token = AbuseSupport.adminToken(platform);
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    @Test
    @Order(1)
    void anUploadWithABadTokenIsRefusedFromItsHeadBeforeItsBodyIsSent() throws Exception {
        for (String expect : List.of("Expect: 100-continue\r\n", "")) {
            try (Socket s = connectFrom("127.0.0.1")) {
                s.setSoTimeout(20_000);
                // the head only: a relay that waited for the body (or parsed it) would never answer
                s.getOutputStream().write(uploadHead("Bearer " + "0".repeat(64), ELEVEN_MB, expect));
                String answer = readAll(s.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 401 "), answer);
                assertFalse(answer.contains("100 Continue"), answer);
                assertTrue(answer.contains("WWW-Authenticate: Bearer"), answer);
                assertTrue(answer.contains("application/problem+json") && answer.contains("wrong admin token"), answer);
            }
        }
        try (Socket s = connectFrom("127.0.0.1")) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(uploadHead(null, ELEVEN_MB, ""));
            assertTrue(readAll(s.getInputStream()).startsWith("HTTP/1.1 401 "));
        }
    }

    @Test
    @Order(2)
    void aRelayWhoseBodyStopsIsCutAtTheIdleDeadlineWith408() throws Exception {
        try (Socket s = connectFrom("127.0.0.1")) {
            s.setSoTimeout(60_000);
            long started = System.nanoTime();
            s.getOutputStream().write(uploadHead("Bearer " + token, ELEVEN_MB, ""));
            s.getOutputStream().write("--x\r\n".getBytes(StandardCharsets.ISO_8859_1)); // then nothing more
            String answer = readAll(s.getInputStream());
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            assertTrue(answer.contains("idle-timeout"), answer);
            assertTrue(seconds >= IDLE_SECONDS - 1, "cut after " + seconds + " s, before the idle deadline");
        }
    }

    @Test
    @Order(3)
    void aDeclaredBodyThatStopsAfterTheAnswerBeganIsCutAtTheIdleDeadlineToo() throws Exception {
        try (Socket s = connectFrom("127.0.0.1")) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write(greedyHead()); // Spring answers at once, then waits for the body
            String answer = readAll(s.getInputStream()); // ends only when the relay closes the connection
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        }
    }

    @Test
    @Order(4)
    void aTrickleThatNeverEndsIsCutAtTheTotalDeadlineWith504() throws Exception {
        try (Socket s = connectFrom("127.0.0.1")) {
            long started = System.nanoTime();
            s.getOutputStream().write(uploadHead("Bearer " + token, ELEVEN_MB, ""));
            InputStream in = s.getInputStream();
            // one byte every 500 ms keeps the idle deadline away; only the total one can end it
            while (in.available() == 0 && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(TOTAL_SECONDS * 4L)) {
                s.getOutputStream().write('a');
                TimeUnit.MILLISECONDS.sleep(500);
            }
            s.setSoTimeout(20_000);
            String answer = readAll(in);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            assertTrue(answer.startsWith("HTTP/1.1 504 "), answer);
            assertTrue(seconds >= TOTAL_SECONDS - 1, "cut after " + seconds + " s, before the total deadline");
        }
    }

    @Test
    @Order(5)
    void fortyTricklingUploadsLeaveHealthChecksAndTheConsoleAnswering() throws Exception {
        List<Socket> uploads = new CopyOnWriteArrayList<>();
        Thread trickle = trickle(uploads);
        try {
            // an anonymous client holds relays by trickling a body the server swallows after answering (GET with a
            // body); it gets 8 places, and its 9th is refused with 429 however free the relay is
            List<Socket> greedy = openGreedyReads("127.0.0.9", 9, uploads);
            RunningPlatform.await(Duration.ofSeconds(30), () -> answered(greedy).size() == 9, "9 answers");
            List<String> statuses = new ArrayList<>();
            for (Socket s : greedy) {
                String first = readSome(s.getInputStream());
                statuses.add(first.substring(0, 12));
                if (first.startsWith("HTTP/1.1 429")) {
                    assertTrue(first.contains("Retry-After:") && first.contains("max-per-client"), first);
                }
            }
            assertEquals(8, statuses.stream().filter(st -> st.equals("HTTP/1.1 200")).count(), statuses.toString());
            assertEquals(1, statuses.stream().filter(st -> st.equals("HTTP/1.1 429")).count(), statuses.toString());

            // 40 uploads with the token from 5 addresses: 24 fill the 32 places for bodies, 16 get 503 at once
            List<Socket> crowd = new ArrayList<>();
            for (int i = 2; i <= 6; i++) {
                crowd.addAll(openUploads("127.0.0." + i, 8, uploads));
            }
            RunningPlatform.await(Duration.ofSeconds(30), () -> answered(crowd).size() >= 16, "16 refusals");
            List<Socket> busy = answered(crowd);
            for (Socket s : busy) {
                String answer = readAll(s.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 503 "), answer);
            }
            for (int i = 0; i < 5; i++) {
                long started = System.nanoTime();
                HttpResponse<String> health = platform.http.send(HttpRequest.newBuilder(platform.uri("/actuator/health"))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, health.statusCode(), health.body());
                assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "health took over 5 s");
            }
            HttpResponse<String> console = platform.get("/");
            assertEquals(200, console.statusCode(), "the console's pages have places of their own");
            List<Socket> admitted = new ArrayList<>(crowd);
            admitted.removeAll(busy);
            assertEquals(24, admitted.size());
            assertTrue(answered(admitted).isEmpty(), "the 24 admitted uploads are still running");
        } finally {
            trickle.interrupt();
            trickle.join();
            for (Socket s : uploads) {
                s.close();
            }
        }
        // the places come back once the clients have gone
        RunningPlatform.await(Duration.ofSeconds(30), () -> {
            try (Socket s = connectFrom("127.0.0.9")) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(greedyHead());
                return readSome(s.getInputStream()).startsWith("HTTP/1.1 200");
            } catch (IOException e) {
                return false;
            }
        }, "the greedy client's places released");
    }

    private static List<Socket> openGreedyReads(String from, int count, List<Socket> all) throws IOException {
        List<Socket> opened = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket s = connectFrom(from);
            s.setSoTimeout(20_000);
            all.add(s);
            opened.add(s);
            s.getOutputStream().write(greedyHead());
        }
        return opened;
    }

    private static byte[] greedyHead() {
        return ("GET /system/functions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + ELEVEN_MB + "\r\n\r\n-")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** What has arrived so far (at least one byte). */
    private static String readSome(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        int n = in.read(buf);
        return n < 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static List<Socket> openUploads(String from, int count, List<Socket> all) throws IOException {
        List<Socket> opened = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket s = connectFrom(from);
            all.add(s);
            opened.add(s);
            s.getOutputStream().write(uploadHead("Bearer " + token, ELEVEN_MB, ""));
            s.getOutputStream().write('-');
        }
        return opened;
    }

    /** One byte every 500 ms on every connection still open, well inside the idle deadline. */
    private static Thread trickle(List<Socket> sockets) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                for (Socket s : sockets) {
                    try {
                        s.getOutputStream().write('-');
                    } catch (IOException e) {
                        // refused and closed by the server: nothing more to send there
                    }
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "trickle");
        t.start();
        return t;
    }

    private static List<Socket> answered(List<Socket> sockets) {
        List<Socket> answered = new ArrayList<>();
        for (Socket s : sockets) {
            try {
                if (s.getInputStream().available() > 0) {
                    answered.add(s);
                }
            } catch (IOException e) {
                // reset after the answer was read: counted when it was seen
            }
        }
        return answered;
    }

    private static Socket connectFrom(String localAddress) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        s.connect(new InetSocketAddress("127.0.0.1", platform.port), 5_000);
        return s;
    }

    private static byte[] uploadHead(String authorization, long contentLength, String extra) {
        return ("POST /upload HTTP/1.1\r\nHost: 127.0.0.1:" + platform.port + "\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: " + contentLength + "\r\n"
                + extra + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Everything until the server closes (or the socket's read timeout, which fails the test). */
    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
