package org.faasj.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/kubernetes parses and agrees with the jar: every document a kind we expect, probes on
 * the actuator's probe groups, ports on the gateway's default, every FAAS_* variable a real
 * {@code faas.*} setting, and a termination grace long enough for the drain. {@code
 * KubernetesProbesIT} asks the packaged jar for the probe paths themselves.
 */
class KubernetesManifestsTest {

    static final Path DIR = Path.of("../deploy/kubernetes");
    private static final Map<String, Map<String, Object>> byKind = new HashMap<>();

    @BeforeAll
    static void parse() throws IOException {
        for (Map<String, Object> document : documents()) {
            assertThat(byKind.put((String) document.get("kind"), document)).as("one document per kind").isNull();
        }
    }

    @Test
    void theManifestsAreTheFourKindsAndKustomizeListsEveryFile() throws IOException {
        assertThat(byKind).containsOnlyKeys("ConfigMap", "Secret", "Deployment", "Service");
        Map<String, Object> kustomization = load(DIR.resolve("kustomization.yaml")).get(0);
        assertThat(list(kustomization.get("resources"))).containsExactlyInAnyOrderElementsOf(manifestFiles());
    }

    @Test
    void threeReplicasOnTheActuatorProbes() {
        assertThat(map(byKind.get("Deployment").get("spec")).get("replicas")).isEqualTo(3);
        Map<String, Object> container = container();
        assertThat(probePath(container, "livenessProbe")).isEqualTo("/actuator/health/liveness");
        assertThat(probePath(container, "startupProbe")).isEqualTo("/actuator/health/liveness");
        assertThat(probePath(container, "readinessProbe")).isEqualTo("/actuator/health/readiness");
    }

    @Test
    void theProbeGroupsAreEnabledInTheJarsConfiguration() throws IOException {
        Map<String, Object> yml = load(Path.of("src/main/resources/application.yml")).get(0);
        Object probes = at(yml, "management", "endpoint", "health", "probes", "enabled");
        assertThat(probes).as("management.endpoint.health.probes.enabled").isEqualTo(true);
        assertThat((String) at(yml, "management", "endpoints", "web", "exposure", "include")).contains("health");
    }

