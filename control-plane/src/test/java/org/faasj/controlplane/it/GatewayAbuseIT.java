package org.faasj.controlplane.it;

import static org.faasj.controlplane.testing.RawResponses.readResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway under hostile or broken clients and a dying worker (issue 14, items 1-3 and 9),
 * against the packaged jar. One event loop, so a client that could stall a loop would stall all.
 * Clients come from different loopback addresses (127.0.0.x) so each test has its own per-client count.
 */
class GatewayAbuseIT {

    private static final int PER_CLIENT = 50;
    private static final String NOT_FOUND = "GET /no/such/route HTTP/1.1\r\nHost: x\r\n\r\n";

    @TempDir
    static Path tmp;
    static RunningPlatform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"), "--faas.gateway.io-threads=1",
                "--faas.gateway.max-connections-per-client=" + PER_CLIENT, "--faas.gateway.write-timeout=2s",
                "--faas.gateway.head-read-timeout=60s");
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    private static Socket connectFrom(String localAddress) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        s.connect(new InetSocketAddress("127.0.0.1", platform.port), 5_000);
        s.setSoTimeout(20_000);
        return s;
    }

    @Test
    void connectionsPastThePerClientCapGet503WhileTheOnesBelowItAreServed() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < PER_CLIENT; i++) {
                held.add(connectFrom("127.0.0.2"));
            }
            try (Socket over = connectFrom("127.0.0.2")) {
                String answer = new String(over.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(answer.startsWith("HTTP/1.1 503 "), answer);
                assertTrue(answer.contains("application/problem+json"), answer);
                assertTrue(answer.contains("this client holds its maximum number of connections"), answer);
            }
            try (Socket other = connectFrom("127.0.0.3")) {
                assertTrue(exchange(other, NOT_FOUND).startsWith("HTTP/1.1 404 "));
            }
            for (Socket s : held) {
                assertTrue(exchange(s, NOT_FOUND).startsWith("HTTP/1.1 404 "), "a connection below the cap was refused");
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        RunningPlatform.await(Duration.ofSeconds(10), () -> {
            try (Socket again = connectFrom("127.0.0.2")) {
                return exchange(again, NOT_FOUND).startsWith("HTTP/1.1 404 ");
            } catch (IOException e) {
                return false;
            }
        }, "the client's connections counted again once it closed them");
    }

    @Test
    void aThousandIdleConnectionsCostLittleHeapAndRequestsStillWork() throws Exception {
        int idle = 1000;
        long before = liveHeapBytes();
        List<Socket> held = new ArrayList<>();
        try {
            // each connection is served once, so the gateway surely holds it, then sits idle in keep-alive
            // (counting the platform's descriptors instead raced with other connections closing meanwhile)
            for (int i = 0; i < idle; i++) {
                Socket s = connectFrom("127.0.1." + (10 + i / PER_CLIENT));
                held.add(s);
                String answer = exchange(s, NOT_FOUND);
                assertTrue(answer.startsWith("HTTP/1.1 404 ") && answer.contains("keep-alive"), answer);
            }
            long grown = liveHeapBytes() - before;
            System.out.printf("[figures] live heap for %d idle connections: +%d KiB (%d bytes each)%n",
                    idle, grown / 1024, grown / idle);
            // each used to hold a 24 KiB buffer (24 MB here); now 2 KiB plus the channel's own objects
            assertTrue(grown < idle * 12L * 1024, "live heap grew by " + grown / 1024 + " KiB for " + idle + " idle connections");
            HttpResponse<String> ping = platform.get("/ping");
            assertEquals(200, ping.statusCode(), ping.body());
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aClientThatNeverReadsItsAnswersIsCutOffAndStallsNobodyOnTheSameLoop() throws Exception {
        Socket greedy = new Socket();
        greedy.setReceiveBufferSize(4096);
        greedy.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.4"), 0));
        greedy.connect(new InetSocketAddress("127.0.0.1", platform.port), 5_000);
        AtomicLong sent = new AtomicLong();
        byte[] burst = NOT_FOUND.repeat(1000).getBytes(StandardCharsets.ISO_8859_1);
        // pipelines 404 requests and never reads: the gateway's answers fill the window, then its buffer
        CompletableFuture<Throwable> writer = CompletableFuture.supplyAsync(() -> {
            try (greedy) {
                OutputStream out = greedy.getOutputStream();
                for (int i = 0; i < 1000; i++) {
                    out.write(burst);
                    sent.addAndGet(burst.length);
                }
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        try {
            RunningPlatform.await(Duration.ofSeconds(10), () -> sent.get() > 4 * burst.length, "the greedy client sending");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int served = 0;
            while (!writer.isDone() && System.nanoTime() < deadline) {
                try (Socket polite = connectFrom("127.0.0.5")) {
                    polite.setSoTimeout(5_000); // the loop would be stuck for good if a write blocked it
                    assertTrue(exchange(polite, NOT_FOUND).startsWith("HTTP/1.1 404 "));
                    served++;
                }
            }
            Throwable ended = writer.get(30, TimeUnit.SECONDS);
            assertTrue(ended instanceof IOException, "the greedy client was never cut off (sent " + sent.get() + " bytes)");
            assertTrue(served > 0, "nobody was served while the greedy client was connected");
        } finally {
            greedy.close();
        }
    }

    @Test
    void aWorkerKilledBeforeItAnswersGivesTheClientA502Problem() throws Exception {
        Path script = Files.createDirectories(platform.dataDir.resolve("it-abuse")).resolve("it_abuse_sleep.py");
        Files.writeString(script, "import time\ntime.sleep(30)\nprint('{}')\n");
        platform.insertRoute("GET:/it/abuse/sleep", Map.of("name", "it-abuse-sleep", "runtime", "python",
                "module", script.toString(), "timeout", 60, "memory", 64));
        RunningPlatform.await(Duration.ofSeconds(5), () -> {
            try (Socket s = connectFrom("127.0.0.6")) {
                return exchange(s, "PATCH /it/abuse/sleep HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 405 ");
            } catch (IOException e) {
                return false;
            }
        }, "route /it/abuse/sleep live");
        List<Long> workers = platform.workerPids();
        try (Socket client = connectFrom("127.0.0.6")) {
            client.setSoTimeout(60_000);
            client.getOutputStream().write("GET /it/abuse/sleep HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            RunningPlatform.await(Duration.ofSeconds(20), () -> functionRunning("it_abuse_sleep.py"), "the function running");
            for (long pid : workers) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            String answer = readResponse(client.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 502 "), answer);
            assertTrue(answer.contains("application/problem+json"), answer);
            assertTrue(answer.contains("stopped before it answered"), answer);
            assertTrue(answer.contains("\"function\":\"it-abuse-sleep\""), answer);
        }
        RunningPlatform.await(Duration.ofSeconds(60), () -> {
            try {
                return RunningPlatform.readyWorkers(platform.health()) == 2 && !platform.workerPids().equals(workers);
            } catch (Exception e) {
                return false;
            }
        }, "workers replaced");
        assertEquals(200, platform.get("/ping").statusCode());
    }

    @Test
    void aCloseAckShutsTheConnectionDownSoTheWorkersBodyReaderLetsGoOfIt() throws Exception {
        Path script = Files.createDirectories(platform.dataDir.resolve("it-noread")).resolve("it_noread.py");
        Files.writeString(script, "print('{\"read\": false}')\n");
        platform.insertRoute("POST:/it/abuse/noread", Map.of("name", "it-noread", "runtime", "python",
                "module", script.toString(), "timeout", 2, "memory", 64));
        RunningPlatform.await(Duration.ofSeconds(5), () -> {
            try (Socket s = connectFrom("127.0.0.7")) {
                return exchange(s, "PATCH /it/abuse/noread HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 405 ");
            } catch (IOException e) {
                return false;
            }
        }, "route /it/abuse/noread live");
        try (Socket client = connectFrom("127.0.0.7")) {
            // announces a large body and sends almost none of it: the worker's body pump blocks reading
            String answer = exchange(client, "POST /it/abuse/noread HTTP/1.1\r\nHost: x\r\nContent-Length: 8000000\r\n\r\nabc");
            assertTrue(answer.startsWith("HTTP/1.1 "), answer);
            assertTrue(answer.contains("Connection: close"), answer);
            // the worker answered and closed its copy, the gateway shut the connection down: the client
            // sees the end although the pump thread still held a descriptor of it
            client.setSoTimeout(10_000);
            assertEquals(-1, client.getInputStream().read());
        }
    }

    /** Whether a process whose command line names this file runs (the sandboxed function, seen from the host). */
    private static boolean functionRunning(String file) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).anyMatch(p -> {
                try {
                    return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.ISO_8859_1).contains(file);
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    /** Bytes of live objects in the platform's heap, after the full GC that the histogram makes. */
    private static long liveHeapBytes() throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(platform.process.pid()), "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(jcmd.waitFor(60, TimeUnit.SECONDS) && jcmd.exitValue() == 0, out);
        Matcher total = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(out);
        assertTrue(total.find(), out);
        return Long.parseLong(total.group(1));
    }

    private static String exchange(Socket s, String request) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        return readResponse(s.getInputStream());
    }
}
