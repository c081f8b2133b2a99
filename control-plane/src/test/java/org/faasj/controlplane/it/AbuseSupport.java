package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Deploys, raw connections and worker process facts for the issue 14 integration tests. */
final class AbuseSupport {

    private AbuseSupport() {
    }

    static String adminToken(RunningPlatform platform) throws IOException {
        return Files.readString(platform.dataDir.resolve("admin-token")).strip();
    }

    /** Deploys {@code src/test/resources/abuse/<file>} as function {@code name} (route POST /api/<name>). */
    static void deploy(RunningPlatform platform, String file, String runtime, String name) throws Exception {
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("runtime", runtime);
        descriptor.put("name", name);
        Multipart upload = new Multipart().file("code", file, resource(file))
                .field("descriptor", RunningPlatform.JSON.writeValueAsString(descriptor));
        HttpResponse<String> deployed = platform.http.send(HttpRequest.newBuilder(platform.uri("/system/functions"))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + adminToken(platform)).header("Content-Type", upload.contentType())
                .POST(upload.publisher()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, deployed.statusCode(), "deploy " + file + ": " + deployed.body());
    }

    private static byte[] resource(String file) throws IOException {
        try (InputStream in = AbuseSupport.class.getResourceAsStream("/abuse/" + file)) {
            if (in == null) {
                throw new IllegalStateException("no test resource /abuse/" + file);
            }
            return in.readAllBytes();
        }
    }

    /** The worker JVMs: children of the platform process running WorkerMain. */
    static List<Long> workerPids(RunningPlatform platform) {
        return platform.process.toHandle().children()
                .filter(p -> p.info().commandLine().orElse("").contains("org.faasj.worker.WorkerMain"))
                .map(ProcessHandle::pid).sorted().toList();
    }

    static long threads(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.count();
        } catch (IOException gone) {
            return -1;
        }
    }

    /** A raw client connection on the platform's port. */
    static Socket open(RunningPlatform platform, Duration readTimeout) throws IOException {
        Socket s = new Socket("127.0.0.1", platform.port);
        s.setSoTimeout((int) readTimeout.toMillis());
        return s;
    }

    static void send(Socket s, String text) throws IOException {
        send(s, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    static void send(Socket s, byte[] bytes) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    /** Everything until the server closes, as text. */
    static String readToEnd(Socket s) throws IOException {
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** The status line's code of a raw response, or -1 when there is none. */
    static int status(String rawResponse) {
        if (!rawResponse.startsWith("HTTP/1.1 ")) {
            return -1;
        }
        return Integer.parseInt(rawResponse.substring(9, 12));
    }
}
