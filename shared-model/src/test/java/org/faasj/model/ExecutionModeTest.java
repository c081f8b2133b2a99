package org.faasj.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ExecutionModeTest {

    @Test
    void parsesBothModesAndNothingElse() {
        assertEquals(ExecutionMode.PROCESS, ExecutionMode.fromId("process"));
        assertEquals(ExecutionMode.HANDLER, ExecutionMode.fromId("Handler"));
        assertNull(ExecutionMode.fromId("http"));
        assertNull(ExecutionMode.fromId(null));
    }

    @Test
    void onlyPhpAndPythonMayRunInHandlerMode() {
        assertNull(ExecutionMode.HANDLER.problemWith(FunctionRuntime.PHP));
        assertNull(ExecutionMode.HANDLER.problemWith(FunctionRuntime.PYTHON));
        assertTrue(ExecutionMode.HANDLER.problemWith(FunctionRuntime.NATIVE).contains("only for php and python"));
        assertTrue(ExecutionMode.HANDLER.problemWith(FunctionRuntime.WASM).contains("wasm"));
        for (FunctionRuntime runtime : FunctionRuntime.values()) {
            assertNull(ExecutionMode.PROCESS.problemWith(runtime));
        }
    }

    @Test
    void aDescriptorWithoutAModeRunsAProcessPerCall() {
        FunctionDescriptor d = new FunctionDescriptor("f", FunctionRuntime.PHP, "GET", "/f", "m", null, 128, 10, 64, 64,
                Network.OUTBOUND, Map.of(), 1, 0, null);
        assertEquals(ExecutionMode.PROCESS, d.mode());
        assertEquals("main", d.handler());
    }
}
