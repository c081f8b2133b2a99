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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Deploys, raw connections and process facts shared by the integration tests. */
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
        deployResource(platform, "abuse", file, descriptor);
    }

    /** Deploys {@code src/test/resources/<dir>/<file>} with this descriptor; the platform must answer 201. */
    static void deployResource(RunningPlatform platform, String dir, String file, Map<String, Object> descriptor)
            throws Exception {
        Multipart upload = new Multipart().file("code", file, resource(dir, file))
                .field("descriptor", RunningPlatform.JSON.writeValueAsString(descriptor));
        HttpResponse<String> deployed = platform.http.send(HttpRequest.newBuilder(platform.uri("/system/functions"))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + adminToken(platform)).header("Content-Type", upload.contentType())
                .POST(upload.publisher()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, deployed.statusCode(), "deploy " + file + ": " + deployed.body());
    }

    private static byte[] resource(String dir, String file) throws IOException {
        String name = "/" + dir + "/" + file;
        try (InputStream in = AbuseSupport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            return in.readAllBytes();
        }
    }

    /** Pids whose command line names {@code function@version}: the handler bootstraps' last argument. */
    static List<Long> processesServing(String tag) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (List.of(cmdline.split("\0")).contains(tag)) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException gone) {
                    // ended while listed
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return pids;
    }

    /** The worker JVMs: children of the platform process running WorkerMain. */
    static List<Long> workerPids(RunningPlatform platform) {
        return platform.process.toHandle().children()
                .filter(p -> p.info().commandLine().orElse("").contains("org.faasj.worker.WorkerMain"))
                .map(ProcessHandle::pid).sorted().toList();
    }

    /** A process's threads counted by name, numbers left out ("invoke-12" counts as "invoke-"). */
    static java.util.SortedMap<String, Long> threadKinds(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.map(t -> {
                try {
                    return Files.readString(t.resolve("comm")).strip().replaceAll("[0-9]+", "");
                } catch (IOException gone) {
                    return "(ended)";
                }
            }).collect(java.util.stream.Collectors.groupingBy(n -> n, java.util.TreeMap::new,
                    java.util.stream.Collectors.counting()));
        } catch (IOException gone) {
            return new java.util.TreeMap<>();
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
