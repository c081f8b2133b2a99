package org.faasj.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.faasj.model.ExecutionMode;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.FunctionRuntime;
import org.faasj.model.Network;
import org.junit.jupiter.api.Test;

class DescriptorJsonTest {

    @Test
    void parsesASeedRow() {
        FunctionDescriptor d = DescriptorJson.parse("GET:/ping",
                "{\"name\":\"ping\",\"runtime\":\"php\",\"module\":\"functions/ping/1/ping.php\","
                        + "\"handler\":\"main\",\"memory\":64,\"timeout\":5,\"version\":1}");

        assertThat(d).isEqualTo(new FunctionDescriptor("ping", FunctionRuntime.PHP, "GET", "/ping",
                "functions/ping/1/ping.php", "main", 64, 5, 64, 64, Network.OUTBOUND, Map.of(), 1));
    }

    @Test
    void fillsDefaultsForAMinimalRow() {
        FunctionDescriptor d = DescriptorJson.parse("POST:/api/hello", "{\"runtime\":\"c\",\"module\":\"/opt/f/module.bin\"}");

        assertThat(d.name()).isEqualTo("hello");
        assertThat(d.runtime()).isEqualTo(FunctionRuntime.NATIVE);
        assertThat(d.handler()).isEqualTo("main");
        assertThat(d.memoryMb()).isEqualTo(FunctionDescriptor.DEFAULT_MEMORY_MB);
        assertThat(d.timeoutSeconds()).isEqualTo(FunctionDescriptor.DEFAULT_TIMEOUT_SECONDS);
        assertThat(d.tmpMb()).isEqualTo(FunctionDescriptor.DEFAULT_TMP_MB);
        assertThat(d.processes()).isEqualTo(FunctionDescriptor.DEFAULT_PROCESSES);
        assertThat(d.network()).isEqualTo(Network.OUTBOUND);
        assertThat(d.env()).isEmpty();
        assertThat(d.version()).isEqualTo(1);
    }

    @Test
    void readsTheSandboxFields() {
        FunctionDescriptor d = DescriptorJson.parse("GET:/x",
                "{\"runtime\":\"php\",\"module\":\"m\",\"tmp\":\"16\",\"processes\":4,\"network\":\"none\"}");

        assertThat(d.tmpMb()).isEqualTo(16);
        assertThat(d.processes()).isEqualTo(4);
        assertThat(d.network()).isEqualTo(Network.NONE);
    }

    @Test
    void nullSandboxFieldsGetTheDefaults() {
        FunctionDescriptor d = DescriptorJson.parse("GET:/x",
                "{\"runtime\":\"php\",\"module\":\"m\",\"tmp\":null,\"processes\":null,\"network\":null}");

        assertThat(d.tmpMb()).isEqualTo(FunctionDescriptor.DEFAULT_TMP_MB);
        assertThat(d.processes()).isEqualTo(FunctionDescriptor.DEFAULT_PROCESSES);
        assertThat(d.network()).isEqualTo(Network.OUTBOUND);
    }

    @Test
    void badSandboxFieldsAreNamed() {
        assertThatThrownBy(() -> DescriptorJson.parse("GET:/x", "{\"runtime\":\"php\",\"module\":\"m\",\"tmp\":0}"))
                .isInstanceOf(InvalidDescriptorException.class).hasMessageContaining("tmp must be at least 1, got 0");
        assertThatThrownBy(() -> DescriptorJson.parse("GET:/x", "{\"runtime\":\"php\",\"module\":\"m\",\"processes\":1.5}"))
                .isInstanceOf(InvalidDescriptorException.class).hasMessageContaining("processes must be a whole number");
        assertThatThrownBy(() -> DescriptorJson.parse("GET:/x", "{\"runtime\":\"php\",\"module\":\"m\",\"network\":\"lan\"}"))
                .isInstanceOf(InvalidDescriptorException.class)
                .hasMessageContaining("GET:/x")
                .hasMessageContaining("network must be outbound or none, got 'lan'");
        assertThatThrownBy(() -> DescriptorJson.parse("GET:/x", "{\"runtime\":\"php\",\"module\":\"m\",\"network\":false}"))
                .isInstanceOf(InvalidDescriptorException.class).hasMessageContaining("network must be a string");
    }

    @Test
    void rootPathNamesTheFunctionAfterTheKey() {
        assertThat(DescriptorJson.parse("GET:/", "{\"runtime\":\"php\",\"module\":\"m.php\"}").name()).isEqualTo("GET:/");
    }

