package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM drains: readiness goes down at once, new connections are refused, idle keep-alive
 * connections are closed, the call in flight gets its answer, then the process and its workers exit.
 */
class GracefulDrainIT {

    private static final int GRACE_SECONDS = 20;
    private static final Pattern TOMCAT_PORT = Pattern.compile("Tomcat started on port[s]?[:( ]*(\\d+)");

    @TempDir
    Path tmp;

    @Test
    void aCallInFlightAtSigtermFinishesWhileNewConnectionsAreRefusedAndEverythingExits() throws Exception {
        try (RunningPlatform platform = RunningPlatform.start(tmp.resolve("data"),
                "--faas.shutdown.grace=" + GRACE_SECONDS + "s")) {
            Path script = Files.createDirectories(platform.dataDir.resolve("three-s")).resolve("three-s.php");
            Files.writeString(script, "<?php sleep(3); echo '{\"slept\":3}';\n");
            platform.insertRoute("GET:/it/three-s", Map.of("name", "three-s", "runtime", "php",
                    "module", script.toString(), "timeout", 20, "memory", 64));
            RunningPlatform.await(Duration.ofSeconds(5), () -> routeIsLive(platform, "/it/three-s"), "route live");

            URI readiness = URI.create("http://127.0.0.1:" + loopbackPort(platform) + "/actuator/health/readiness");
            assertEquals(200, status(platform, readiness));
            List<Long> workers = platform.workerPids();

            try (Socket idle = keptAliveConnection(platform); Socket call = new Socket("127.0.0.1", platform.port)) {
                // a keep-alive request on a raw socket: its answer's Connection header is visible, and nothing retries it
                call.setSoTimeout(30_000);
                call.getOutputStream().write("GET /it/three-s HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> readResponse(call));
                RunningPlatform.await(Duration.ofSeconds(10), () -> aCallIsInFlight(platform), "the 3 s call running");

                long sigterm = System.nanoTime();
                platform.process.destroy();

                // readiness is published before anything stops, while Spring's web server still answers
                RunningPlatform.await(Duration.ofSeconds(3), () -> status(platform, readiness) == 503, "readiness down");
                assertNewCallsAreRefusedPromptly(platform);
                idle.setSoTimeout(5_000);
                assertEquals(-1, idle.getInputStream().read(), "an idle keep-alive connection is closed");

                String answer = inFlight.get(30, TimeUnit.SECONDS);
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
                assertTrue(answer.contains("\"slept\":3"), answer);
                assertTrue(answer.contains("Connection: close"), "a call finished during the drain closes: " + answer);

                assertTrue(platform.process.waitFor(GRACE_SECONDS + 15, TimeUnit.SECONDS), "the platform did not exit");
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - sigterm);
                assertTrue(seconds < GRACE_SECONDS, "exit took " + seconds + " s although the only call took 3 s");
            }
            RunningPlatform.await(Duration.ofSeconds(10),
                    () -> workers.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)),
                    "workers " + workers + " gone");
            String log = platform.logText();
            assertTrue(log.contains("Gateway drained"), log);
        }
    }

    /**
     * Between SIGTERM and the listener's close a connection may still be taken and served; after
     * that every attempt must be refused (or answered 503), each within a couple of seconds.
     */
    private static void assertNewCallsAreRefusedPromptly(RunningPlatform platform) throws Exception {
        HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() - deadline < 0) {
            try {
                int status = fresh.send(HttpRequest.newBuilder(platform.uri("/ping")).timeout(Duration.ofSeconds(3))
                        .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 503) {
                    return;
                }
            } catch (ConnectException refused) {
                return;
            } catch (HttpTimeoutException hung) {
                fail("a call after SIGTERM hung instead of being refused");
            } catch (IOException reset) {
                return; // closed at once, also a prompt refusal
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        fail("new calls were still served 5 s after SIGTERM");
    }

    /** A connection that served one request and now sits idle, kept alive. */
    private static Socket keptAliveConnection(RunningPlatform platform) throws IOException {
        Socket s = new Socket("127.0.0.1", platform.port);
        s.setSoTimeout(10_000);
        s.getOutputStream().write("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        String head = readHead(in);
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
        Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        assertTrue(length.find(), head);
        in.readNBytes(Integer.parseInt(length.group(1)));
        return s;
    }

    private static String readResponse(Socket s) {
        try {
            InputStream in = s.getInputStream();
            String head = readHead(in);
            Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
            int n = length.find() ? Integer.parseInt(length.group(1)) : 0;
            return head + new String(in.readNBytes(n), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static int loopbackPort(RunningPlatform platform) {
        Matcher m = TOMCAT_PORT.matcher(platform.logText());
        if (!m.find()) {
            throw new IllegalStateException("no Tomcat port in the log:\n" + platform.logText());
        }
        return Integer.parseInt(m.group(1));
    }

    private static int status(RunningPlatform platform, URI uri) {
        try {
            return platform.http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static boolean aCallIsInFlight(RunningPlatform platform) {
        try {
            for (var w : platform.health().path("components").path("workers").path("details").path("workers")) {
                if (w.path("inFlight").asInt() > 0) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean routeIsLive(RunningPlatform platform, String path) {
        try {
            return platform.http.send(HttpRequest.newBuilder(platform.uri(path))
                    .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 405;
        } catch (Exception e) {
            return false;
        }
    }
}
