package org.faasj.controlplane.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real platform for integration tests: the packaged jar started as its own process on a free
 * port with a temporary data directory, talked to over HTTP like any client would.
 */
final class RunningPlatform implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    final Path dataDir;
    final int port;
    final Process process;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path log;

    private RunningPlatform(Path dataDir, int port, Process process, Path log) {
        this.dataDir = dataDir;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts the jar with two workers plus the given {@code --name=value} settings and waits until healthy. */
    static RunningPlatform start(Path dataDir, String... extraArgs) throws Exception {
        return start(dataDir, 2, extraArgs);
    }

    /** The same with {@code workers} workers (one makes which process serves a call predictable). */
    static RunningPlatform start(Path dataDir, int workers, String... extraArgs) throws Exception {
        int port = freePort();
        String jar = System.getProperty("faasj.jar");
        if (jar == null || !Files.exists(Path.of(jar))) {
            throw new IllegalStateException("system property faasj.jar must name the built jar (run with mvn verify)");
        }
        // beside the data dir, inside the test's own temp dir, so even a failed start leaves nothing behind:
        // the log, and the JVM's temp files (Tomcat's work dirs, sqlite-jdbc's native library), which a
        // killed platform would otherwise leave in /tmp
        Files.createDirectories(dataDir);
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-platform.log");
        Path tmp = Files.createDirectories(dataDir.resolveSibling(dataDir.getFileName() + "-tmp"));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Djava.io.tmpdir=" + tmp, "-jar", jar,
                "--faas.gateway.port=" + port, "--faas.data-dir=" + dataDir, "--faas.workers.count=" + workers));
        cmd.addAll(List.of(extraArgs));
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RunningPlatform platform = new RunningPlatform(dataDir, port, process, log);
        try {
            platform.awaitHealthy(Duration.ofSeconds(60));
        } catch (Throwable e) {
            platform.close(); // nobody else holds a reference: a failed start must not leave the jar running
            throw e;
        }
        return platform;
    }

    void awaitHealthy(Duration timeout) throws Exception {
        await(timeout, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("platform exited:\n" + logText());
            }
            try {
                HttpResponse<String> r = get("/actuator/health");
                return r.statusCode() == 200 && readyWorkers(JSON.readTree(r.body())) == workerCount(r.body());
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, "platform healthy with all workers ready");
    }

    private static int workerCount(String healthBody) {
        return JSON.readTree(healthBody).path("components").path("workers").path("details").path("configured").asInt(-1);
    }

    static int readyWorkers(JsonNode health) {
        return health.path("components").path("workers").path("details").path("ready").asInt();
    }

    JsonNode health() throws Exception {
        return JSON.readTree(get("/actuator/health").body());
    }

    /** Worker pids as the health endpoint lists them. */
    List<Long> workerPids() throws Exception {
        List<Long> pids = new ArrayList<>();
        for (JsonNode w : health().path("components").path("workers").path("details").path("workers")) {
            pids.add(w.path("pid").asLong());
        }
        return pids;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Any method with an optional admin token: a {@link Multipart} body goes as the upload, a String
     * as JSON, null as no body.
     */
    HttpResponse<String> send(String method, String path, Object body, String token, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(timeout);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body instanceof Multipart upload) {
            b.header("Content-Type", upload.contentType()).method(method, upload.publisher());
        } else if (body instanceof String text) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(text));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends raw bytes on a fresh connection and returns everything the server sends until it closes. */
    String raw(String request, Duration readTimeout) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) readTimeout.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Adds a route row the way an operator with the sqlite3 CLI would, bypassing the platform. */
    void insertRoute(String key, Map<String, Object> descriptor) throws Exception {
        String json = JSON.writeValueAsString(descriptor);
        Process p = new ProcessBuilder("sqlite3", dataDir.resolve("faas_meta.db").toString(),
                "INSERT OR REPLACE INTO functions(k, v, updated) VALUES ('" + key.replace("'", "''") + "', '"
                        + json.replace("'", "''") + "', strftime('%s','now'));")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("sqlite3 failed: " + out);
        }
    }

    long openDescriptors() throws IOException {
        try (var files = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return files.count();
        }
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void await(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