    @Test
    void keyWinsOverMethodAndRouteInsideTheJson() {
        FunctionDescriptor d = DescriptorJson.parse("GET:/a",
                "{\"runtime\":\"php\",\"module\":\"m.php\",\"method\":\"POST\",\"route\":\"/b\"}");

        assertThat(d.routeKey()).isEqualTo("GET:/a");
    }

    @Test
    void acceptsQuotedNumbersAndScalarEnvValues() {
        FunctionDescriptor d = DescriptorJson.parse("GET:/x",
                "{\"runtime\":\"cpp\",\"module\":\"m\",\"memory\":\"64\",\"env\":{\"A\":\"1\",\"B\":2,\"C\":true}}");

        assertThat(d.memoryMb()).isEqualTo(64);
        assertThat(d.env()).containsExactlyInAnyOrderEntriesOf(Map.of("A", "1", "B", "2", "C", "true"));
    }

    @Test
    void brokenJsonNamesTheKey() {
        assertThatThrownBy(() -> DescriptorJson.parse("GET:/x", "{\"runtime\":\"php\","))
                .isInstanceOf(InvalidDescriptorException.class)
                .hasMessageContaining("GET:/x")
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void nonObjectJsonIsRefused() {
        assertThatThrownBy(() -> DescriptorJson.parse("GET:/x", "[1,2]"))
                .isInstanceOf(InvalidDescriptorException.class).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> DescriptorJson.parse("GET:/x", "  "))
                .isInstanceOf(InvalidDescriptorException.class).hasMessageContaining("empty");
    }

    @Test
    void unknownRuntimeIsNamed() {
        assertThatThrownBy(() -> DescriptorJson.parse("GET:/x", "{\"runtime\":\"cobol\",\"module\":\"m\"}"))
                .isInstanceOf(InvalidDescriptorException.class)
                .hasMessageContaining("unknown runtime 'cobol'");
    }

    @Test
    void missingModuleOrRuntimeIsNamed() {
        assertThatThrownBy(() -> DescriptorJson.parse("GET:/x", "{\"runtime\":\"php\"}"))
                .isInstanceOf(InvalidDescriptorException.class).hasMessageContaining("module is required");
        assertThatThrownBy(() -> DescriptorJson.parse("GET:/x", "{\"module\":\"m\"}"))
                .isInstanceOf(InvalidDescriptorException.class).hasMessageContaining("runtime is required");
    }

    @Test
    void wrongFieldTypesAreNamed() {
        assertThatThrownBy(() -> DescriptorJson.parse("GET:/x", "{\"runtime\":\"php\",\"module\":\"m\",\"memory\":\"lots\"}"))
                .isInstanceOf(InvalidDescriptorException.class).hasMessageContaining("memory must be a whole number");
        assertThatThrownBy(() -> DescriptorJson.parse("GET:/x", "{\"runtime\":\"php\",\"module\":\"m\",\"timeout\":0}"))
                .isInstanceOf(InvalidDescriptorException.class).hasMessageContaining("timeout must be at least 1");
        assertThatThrownBy(() -> DescriptorJson.parse("GET:/x", "{\"runtime\":\"php\",\"module\":7}"))
                .isInstanceOf(InvalidDescriptorException.class).hasMessageContaining("module must be a string");
        assertThatThrownBy(() -> DescriptorJson.parse("GET:/x", "{\"runtime\":\"php\",\"module\":\"m\",\"env\":[]}"))
                .isInstanceOf(InvalidDescriptorException.class).hasMessageContaining("env must be an object");
    }

    @Test
    void badKeysAreRefused() {
        String json = "{\"runtime\":\"php\",\"module\":\"m\"}";
        for (String key : new String[] {"ping", "GET/ping", "get:/ping", "GET:ping", "GET:/a b", "GET:/a?b=1", ":/x", null}) {
            assertThatThrownBy(() -> DescriptorJson.parse(key, json))
                    .as(key)
                    .isInstanceOf(InvalidDescriptorException.class)
                    .hasMessageContaining("bad route key");
        }
    }

    @Test
    void roundTripKeepsEveryField() {
        FunctionDescriptor original = new FunctionDescriptor("img-it's", FunctionRuntime.WASM, "PUT", "/img/it's",
                "functions/img/3/module.wasm", "run", 96, 7, 32, 8, Network.NONE,
                Map.of("MODE", "fast", "QUOTE", "say \"hi\""), 3);

        String json = DescriptorJson.toJson(original);

        assertThat(DescriptorJson.parse(original.routeKey(), json)).isEqualTo(original);
        assertThat(json).contains("\"runtime\":\"wasm\"", "\"method\":\"PUT\"", "\"route\":\"/img/it's\"",
                "\"tmp\":32", "\"processes\":8", "\"network\":\"none\"");
    }

