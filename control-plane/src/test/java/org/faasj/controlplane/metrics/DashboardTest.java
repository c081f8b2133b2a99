package org.faasj.controlplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.faasj.controlplane.system.FaasProperties;
import org.faasj.controlplane.workers.WorkerPool;
import org.faasj.model.InvocationOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** examples/grafana/faasj-dashboard.json imports as it is and asks only for series faasj exports. */
class DashboardTest {

    private static final Path DASHBOARD = Path.of("../examples/grafana/faasj-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\b((?:faasj|gateway)_[a-z_]+)\\b");

    private final JsonNode dashboard = JsonMapper.builder().build().readTree(read(DASHBOARD));

    @Test
    void itImportsWithAPrometheusDatasourceInput() {
        assertThat(dashboard.path("schemaVersion").asInt()).isBetween(36, 41);
        assertThat(dashboard.path("__inputs").get(0).path("name").asString()).isEqualTo("DS_PROMETHEUS");
        assertThat(dashboard.path("__inputs").get(0).path("pluginId").asString()).isEqualTo("prometheus");
        for (JsonNode panel : dashboard.path("panels")) {
            if (!panel.path("type").asString().equals("row")) {
                assertThat(panel.path("datasource").path("uid").asString()).as(panel.path("title").asString())
                        .isEqualTo("${DS_PROMETHEUS}");
                assertThat(panel.path("targets")).as(panel.path("title").asString()).isNotEmpty();
            }
        }
        assertThat(titles()).contains("Invocation rate by function and code", "Error ratio", "Duration p50 / p99",
                "Calls in flight", "Cold starts", "Queue wait p99", "Worker score", "Worker CPU", "Worker RSS",
                "Gateway answers by code", "Connections open", "Deploys");
    }

    @Test
    void everyExpressionNamesOnlySeriesThatAScrapeHas() {
        Set<String> asked = new TreeSet<>();
        for (String expr : expressions()) {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                asked.add(m.group(1));
            }
        }
        String scrape = scrapeOfEveryMeter();

        assertThat(asked).hasSizeGreaterThan(15);
        for (String name : asked) {
            assertThat(scrape).as(name).containsPattern("(?m)^" + name + "[{ ]");
        }
    }

    @Test
    void everyExpressionParsesForPromtool(@TempDir Path tmp) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        assumeTrue(Files.isExecutable(promtool), "promtool (Debian package prometheus) is not installed");
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int i = 0;
        for (String expr : expressions()) {
            String concrete = expr.replace("$__rate_interval", "1m").replace("$__range", "1h").replace("$function", ".*");
            rules.append("      - record: dashboard:expr").append(i++).append("\n        expr: '")
                    .append(concrete.replace("'", "''")).append("'\n");
        }
        Path file = Files.writeString(tmp.resolve("rules.yml"), rules);
        Process check = new ProcessBuilder(promtool.toString(), "check", "rules", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(out).isZero();
    }

    /** A scrape with every faasj meter present: one record, one deploy, one worker pool, the gateway's. */
    private static String scrapeOfEveryMeter() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        GatewayCounters counters = new GatewayCounters(true);
        FunctionMetrics functions = new FunctionMetrics(registry, counters, () -> 1);
        functions.retain(Set.of("f"), Set.of("f"));
        functions.onCalls(List.of(FunctionMetricsTest.record("f", 200, InvocationOutcome.OK, 1_000, true, 10)));
        new GatewayMetrics(counters, () -> 0).bindTo(registry);
        FaasProperties properties = new Binder(new MapConfigurationPropertySource(Map.of("faas.workers.count", "2")))
                .bind("faas", FaasProperties.class).get();
        new WorkerMetrics(new WorkerPool(properties), true).bindTo(registry);
        new DeployMetrics(registry, true).deployed("c", DeployMetrics.OK, 1_000_000);
        return registry.scrape();
    }

    private List<String> expressions() {
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                exprs.add(target.path("expr").asString());
            }
        }
        assertThat(exprs).isNotEmpty();
        return exprs;
    }

    private List<String> titles() {
        List<String> titles = new ArrayList<>();
        dashboard.path("panels").forEach(p -> titles.add(p.path("title").asString()));
        return titles;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
