package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;

import org.faasj.controlplane.testing.PostgresDatabase;

import tools.jackson.databind.JsonNode;

/** Helpers for the cluster ITs: nodes of the packaged jar sharing one throw-away PostgreSQL database. */
final class ClusterNodes {

    static final String TOKEN = "cluster-it-token-5f1c0e2a9b7d4c3e";

    private ClusterNodes() {
    }

    /** One node: its own data dir (and so its own run dir and workers), the shared store, one worker. */
    static RunningPlatform node(Path dataDir, PostgresDatabase db) throws Exception {
        return node(dataDir, db, Duration.ofSeconds(1));
    }

    /** Likewise with another heartbeat (async claims last three of them) and further arguments. */
    static RunningPlatform node(Path dataDir, PostgresDatabase db, Duration heartbeat, String... extraArgs)
            throws Exception {
        String[] args = new String[4 + extraArgs.length];
        args[0] = "--faas.store.url=" + db.jdbcUrl();
        args[1] = "--faas.store.username=postgres";
        args[2] = "--faas.admin-token=" + TOKEN;
        args[3] = "--faas.store.heartbeat=" + heartbeat.toMillis() + "ms";
        System.arraycopy(extraArgs, 0, args, 4, extraArgs.length);
        return RunningPlatform.start(dataDir, 1, args);
    }

    static String answering(int v) {
        return "<?php echo json_encode(['answer' => " + v + "]);\n";
    }

    /** Deploys (POST) or redeploys (PUT) a PHP function answering {@code v} at {@code POST /api/<name>}. */
    static void deploy(RunningPlatform node, String name, int v) throws Exception {
        HttpResponse<String> r = deployAnswer(node, name, v);
        assertEquals(r.request().method().equals("PUT") ? 200 : 201, r.statusCode(), r.body());
    }

    static HttpResponse<String> deployAnswer(RunningPlatform node, String name, int v) throws Exception {
        Multipart upload = new Multipart().file("code", "f.php", answering(v))
                .field("descriptor", "{\"runtime\":\"php\",\"name\":\"" + name + "\"}");
        boolean exists = node.get("/system/functions/" + name).statusCode() == 200;
        return send(node, exists ? "PUT" : "POST", exists ? "/system/functions/" + name : "/system/functions", upload);
    }

    static HttpResponse<String> send(RunningPlatform node, String method, String path, Object body) throws Exception {
        return node.send(method, path, body, TOKEN, Duration.ofSeconds(60));
    }

    /** What the function answers on this node now: its number, or minus the HTTP status when not 200. */
    static int answer(RunningPlatform node, String name) throws Exception {
        HttpResponse<String> call = node.post("/api/" + name, "{}");
        if (call.statusCode() != 200) {
            return -call.statusCode();
        }
        return RunningPlatform.JSON.readTree(call.body()).path("answer").asInt();
    }

    static void awaitAnswer(RunningPlatform node, String name, int expected, Duration timeout) throws Exception {
        RunningPlatform.await(timeout, () -> {
            try {
                return answer(node, name) == expected;
            } catch (Exception e) {
                return false;
            }
        }, name + " answering " + expected + " on port " + node.port);
    }

    /**
     * On a client of its own: a 503 health answer must not leave the node's shared client a
     * connection the gateway is closing, which the next function call would then pick up.
     */
    static JsonNode storeHealth(RunningPlatform node) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(node.uri("/actuator/health"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return RunningPlatform.JSON.readTree(r.body()).path("components").path("store");
    }

    /** Runs statements as the PostgreSQL superuser, on the {@code postgres} database. */
    static void admin(PostgresDatabase db, String... statements) throws Exception {
        String url = db.jdbcUrl().substring(0, db.jdbcUrl().lastIndexOf('/') + 1) + "postgres";
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    static String databaseName(PostgresDatabase db) {
        return db.jdbcUrl().substring(db.jdbcUrl().lastIndexOf('/') + 1);
    }
}