    @Test
    void concurrencyIsReadWrittenAndAbsentMeansNoLimit() {
        FunctionDescriptor limited = new FunctionDescriptor("q", FunctionRuntime.PHP, "GET", "/q", "m", null, 1, 1, 1, 1, null,
                null, 1, 3);
        String json = DescriptorJson.toJson(limited);
        assertThat(json).contains("\"concurrency\":3");
        assertThat(DescriptorJson.parse("GET:/q", json)).isEqualTo(limited);

        FunctionDescriptor open = DescriptorJson.parse("GET:/q", "{\"runtime\":\"php\",\"module\":\"m\"}");
        assertThat(open.concurrency()).isZero();
        assertThat(open.limited()).isFalse();
        assertThat(DescriptorJson.toJson(open)).doesNotContain("concurrency");
        assertThat(DescriptorJson.parse("GET:/q", "{\"runtime\":\"php\",\"module\":\"m\",\"concurrency\":\"2\"}")
                .concurrency()).isEqualTo(2);
        assertThatThrownBy(() -> DescriptorJson.parse("GET:/q", "{\"runtime\":\"php\",\"module\":\"m\",\"concurrency\":-1}"))
                .isInstanceOf(InvalidDescriptorException.class).hasMessageContaining("concurrency must be at least 0");
    }

    @Test
    void retriesAreReadWrittenAndAbsentMeansTheDefault() {
        FunctionDescriptor patient = new FunctionDescriptor("q", FunctionRuntime.PHP, "GET", "/q", "m", null, 1, 1, 1, 1, null,
                null, 1, 0, ExecutionMode.PROCESS, 7);
        String json = DescriptorJson.toJson(patient);
        assertThat(json).contains("\"retries\":7");
        assertThat(DescriptorJson.parse("GET:/q", json)).isEqualTo(patient);

        FunctionDescriptor usual = DescriptorJson.parse("GET:/q", "{\"runtime\":\"php\",\"module\":\"m\"}");
        assertThat(usual.retries()).isEqualTo(FunctionDescriptor.DEFAULT_RETRIES);
        assertThat(DescriptorJson.toJson(usual)).doesNotContain("retries");
        assertThat(DescriptorJson.parse("GET:/q", "{\"runtime\":\"php\",\"module\":\"m\",\"retries\":0}").retries())
                .isZero();
    }

    @Test
    void everyRuntimeSurvivesTheRoundTrip() {
        for (FunctionRuntime runtime : FunctionRuntime.values()) {
            FunctionDescriptor d = new FunctionDescriptor("f", runtime, "GET", "/f", "m", null, 1, 1, 1, 1, null, null, 1);
            assertThat(DescriptorJson.parse("GET:/f", DescriptorJson.toJson(d))).isEqualTo(d);
        }
    }

    @Test
    void handlerModeIsReadWrittenBackAndOnlyForPhpAndPython() {
        FunctionDescriptor d = DescriptorJson.parse("POST:/h", "{\"runtime\":\"python\",\"module\":\"m\",\"mode\":\"handler\"}");
        assertThat(d.mode()).isEqualTo(org.faasj.model.ExecutionMode.HANDLER);
        assertThat(DescriptorJson.parse("POST:/h", DescriptorJson.toJson(d)).mode())
                .isEqualTo(org.faasj.model.ExecutionMode.HANDLER);
        FunctionDescriptor plain = DescriptorJson.parse("POST:/p", "{\"runtime\":\"php\",\"module\":\"m\"}");
        assertThat(plain.mode()).isEqualTo(org.faasj.model.ExecutionMode.PROCESS);
        assertThat(DescriptorJson.toJson(plain)).doesNotContain("mode");
        assertThatThrownBy(() -> DescriptorJson.parse("GET:/x", "{\"runtime\":\"c\",\"module\":\"m\",\"mode\":\"handler\"}"))
                .isInstanceOf(InvalidDescriptorException.class).hasMessageContaining("only for php and python");
        assertThatThrownBy(() -> DescriptorJson.parse("GET:/x", "{\"runtime\":\"php\",\"module\":\"m\",\"mode\":\"http\"}"))
                .isInstanceOf(InvalidDescriptorException.class).hasMessageContaining("mode must be process or handler, got 'http'");
    }
}