    @Test
    void portsAreTheGatewaysDefault() {
        int gatewayDefault = bind(Map.of()).gateway().port();
        Map<String, Object> container = container();
        Map<String, Object> port = map(list(container.get("ports")).get(0));
        assertThat(port.get("containerPort")).isEqualTo(gatewayDefault);
        assertThat(configMap().get("FAAS_GATEWAY_PORT")).isEqualTo(String.valueOf(gatewayDefault));
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(at(container, probe, "httpGet", "port")).as(probe).isEqualTo(port.get("name"));
        }
        Map<String, Object> servicePort = map(list(map(byKind.get("Service").get("spec")).get("ports")).get(0));
        assertThat(servicePort.get("targetPort")).isEqualTo(port.get("name"));
        assertThat(env(container).get("FAAS_STORE_NODE_ADDRESS")).endsWith(":" + gatewayDefault);
    }

    /** Spring's own mapping of environment variables decides, as it will in the pod. */
    @Test
    void everyFaasVariableIsARealSetting() {
        Set<String> properties = new TreeSet<>();
        SettingsReadmeTest.collect("faas", FaasProperties.class, properties);
        Map<String, String> variables = podEnvironment();
        assertThat(variables).isNotEmpty();
        for (String variable : variables.keySet()) {
            assertThat(properties).as(variable + " sets no faas.* property")
                    .anyMatch(property -> binds(variable, property));
        }
        assertThat(binds("FAAS_WORKERS_COUNT", "faas.workers.count")).isTrue();
        assertThat(binds("FAAS_WORKER_COUNT", "faas.workers.count")).isFalse();
    }

    /** The values bind too (durations, sizes, lists) and are the ones the pod is sized for. */
    @Test
    void thePodsEnvironmentBindsToFaasProperties() {
        FaasProperties faas = bind(podEnvironment());
        assertThat(faas.workers().count()).isEqualTo(2);
        assertThat(faas.sandbox().workerMemory().toMegabytes()).isEqualTo(512);
        assertThat(faas.shutdown().grace()).hasSeconds(30);
        assertThat(faas.store().url()).startsWith("jdbc:postgresql://");
        assertThat(faas.store().nodeAddress()).isEqualTo("$(POD_IP):8080"); // the kubelet expands it
        assertThat(faas.security().allowedHosts()).contains("faasj", "faasj.default.svc.cluster.local");
        assertThat(faas.adminToken()).isNotBlank();
    }

    @Test
    void theSecretHoldsTheStoreAndTheToken() {
        assertThat(secret()).containsOnlyKeys("FAAS_STORE_URL", "FAAS_STORE_USERNAME", "FAAS_STORE_PASSWORD", "FAAS_ADMIN_TOKEN");
        assertThat(secret().get("FAAS_STORE_URL")).startsWith("jdbc:postgresql://");
        assertThat(configMap().keySet()).noneMatch(k -> secret().containsKey(k));
    }

    /** The kubelet's SIGKILL must not come before the preStop wait plus faas.shutdown.grace are over. */
    @Test
    void theTerminationGraceOutlastsPreStopAndTheDrain() {
        Map<String, Object> podSpec = podSpec();
        int termination = (Integer) podSpec.get("terminationGracePeriodSeconds");
        List<Object> preStop = list(at(container(), "lifecycle", "preStop", "exec", "command"));
        assertThat(preStop.get(0)).isEqualTo("sleep");
        long preStopSeconds = Long.parseLong((String) preStop.get(1));
        long drainSeconds = DurationStyle.detectAndParse(configMap().get("FAAS_SHUTDOWN_GRACE")).toSeconds();
        assertThat(termination).isGreaterThan((int) (preStopSeconds + drainSeconds));
    }

    @Test
    void theContainerCanSetUpTheSandbox() {
        Map<String, Object> security = map(container().get("securityContext"));
        assertThat(security.get("runAsUser")).isEqualTo(0);
        assertThat(list(at(security, "capabilities", "add"))).contains("SYS_ADMIN");
    }

    /** The data dir the image's entry point passes is the one the pod's volume holds. */
    @Test
    void theDataVolumeIsTheImagesDataDir() throws IOException {
        Map<String, Object> mount = map(list(container().get("volumeMounts")).get(0));
        assertThat(Files.readString(DIR.resolve("Dockerfile"))).contains("--faas.data-dir=" + mount.get("mountPath"));
        assertThat(map(list(podSpec().get("volumes")).get(0)).get("name")).isEqualTo(mount.get("name"));
    }

    /** The variables the container gets: ConfigMap, Secret and its own env, without the downward API's POD_IP. */
    private static Map<String, String> podEnvironment() {
        Map<String, String> all = new HashMap<>(configMap());
        all.putAll(secret());
        all.putAll(env(container()));
        all.remove("POD_IP");
        return all;
    }

    private static boolean binds(String variable, String property) {
        return environment(Map.of(variable, "x")).getConfigurationProperty(ConfigurationPropertyName.of(property)) != null;
    }

    private static FaasProperties bind(Map<String, String> variables) {
        return new Binder(environment(variables)).bindOrCreate("faas", Bindable.of(FaasProperties.class));
    }

    private static ConfigurationPropertySource environment(Map<String, String> variables) {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new HashMap<>(variables)));
        return ConfigurationPropertySources.from(sources).iterator().next();
    }

    private static List<Map<String, Object>> documents() throws IOException {
        List<Map<String, Object>> all = new ArrayList<>();
        for (String file : manifestFiles()) {
            all.addAll(load(DIR.resolve(file)));
        }
        return all;
    }

    private static List<String> manifestFiles() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).sorted().toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> load(Path file) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            for (Object document : new Yaml().loadAll(reader)) {
                assertThat(document).as(file + " holds a mapping per document").isInstanceOf(Map.class);
                documents.add((Map<String, Object>) document);
            }
        }
        return documents;
    }

    private static Map<String, Object> podSpec() {
        return map(at(byKind.get("Deployment"), "spec", "template", "spec"));
    }

    private static Map<String, Object> container() {
        List<Object> containers = list(podSpec().get("containers"));
        assertThat(containers).hasSize(1);
        return map(containers.get(0));
    }

    private static String probePath(Map<String, Object> container, String probe) {
        return (String) at(container, probe, "httpGet", "path");
    }

    private static Map<String, String> configMap() {
        return strings(byKind.get("ConfigMap").get("data"));
    }

    private static Map<String, String> secret() {
        return strings(byKind.get("Secret").get("stringData"));
    }

    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new HashMap<>();
        for (Object entry : list(container.get("env"))) {
            Map<String, Object> variable = map(entry);
            env.put((String) variable.get("name"), String.valueOf(variable.get("value")));
        }
        return env;
    }

    private static Object at(Map<String, Object> root, String... keys) {
        Object node = root;
        for (String key : keys) {
            assertThat(node).as("parent of " + key).isInstanceOf(Map.class);
            node = map(node).get(key);
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        assertThat(node).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node) {
        assertThat(node).isInstanceOf(List.class);
        return (List<Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> strings(Object node) {
        Map<String, Object> values = map(node);
        values.values().forEach(v -> assertThat(v).as("quoted string value").isInstanceOf(String.class));
        return (Map<String, String>) (Map<?, ?>) values;
    }
}
