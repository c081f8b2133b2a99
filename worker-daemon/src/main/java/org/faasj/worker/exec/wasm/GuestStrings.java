package org.faasj.worker.exec.wasm;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.dylibso.chicory.runtime.Memory;

/**
 * A call's argv or environment as the guest reads it through {@code args_get}/{@code environ_get}
 * and their {@code _sizes_get}: NUL-terminated UTF-8 strings ({@code NAME=value} for the
 * environment), written to the guest's memory exactly as Chicory's {@code WasiPreview1} writes them.
 *
 * <p>Why not leave them to {@code WasiPreview1}: its constructor turns the options' map into byte
 * arrays through streams on every call, which under the workers' C1 cost about 4 % of a worker's CPU
 * per WASM hello (perf, round 4). These are built straight from the call's map, once per call, and the
 * guest's trampolines serve them ({@link WasmGuest}); the call's {@code WasiPreview1} gets none.
 */
final class GuestStrings {

    static final GuestStrings NONE = new GuestStrings(new byte[0][], 0);
    private static final int ESUCCESS = 0;

    /** Each string with its terminating NUL. */
    private final byte[][] strings;
    private final int totalBytes;

    private GuestStrings(byte[][] strings, int totalBytes) {
        this.strings = strings;
        this.totalBytes = totalBytes;
    }

    static GuestStrings arguments(List<String> arguments) {
        byte[][] strings = new byte[arguments.size()][];
        int total = 0;
        for (int i = 0; i < strings.length; i++) {
            strings[i] = terminated(arguments.get(i).getBytes(StandardCharsets.UTF_8), null);
            total += strings[i].length;
        }
        return new GuestStrings(strings, total);
    }

    static GuestStrings environment(Map<String, String> environment) {
        byte[][] strings = new byte[environment.size()][];
        int total = 0;
        int i = 0;
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            byte[] entry = terminated(variable.getKey().getBytes(StandardCharsets.UTF_8),
                    variable.getValue().getBytes(StandardCharsets.UTF_8));
            strings[i++] = entry;
            total += entry.length;
        }
        return new GuestStrings(strings, total);
    }

    /** {@code first}, or {@code first=second}, followed by a NUL. */
    private static byte[] terminated(byte[] first, byte[] second) {
        int length = first.length + (second == null ? 0 : second.length + 1) + 1;
        byte[] out = new byte[length];
        System.arraycopy(first, 0, out, 0, first.length);
        if (second != null) {
            out[first.length] = '=';
            System.arraycopy(second, 0, out, first.length + 1, second.length);
        }
        return out; // the last byte is already 0
    }

    /** {@code *_sizes_get}: the number of strings and their bytes, NULs included. */
    int sizesGet(Memory memory, int countPtr, int bytesPtr) {
        memory.writeI32(countPtr, strings.length);
        memory.writeI32(bytesPtr, totalBytes);
        return ESUCCESS;
    }

    /** {@code args_get}/{@code environ_get}: a pointer per string at {@code pointers}, the strings from {@code buffer} on. */
    int get(Memory memory, int pointers, int buffer) {
        for (byte[] string : strings) {
            memory.writeI32(pointers, buffer);
            pointers += 4;
            memory.write(buffer, string);
            buffer += string.length;
        }
        return ESUCCESS;
    }

    int count() {
        return strings.length;
    }
}
