package org.faasj.controlplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

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
        assertEquals(org.faasj.model.Runtime.WASM, c.language().runtime());
        assertEquals(SourceLanguage.RUST, DescriptorParser.parse("{\"runtime\":\"rust\"}").language());
        assertEquals(SourceLanguage.GO, DescriptorParser.parse("{\"runtime\":\"tinygo\",\"target\":\"wasm\"}").language());
        assertEquals(SourceLanguage.C, DescriptorParser.parse("{\"runtime\":\"c\",\"target\":\"native\"}").language());
    }

    @Test
    void parse_empty_isMissingDescriptor() {
        DeployProblem problem = assertThrows(DeployProblem.class, () -> DescriptorParser.parse(" "));
        assertEquals("descriptor", problem.field());
    }
}
