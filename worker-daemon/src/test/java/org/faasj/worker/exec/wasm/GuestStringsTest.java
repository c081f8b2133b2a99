package org.faasj.worker.exec.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import org.junit.jupiter.api.Test;

/**
 * The trampolines' argv and environment must reach the guest byte for byte as Chicory's own
 * {@code WasiPreview1} would have written them (they replaced it on the hot path).
 */
class GuestStringsTest {

    private static final int COUNT = 16;
    private static final int SIZE = 32;
    private static final int POINTERS = 1024;
    private static final int BUFFER = 4096;

    @Test
    void theEnvironmentIsWrittenAsChicoryWritesIt() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/bin:/bin");
        env.put("EMPTY", "");
        env.put("HTTP_X_NAME", "Zoë ✓");
        env.put("A", "b=c");
        Memory ours = memory();
        Memory chicory = memory();
        GuestStrings strings = GuestStrings.environment(env);
        try (WasiPreview1 wasi = wasi(WasiOptions.builder().withEnvironment("PATH", "/usr/bin:/bin")
                .withEnvironment("EMPTY", "").withEnvironment("HTTP_X_NAME", "Zoë ✓").withEnvironment("A", "b=c"))) {
            assertEquals(0, strings.sizesGet(ours, COUNT, SIZE));
            assertEquals(0, wasi.environSizesGet(chicory, COUNT, SIZE));
            assertEquals(0, strings.get(ours, POINTERS, BUFFER));
            assertEquals(0, wasi.environGet(chicory, POINTERS, BUFFER));
        }
        assertEquals(4, ours.readInt(COUNT));
        assertSameBytes(chicory, ours);
        assertEquals("HTTP_X_NAME=Zoë ✓", cString(ours, ours.readInt(POINTERS + 8)));
    }

    @Test
    void argumentsAreWrittenAsChicoryWritesThem() {
        Memory ours = memory();
        Memory chicory = memory();
        GuestStrings strings = GuestStrings.arguments(List.of("hello", "", "ünï"));
        try (WasiPreview1 wasi = wasi(WasiOptions.builder().withArguments(List.of("hello", "", "ünï")))) {
            strings.sizesGet(ours, COUNT, SIZE);
            wasi.argsSizesGet(chicory, COUNT, SIZE);
            strings.get(ours, POINTERS, BUFFER);
            wasi.argsGet(chicory, POINTERS, BUFFER);
        }
        assertEquals(3, ours.readInt(COUNT));
        assertSameBytes(chicory, ours);
    }

    @Test
    void noneIsEmpty() {
        Memory ours = memory();
        ours.writeI32(COUNT, 7);
        ours.writeI32(SIZE, 7);
        GuestStrings.NONE.sizesGet(ours, COUNT, SIZE);
        GuestStrings.NONE.get(ours, POINTERS, BUFFER);
        assertEquals(0, ours.readInt(COUNT));
        assertEquals(0, ours.readInt(SIZE));
        assertEquals(0, ours.readInt(POINTERS));
    }

    private static WasiPreview1 wasi(WasiOptions.Builder options) {
        return WasiPreview1.builder().withOptions(options.build()).build();
    }

    private static Memory memory() {
        return new ByteArrayMemory(new MemoryLimits(1, 1));
    }

    private static void assertSameBytes(Memory expected, Memory actual) {
        assertArrayEquals(expected.readBytes(0, Memory.PAGE_SIZE), actual.readBytes(0, Memory.PAGE_SIZE));
    }

    private static String cString(Memory memory, int at) {
        int end = at;
        while (memory.read(end) != 0) {
            end++;
        }
        return new String(memory.readBytes(at, end - at), java.nio.charset.StandardCharsets.UTF_8);
    }
}
