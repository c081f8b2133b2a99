package org.faasj.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.faasj.model.RuntimeSpec.Launch;
import org.junit.jupiter.api.Test;

class FunctionRuntimeTest {

    @Test
    void everyDescriptorNameParsesToItsRuntimeAndNoNameIsShared() {
        Set<String> seen = new HashSet<>();
        for (FunctionRuntime runtime : FunctionRuntime.values()) {
            assertEquals(Optional.of(runtime), FunctionRuntime.fromId(runtime.id()));
            for (String id : runtime.spec().ids()) {
                assertTrue(seen.add(id), id + " names two runtimes");
                assertEquals(Optional.of(runtime), FunctionRuntime.fromId(id.toUpperCase()));
            }
        }
        assertEquals(Optional.empty(), FunctionRuntime.fromId("ruby"));
        assertEquals(Optional.empty(), FunctionRuntime.fromId(null));
    }

    @Test
    void canonicalNamesAreWhatRowsAlwaysStored() {
        assertEquals("php", FunctionRuntime.PHP.id());
        assertEquals("native", FunctionRuntime.NATIVE.id());
        assertEquals("python", FunctionRuntime.PYTHON.id());
        assertEquals("wasm", FunctionRuntime.WASM.id());
        assertEquals(Optional.of(FunctionRuntime.NATIVE), FunctionRuntime.fromId("c++"));
        assertEquals(Optional.of(FunctionRuntime.PYTHON), FunctionRuntime.fromId("python3"));
        assertEquals("php, native, c, cpp, c++, python, python3, wasm", FunctionRuntime.knownIds());
    }

    @Test
    void interpretersComeWithTheirPackages() {
        RuntimeSpec php = FunctionRuntime.PHP.spec();
        assertEquals("php", php.interpreter());
        assertEquals("php-cli", php.debianPackage());
        assertEquals(List.of("-d", "memory_limit=64M"), php.memoryArgs(64));
        assertEquals("python3", FunctionRuntime.PYTHON.spec().debianPackage());
        assertEquals(List.of(), FunctionRuntime.PYTHON.spec().memoryArgs(64));
        for (FunctionRuntime runtime : FunctionRuntime.values()) {
            RuntimeSpec spec = runtime.spec();
            assertEquals(spec.launch() == Launch.INTERPRETER, spec.debianPackage() != null, runtime.id());
            // only started-ahead processes and interpreter starts need the pool and the gate
            assertTrue(!spec.warmPool() || spec.runsAsProcess(), runtime.id());
            assertTrue(!spec.cpuGated() || spec.launch() == Launch.INTERPRETER, runtime.id());
        }
        assertFalse(FunctionRuntime.WASM.spec().runsAsProcess());
    }

    @Test
    void anInterpreterIsNeededExactlyForInterpretedLaunches() {
        assertThrows(IllegalArgumentException.class, () -> new RuntimeSpec(List.of("x"), null, null,
                Launch.INTERPRETER, List.of(), List.of(), false, false, false));
        assertThrows(IllegalArgumentException.class, () -> new RuntimeSpec(List.of("x"), "x", "x",
                Launch.EXECUTABLE, List.of(), List.of(), false, false, false));
        assertThrows(IllegalArgumentException.class, () -> new RuntimeSpec(List.of(), null, null,
                Launch.IN_WORKER, List.of(), List.of(), false, false, false));
    }
}
