package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.Reader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * Every probe path deploy/kubernetes/deployment.yaml names answers 200 UP on the packaged jar's
 * public port, as the kubelet would ask it (anonymously, with the pod's own address as host).
 */
class KubernetesProbesIT {

    private static final Path REPO = Path.of(System.getProperty("faasj.repo", "..")).toAbsolutePath().normalize();
    private static final Pattern PATH = Pattern.compile("\\bpath=(/[^,}]*)");

    @TempDir
    static Path tmp;
    static RunningPlatform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void everyProbePathOfTheDeploymentAnswersUp() throws Exception {
        Set<String> paths = probePaths();
        assertEquals(Set.of("/actuator/health/liveness", "/actuator/health/readiness"), paths);
        for (String path : paths) {
            HttpResponse<String> probe = platform.get(path);
            assertEquals(200, probe.statusCode(), path + ": " + probe.body());
            assertEquals("UP", RunningPlatform.JSON.readTree(probe.body()).path("status").asString(), path);
        }
        assertFalse(platform.get("/actuator/health/no-such-group").statusCode() == 200, "a wrong path would not pass");
    }

    /** The httpGet paths of every probe in the Deployment, found in its parsed form. */
    private static Set<String> probePaths() throws Exception {
        Map<String, Object> deployment;
        try (Reader reader = Files.newBufferedReader(REPO.resolve("deploy/kubernetes/deployment.yaml"))) {
            deployment = new Yaml().load(reader);
        }
        Set<String> paths = new TreeSet<>();
        Matcher m = PATH.matcher(deployment.toString());
        while (m.find()) {
            paths.add(m.group(1));
        }
        return paths;
    }
}
