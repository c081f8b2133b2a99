package org.faasj.controlplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.faasj.model.FunctionDescriptor;
import org.faasj.model.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DescriptorParserTest {

    @Test
    void parse_originalDescriptor_keepsEveryField() {
        DeploySpec spec = DescriptorParser.parse(
                "{\"runtime\":\"c\",\"method\":\"POST\",\"memory\":64,\"timeout\":5,\"handler\":\"main\",\"name\":\"hello-c\"}");
        assertEquals(SourceLanguage.C, spec.language());
        assertEquals("POST", spec.method());
        assertEquals(64, spec.memoryMb());
        assertEquals(5, spec.timeoutSeconds());
        assertEquals("main", spec.handler());
        assertEquals("hello-c", spec.name());
        assertNull(spec.route());
    }

    @Test
    void parse_minimal_fillsDefaults() {
        DeploySpec spec = DescriptorParser.parse("{\"runtime\":\"php\"}");
        assertNull(spec.name());
        assertNull(spec.method());
        assertEquals(DescriptorParser.DEFAULT_MEMORY_MB, spec.memoryMb());
        assertEquals(DescriptorParser.DEFAULT_TIMEOUT_S, spec.timeoutSeconds());
        assertEquals("main", spec.handler());
        assertEquals(Map.of(), spec.env());
        assertEquals(FunctionDescriptor.DEFAULT_TMP_MB, spec.tmpMb());
        assertEquals(FunctionDescriptor.DEFAULT_PROCESSES, spec.processes());
        assertEquals(Network.OUTBOUND, spec.network());
    }

    @Test
    void parse_nullSandboxFields_fillDefaults() {
        DeploySpec spec = DescriptorParser.parse("{\"runtime\":\"c\",\"tmp\":null,\"processes\":null,\"network\":null}");
        assertEquals(64, spec.tmpMb());
        assertEquals(64, spec.processes());
        assertEquals(Network.OUTBOUND, spec.network());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"runtime\":\"c\",\"tmp\":1,\"processes\":1,\"network\":\"none\"}             | 1    | 1    | NONE",
            "{\"runtime\":\"c\",\"tmp\":4096,\"processes\":4096,\"network\":\"outbound\"}    | 4096 | 4096 | OUTBOUND",
            "{\"runtime\":\"c\",\"tmp\":\"256\",\"processes\":\" 8 \",\"network\":\"NONE\"}  | 256  | 8    | NONE",
    })
    void parse_sandboxFields_accepted(String json, int tmpMb, int processes, Network network) {
        DeploySpec spec = DescriptorParser.parse(json);
        assertEquals(tmpMb, spec.tmpMb());
        assertEquals(processes, spec.processes());
        assertEquals(network, spec.network());
        FunctionDescriptor d = spec.toDescriptor("f", "POST", "/api/f", "m", 1);
        assertEquals(tmpMb, d.tmpMb());
        assertEquals(processes, d.processes());
        assertEquals(network, d.network());
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"runtime\":\"c\",\"tmp\":0}            | tmp       | tmp must be from 1 to 4096, got 0",
            "{\"runtime\":\"c\",\"tmp\":4097}         | tmp       | tmp must be from 1 to 4096, got 4097",
            "{\"runtime\":\"c\",\"tmp\":-5}           | tmp       | tmp must be from 1 to 4096, got -5",
            "{\"runtime\":\"c\",\"tmp\":8.5}          | tmp       | tmp must be a whole number from 1 to 4096, got 8.5",
            "{\"runtime\":\"c\",\"tmp\":\"big\"}      | tmp       | tmp must be a whole number from 1 to 4096, got \"big\"",
            "{\"runtime\":\"c\",\"processes\":0}      | processes | processes must be from 1 to 4096, got 0",
            "{\"runtime\":\"c\",\"processes\":99999}  | processes | processes must be from 1 to 4096, got 99999",
            "{\"runtime\":\"c\",\"processes\":true}   | processes | processes must be a whole number from 1 to 4096, got true",
            "{\"runtime\":\"c\",\"processes\":[4]}    | processes | processes must be a whole number from 1 to 4096, got [4]",
            "{\"runtime\":\"c\",\"network\":\"lan\"}  | network   | network must be outbound or none, got 'lan'",
            "{\"runtime\":\"c\",\"network\":\"\"}     | network   | network must be outbound or none, got ''",
            "{\"runtime\":\"c\",\"network\":false}    | network   | network must be a string, got false",
            "{\"runtime\":\"c\",\"network\":0}        | network   | network must be a string, got 0",
    })
    void parse_invalidSandboxField_namesFieldAndLimits(String json, String field, String detail) {
        DeployProblem problem = assertThrows(DeployProblem.class, () -> DescriptorParser.parse(json));
        assertEquals(400, problem.getStatusCode().value());
        assertEquals(field, problem.field());
        assertEquals(detail, problem.getBody().getDetail());
    }

    @Test
    void parse_unknownField_listsTheSandboxFieldsAsKnown() {
        DeployProblem problem = assertThrows(DeployProblem.class,
                () -> DescriptorParser.parse("{\"runtime\":\"c\",\"pids\":10}"));
        assertEquals("pids", problem.field());
        assertEquals("unknown descriptor field 'pids' (known: concurrency, env, handler, memory, method, mode, name, network,"
                + " processes, retries, route, runtime, target, timeout, tmp)", problem.getBody().getDetail());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"runtime\":\"c\"}                          | 0",
            "{\"runtime\":\"c\",\"concurrency\":null}     | 0",
            "{\"runtime\":\"c\",\"concurrency\":0}        | 0",
            "{\"runtime\":\"c\",\"concurrency\":1}        | 1",
            "{\"runtime\":\"c\",\"concurrency\":\"12\"}   | 12",
            "{\"runtime\":\"c\",\"concurrency\":10000}    | 10000",
    })
    void parse_concurrency_isCarriedIntoTheDescriptor(String json, int concurrency) {
        FunctionDescriptor d = DescriptorParser.parse(json).toDescriptor("f", "POST", "/api/f", "m", 1);
        assertEquals(concurrency, d.concurrency());
        assertEquals(concurrency > 0, d.limited());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"runtime\":\"c\",\"concurrency\":-1}      | concurrency must be from 0 to 10000, got -1",
            "{\"runtime\":\"c\",\"concurrency\":10001}   | concurrency must be from 0 to 10000, got 10001",
            "{\"runtime\":\"c\",\"concurrency\":1.5}     | concurrency must be a whole number from 0 to 10000, got 1.5",
            "{\"runtime\":\"c\",\"concurrency\":\"many\"} | concurrency must be a whole number from 0 to 10000, got \"many\"",
    })
    void parse_badConcurrency_is400NamingTheField(String json, String detail) {
        DeployProblem problem = assertThrows(DeployProblem.class, () -> DescriptorParser.parse(json));
        assertEquals(400, problem.getStatusCode().value());
        assertEquals("concurrency", problem.field());
        assertEquals(detail, problem.getBody().getDetail());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"runtime\":\"c\"}                  | 2",
            "{\"runtime\":\"c\",\"retries\":0}    | 0",
            "{\"runtime\":\"c\",\"retries\":10}   | 10",
    })
    void parse_retries_isCarriedIntoTheDescriptor(String json, int retries) {
        assertEquals(retries, DescriptorParser.parse(json).toDescriptor("f", "POST", "/api/f", "m", 1).retries());
    }

    @Test
    void parse_tooManyRetries_is400NamingTheField() {
        DeployProblem problem = assertThrows(DeployProblem.class,
                () -> DescriptorParser.parse("{\"runtime\":\"c\",\"retries\":11}"));
        assertEquals(400, problem.getStatusCode().value());
        assertEquals("retries", problem.field());
        assertEquals("retries must be from 0 to 10, got 11", problem.getBody().getDetail());
    }

    @Test
    void parse_customRouteEnvAndQuotedNumbers_accepted() {
        DeploySpec spec = DescriptorParser.parse("{\"runtime\":\"C++\",\"method\":\"get\",\"route\":\"/v1/x-y/z\","
                + "\"memory\":\"256\",\"timeout\":300,\"env\":{\"GREETING\":\"hi\",\"_X1\":\"\"},\"target\":\"native\"}");
        assertEquals(SourceLanguage.CPP, spec.language());
        assertEquals("GET", spec.method());
        assertEquals("/v1/x-y/z", spec.route());
        assertEquals(256, spec.memoryMb());
        assertEquals(Map.of("GREETING", "hi", "_X1", ""), spec.env());
    }

    @ParameterizedTest(name = "{0} -> field {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"runtime\":\"cobol\"}                          | runtime",
            "{\"method\":\"POST\"}                            | runtime",
            "{\"runtime\":5}                                  | runtime",
            "{\"runtime\":\"c\",\"method\":\"TRACE\"}         | method",
            "{\"runtime\":\"c\",\"memory\":15}                | memory",
            "{\"runtime\":\"c\",\"memory\":4097}              | memory",
            "{\"runtime\":\"c\",\"memory\":64.5}              | memory",
            "{\"runtime\":\"c\",\"memory\":\"lots\"}          | memory",
            "{\"runtime\":\"c\",\"timeout\":0}                | timeout",
            "{\"runtime\":\"c\",\"timeout\":301}              | timeout",
            "{\"runtime\":\"c\",\"timeout\":true}             | timeout",
            "{\"runtime\":\"c\",\"name\":\"Hello\"}           | name",
            "{\"runtime\":\"c\",\"name\":\"\"}                | name",
            "{\"runtime\":\"c\",\"name\":\"a/b\"}             | name",
            "{\"runtime\":\"c\",\"route\":\"api/x\"}          | route",
            "{\"runtime\":\"c\",\"route\":\"/a?b\"}           | route",
            "{\"runtime\":\"c\",\"route\":\"/a#b\"}           | route",
            "{\"runtime\":\"c\",\"route\":\"/a b\"}           | route",
            "{\"runtime\":\"c\",\"route\":\"/a/../b\"}        | route",
            "{\"runtime\":\"c\",\"route\":\"/system/x\"}      | route",
            "{\"runtime\":\"c\",\"route\":\"/upload\"}        | route",
            "{\"runtime\":\"c\",\"route\":\"/async-function/x\"} | route",
            "{\"runtime\":\"c\",\"route\":\"/\"}              | route",
            "{\"runtime\":\"c\",\"env\":{\"1X\":\"v\"}}       | env",
            "{\"runtime\":\"c\",\"env\":{\"A-B\":\"v\"}}      | env",
            "{\"runtime\":\"c\",\"env\":{\"A\":1}}            | env",
            "{\"runtime\":\"c\",\"env\":[\"A\"]}              | env",
            "{\"runtime\":\"c\",\"handler\":\"a b\"}          | handler",
            "{\"runtime\":\"cpp\",\"target\":\"wasm\"}        | target",
            "{\"runtime\":\"php\",\"target\":\"wasm\"}        | target",
            "{\"runtime\":\"rust\",\"target\":\"native\"}     | target",
            "{\"runtime\":\"c\",\"target\":\"jvm\"}           | target",
            "{\"runtime\":\"c\",\"module\":\"/etc/passwd\"}   | module",
            "{\"runtime\":\"c\",\"runtime\":\"php\"}          | descriptor",
            "{\"runtime\":\"c\"} {}                           | descriptor",
            "[1,2]                                            | descriptor",
            "not json                                         | descriptor",
    })
    void parse_invalid_namesField(String json, String field) {
        DeployProblem problem = assertThrows(DeployProblem.class, () -> DescriptorParser.parse(json));
        assertEquals(400, problem.getStatusCode().value());
        assertEquals(field, problem.field(), problem.getBody().getDetail());
    }

    @Test
    void parse_targetWasm_buildsCForTheWasmRuntime() {
        DeploySpec c = DescriptorParser.parse("{\"runtime\":\"c\",\"target\":\"wasm\"}");
        assertEquals(SourceLanguage.C_WASM, c.language());
        assertEquals(org.faasj.model.FunctionRuntime.WASM, c.language().runtime());
        assertEquals(SourceLanguage.RUST, DescriptorParser.parse("{\"runtime\":\"rust\"}").language());
        assertEquals(SourceLanguage.GO, DescriptorParser.parse("{\"runtime\":\"tinygo\",\"target\":\"wasm\"}").language());
        assertEquals(SourceLanguage.C, DescriptorParser.parse("{\"runtime\":\"c\",\"target\":\"native\"}").language());
    }

    @Test
    void parse_empty_isMissingDescriptor() {
        DeployProblem problem = assertThrows(DeployProblem.class, () -> DescriptorParser.parse(" "));
        assertEquals("descriptor", problem.field());
    }

    @Test
    void handlerModeIsForPhpAndPythonOnly() {
        assertEquals(org.faasj.model.ExecutionMode.HANDLER,
                DescriptorParser.parse("{\"runtime\":\"php\",\"mode\":\"handler\"}").mode());
        assertEquals(org.faasj.model.ExecutionMode.PROCESS, DescriptorParser.parse("{\"runtime\":\"python\"}").mode());
        DeployProblem wasm = assertThrows(DeployProblem.class,
                () -> DescriptorParser.parse("{\"runtime\":\"c\",\"target\":\"wasm\",\"mode\":\"handler\"}"));
        assertEquals(400, wasm.getStatusCode().value());
        assertThrows(DeployProblem.class, () -> DescriptorParser.parse("{\"runtime\":\"c\",\"mode\":\"handler\"}"));
        assertThrows(DeployProblem.class, () -> DescriptorParser.parse("{\"runtime\":\"php\",\"mode\":\"fast\"}"));
    }
}
