package org.faasj.controlplane.descriptor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.function.Function;

import org.faasj.model.ExecutionMode;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.FunctionRuntime;
import org.faasj.model.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules both entry points share, and the few where uploads and route rows differ on purpose. */
class DescriptorReaderTest {

    private static final Function<String, DescriptorReader> STRICT = DescriptorReader::strict;
    private static final Function<String, DescriptorReader> LENIENT = DescriptorReader::lenient;

    @Test
    void bothGiveTheSameDefaults() {
        for (Function<String, DescriptorReader> entry : java.util.List.of(STRICT, LENIENT)) {
            DescriptorReader r = entry.apply("{\"runtime\":\"php\"}");
            assertEquals(FunctionDescriptor.DEFAULT_MEMORY_MB, r.memoryMb());
            assertEquals(FunctionDescriptor.DEFAULT_TIMEOUT_SECONDS, r.timeoutSeconds());
            assertEquals(FunctionDescriptor.DEFAULT_TMP_MB, r.tmpMb());
            assertEquals(FunctionDescriptor.DEFAULT_PROCESSES, r.processes());
            assertEquals(FunctionDescriptor.UNLIMITED, r.concurrency());
            assertEquals(Network.OUTBOUND, r.network());
            assertEquals("main", r.handler());
            assertEquals(ExecutionMode.PROCESS, r.mode(FunctionRuntime.PHP));
            assertEquals(Map.of(), r.env());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"64", " 64 ", "\"64\"", "\" 64 \""})
    void bothAcceptPlainAndQuotedWholeNumbers(String memory) {
        assertEquals(64, DescriptorReader.strict("{\"memory\":" + memory + "}").memoryMb());
        assertEquals(64, DescriptorReader.lenient("{\"memory\":" + memory + "}").memoryMb());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"-5\"", "-5"})
    void aNegativeNumberIsOutOfRangeForBothQuotedOrNot(String tmp) {
        assertEquals("tmp must be from 1 to 4096, got -5",
                assertThrows(DescriptorFieldException.class, () -> DescriptorReader.strict("{\"tmp\":" + tmp + "}").tmpMb())
                        .getMessage());
        assertEquals("tmp must be at least 1, got -5",
                assertThrows(DescriptorFieldException.class, () -> DescriptorReader.lenient("{\"tmp\":" + tmp + "}").tmpMb())
                        .getMessage());
    }

    @Test
    void rowsKeepLoadingUnderOtherLimitsButUploadsAreRangeChecked() {
        assertEquals(600, DescriptorReader.lenient("{\"timeout\":600}").timeoutSeconds());
        DescriptorFieldException e = assertThrows(DescriptorFieldException.class,
                () -> DescriptorReader.strict("{\"timeout\":600}").timeoutSeconds());
        assertEquals("timeout", e.field());
        assertEquals("timeout must be from 1 to 300, got 600", e.getMessage());
    }

    @Test
    void theSameBadValueGetsTheSameMessage() {
        for (Function<String, DescriptorReader> entry : java.util.List.of(STRICT, LENIENT)) {
            DescriptorFieldException network = assertThrows(DescriptorFieldException.class,
                    () -> entry.apply("{\"network\":\"lan\"}").network());
            assertEquals("network must be outbound or none, got 'lan'", network.getMessage());
            DescriptorFieldException mode = assertThrows(DescriptorFieldException.class,
                    () -> entry.apply("{\"mode\":\"handler\"}").mode(FunctionRuntime.WASM));
            assertEquals("mode", mode.field());
            assertEquals("descriptor is not valid JSON",
                    assertThrows(DescriptorFieldException.class, () -> entry.apply("{")).getMessage()
                            .substring(0, "descriptor is not valid JSON".length()));
        }
    }

    @Test
    void onlyUploadsRefuseUnknownFieldsDuplicatesAndOddEnv() {
        assertEquals("pids", assertThrows(DescriptorFieldException.class,
                () -> DescriptorReader.strict("{\"pids\":1}")).field());
        DescriptorReader.lenient("{\"pids\":1,\"module\":\"m\"}");
        assertThrows(DescriptorFieldException.class, () -> DescriptorReader.strict("{\"tmp\":1,\"tmp\":2}"));
        assertEquals(Map.of("A", "2"), DescriptorReader.lenient("{\"env\":{\"A\":2}}").env());
        assertThrows(DescriptorFieldException.class, () -> DescriptorReader.strict("{\"env\":{\"A\":2}}").env());
        assertEquals("a b", DescriptorReader.lenient("{\"handler\":\"a b\"}").handler());
        assertThrows(DescriptorFieldException.class, () -> DescriptorReader.strict("{\"handler\":\"a b\"}").handler());
    }

    @Test
    void rowRuntimesComeFromTheRuntimeSpec() {
        assertEquals(FunctionRuntime.PYTHON, DescriptorReader.lenient("{\"runtime\":\"python3\"}").runtime());
        DescriptorFieldException e = assertThrows(DescriptorFieldException.class,
                () -> DescriptorReader.lenient("{\"runtime\":\"cobol\"}").runtime());
        assertEquals("unknown runtime 'cobol' (known: " + FunctionRuntime.knownIds() + ")", e.getMessage());
    }

    @Test
    void retriesDefaultToTwoAndUploadsMayAskForZeroToTen() {
        assertEquals(FunctionDescriptor.DEFAULT_RETRIES, DescriptorReader.strict("{}").retries());
        assertEquals(0, DescriptorReader.strict("{\"retries\":0}").retries());
        assertEquals(10, DescriptorReader.strict("{\"retries\":\"10\"}").retries());
        assertEquals("retries must be from 0 to 10, got 11", assertThrows(DescriptorFieldException.class,
                () -> DescriptorReader.strict("{\"retries\":11}").retries()).getMessage());
        assertEquals("retries must be from 0 to 10, got -1", assertThrows(DescriptorFieldException.class,
                () -> DescriptorReader.strict("{\"retries\":-1}").retries()).getMessage());
        assertEquals(25, DescriptorReader.lenient("{\"retries\":25}").retries());
    }
}
