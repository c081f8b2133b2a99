package org.faasj.controlplane.deploy;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.faasj.controlplane.descriptor.DescriptorFieldException;
import org.faasj.controlplane.descriptor.DescriptorReader;
import org.faasj.controlplane.routing.ReservedPaths;
import org.faasj.model.FunctionDescriptor;

/**
 * Reads an uploaded descriptor with the strict {@link DescriptorReader} and checks the fields only
 * uploads carry (name, method, route, source language and target), so that nothing the route table,
 * the gateway or the worker relies on can be wrong later. Each failure names its field.
 */
final class DescriptorParser {

    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    static final int DEFAULT_MEMORY_MB = FunctionDescriptor.DEFAULT_MEMORY_MB;
    static final int DEFAULT_TIMEOUT_S = FunctionDescriptor.DEFAULT_TIMEOUT_SECONDS;

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,63}");
    private static final Pattern ROUTE_BAD_CHARS = Pattern.compile(".*[\\s\\p{Cntrl}?#].*");
    private static final int MAX_ROUTE_LENGTH = 512;

    private DescriptorParser() {
    }

    /** @throws DeployProblem 400 naming the field at fault */
    static DeploySpec parse(String json) {
        try {
            return read(DescriptorReader.strict(json));
        } catch (DescriptorFieldException e) {
            throw DeployProblem.invalid(e.field(), e.getMessage());
        }
    }

    private static DeploySpec read(DescriptorReader fields) {
        boolean wasm = wasmTarget(fields);
        SourceLanguage language = language(fields, wasm);
        return new DeploySpec(
                name(fields),
                language,
                method(fields),
                route(fields),
                fields.memoryMb(),
                fields.timeoutSeconds(),
                fields.tmpMb(),
                fields.processes(),
                fields.network(),
                fields.handler(),
                fields.env(),
                fields.concurrency(),
                fields.mode(language.runtime()),
                fields.retries());
    }

    /** True for {@code "target": "wasm"}; absent or {@code "native"} is false. */
    private static boolean wasmTarget(DescriptorReader fields) {
        String target = fields.string("target");
        if (target == null || target.equals("native")) {
            return false;
        }
        if (target.equals("wasm")) {
            return true;
        }
        throw DeployProblem.invalid("target", "unknown target '" + target + "' (allowed: native, wasm)");
    }

    private static String name(DescriptorReader fields) {
        String name = fields.string("name");
        if (name != null && !NAME.matcher(name).matches()) {
            throw DeployProblem.invalid("name", "name must be 1 to 63 characters of a-z, 0-9 and '-', got '" + name + "'");
        }
        return name;
    }

    private static SourceLanguage language(DescriptorReader fields, boolean wasmTarget) {
        String runtime = fields.string("runtime");
        if (runtime == null) {
            throw DeployProblem.invalid("runtime", "runtime is required (allowed: " + SourceLanguage.ALLOWED + ")");
        }
        SourceLanguage language = SourceLanguage.fromId(runtime).orElseThrow(() -> DeployProblem.invalid("runtime",
                "unknown runtime '" + runtime + "' (allowed: " + SourceLanguage.ALLOWED + ")"));
        if (wasmTarget) {
            return language.forWasm().orElseThrow(() -> DeployProblem.invalid("target",
                    "target wasm is supported for c, rust, go and wasm uploads, not for " + runtime));
        }
        if ((language == SourceLanguage.RUST || language == SourceLanguage.GO) && fields.has("target")) {
            throw DeployProblem.invalid("target", runtime + " is only built for WASM: use \"target\": \"wasm\"");
        }
        return language;
    }

    private static String method(DescriptorReader fields) {
        String method = fields.string("method");
        if (method == null) {
            return null;
        }
        String upper = method.toUpperCase(Locale.ROOT);
        if (!METHODS.contains(upper)) {
            throw DeployProblem.invalid("method", "method must be one of GET, POST, PUT, PATCH, DELETE, got '" + method + "'");
        }
        return upper;
    }

    private static String route(DescriptorReader fields) {
        String route = fields.string("route");
        if (route == null) {
            return null;
        }
        String problem = routeProblem(route);
        if (problem != null) {
            throw DeployProblem.invalid("route", "route '" + route + "' " + problem);
        }
        return route;
    }

    /** Why this path cannot be a function's route, or null. */
    static String routeProblem(String route) {
        if (!route.startsWith("/")) {
            return "must start with '/'";
        }
        if (route.length() > MAX_ROUTE_LENGTH) {
            return "is longer than " + MAX_ROUTE_LENGTH + " characters";
        }
        if (ROUTE_BAD_CHARS.matcher(route).matches()) {
            return "must not contain whitespace, control characters, '?' or '#'";
        }
        if (route.contains("..")) {
            return "must not contain '..'";
        }
        if (ReservedPaths.isReserved(route)) {
            return "is reserved for the platform";
        }
        return null;
    }
}
