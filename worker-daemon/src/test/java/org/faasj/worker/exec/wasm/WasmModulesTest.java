package org.faasj.worker.exec.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import com.dylibso.chicory.wasm.ChicoryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WasmModulesTest {

    /** {@code (module (func (export "_start")))}. */
    static final byte[] MIN_COMMAND = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60,
        0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x0a, 0x01, 0x06, 0x5f, 0x73,
        0x74, 0x61, 0x72, 0x74, 0x00, 0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};

    @TempDir
    Path dir;

    private Path module(String name) throws Exception {
        return Files.write(dir.resolve(name), MIN_COMMAND);
    }

    @Test
    void compilesOncePerVersionAndRecompilesAChangedFile() throws Exception {
        WasmModules modules = new WasmModules(1 << 30);
        Path a = module("a.wasm");
        WasmModules.Compiled first = modules.get(a);
        assertSame(first, modules.get(a));
        assertFalse(first.interpreted());

        Files.setLastModifiedTime(a, FileTime.fromMillis(Files.getLastModifiedTime(a).toMillis() + 5000));
        WasmModules.Compiled second = modules.get(a);
        assertNotSame(first, second);
        assertEquals(1, modules.size(), "the old version is dropped");
    }

    @Test
    void aNewerVersionOfAFunctionDropsTheOlderOnesButNotTheOtherWayRound() throws Exception {
        WasmModules modules = new WasmModules(1 << 30);
        Path v1 = module("v1.wasm");
        Path v2 = module("v2.wasm");
        Path other = module("other.wasm");
        WasmModules.Compiled first = modules.get(v1, "fn", 1);
        modules.get(other, "other-fn", 1);
        modules.get(v2, "fn", 2);
        assertEquals(2, modules.size(), "v1 went when v2 came");
        assertNotSame(first, modules.get(v1, "fn", 1), "a late call of v1 compiles it again");
        assertEquals(3, modules.size(), "beside v2, not in its place");
    }

    @Test
    void leastRecentlyUsedGoesFirstByCountAndByHeap() throws Exception {
        WasmModules byCount = new WasmModules(2, 1 << 30);
        Path a = module("a.wasm");
        Path b = module("b.wasm");
        Path c = module("c.wasm");
        WasmModules.Compiled keptA = byCount.get(a);
        byCount.get(b);
        byCount.get(a);
        byCount.get(c); // evicts b, the least recently used
        assertEquals(2, byCount.size());
        assertSame(keptA, byCount.get(a));

        long oneModule = MIN_COMMAND.length * WasmModules.HEAP_PER_MODULE_BYTE;
        WasmModules byHeap = new WasmModules(64, oneModule);
        byHeap.get(a);
        byHeap.get(b);
        assertEquals(1, byHeap.size());
    }

    @Test
    void missingAndInvalidFilesAreReportedAndNotCached() throws Exception {
        WasmModules modules = new WasmModules(1 << 30);
        assertThrows(NoSuchFileException.class, () -> modules.get(dir.resolve("none.wasm")));
        Path bad = Files.writeString(dir.resolve("bad.wasm"), "not wasm");
        assertThrows(ChicoryException.class, () -> modules.get(bad));
        assertEquals(0, modules.size());
    }
}
