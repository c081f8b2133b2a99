package org.faasj.controlplane.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;

/**
 * Checks at deploy that a module is one the worker can run: it parses and validates with Chicory
 * (the engine the worker runs it with), exports {@code _start} as a function taking and returning
 * nothing (a WASI command), and imports nothing but WASI preview1 functions, the only host the worker
 * gives a guest. Each refusal says why.
 */
final class WasmCommandCheck {

    static final String WASI_PREVIEW1 = "wasi_snapshot_preview1";

    private WasmCommandCheck() {
    }

    /** Why the module at {@code path} cannot run as a function, or null when it can. */
    static String problem(Path path) throws IOException {
        WasmModule module;
        try {
            module = Parser.parse(Files.readAllBytes(path));
        } catch (ChicoryException e) {
            return "not a valid WebAssembly module: " + e.getMessage();
        }
        String start = startProblem(module);
        return start != null ? start : importProblem(module);
    }

    private static String startProblem(WasmModule module) {
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            Export export = exports.getExport(i);
            if (!export.name().equals("_start")) {
                continue;
            }
            if (export.exportType() != ExternalType.FUNCTION) {
                return "the export _start is not a function: not a WASI command";
            }
            FunctionType type = module.typeSection().getType(functionTypeIndex(module, export.index()));
            if (!type.params().isEmpty() || !type.returns().isEmpty()) {
                return "_start must take and return nothing, it is " + type + ": not a WASI command";
            }
            return null;
        }
        return "the module exports no _start function: not a WASI command (a library module or a WASI reactor?)";
    }

    private static int functionTypeIndex(WasmModule module, int functionIndex) {
        int imported = module.importSection().count(ExternalType.FUNCTION);
        if (functionIndex < imported) {
            int seen = 0;
            for (int i = 0; i < module.importSection().importCount(); i++) {
                Import imp = module.importSection().getImport(i);
                if (imp.importType() == ExternalType.FUNCTION && seen++ == functionIndex) {
                    return ((FunctionImport) imp).typeIndex();
                }
            }
        }
        return module.functionSection().getFunctionType(functionIndex - imported);
    }

    private static String importProblem(WasmModule module) {
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            if (!imp.module().equals(WASI_PREVIEW1) || imp.importType() != ExternalType.FUNCTION) {
                return "the module imports " + imp.module() + "." + imp.name()
                        + ", which the platform does not provide (only " + WASI_PREVIEW1 + " functions)";
            }
        }
        return null;
    }
}
