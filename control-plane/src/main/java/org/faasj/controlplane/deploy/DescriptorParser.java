package org.faasj.controlplane.deploy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.faasj.controlplane.routing.ReservedPaths;
import org.faasj.model.ExecutionMode;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.Network;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an uploaded descriptor with Jackson and checks every field, so that nothing the route table,
 * the gateway or the worker relies on can be wrong later. Each failure names its field.
 */
final class DescriptorParser {

    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    static final int MIN_MEMORY_MB = 16;
    static final int MAX_MEMORY_MB = 4096;
    static final int MIN_TIMEOUT_S = 1;
    static final int MAX_TIMEOUT_S = 300;
    static final int DEFAULT_MEMORY_MB = 128;
    static final int DEFAULT_TIMEOUT_S = 10;
    static final int MIN_TMP_MB = 1;
    static final int MAX_TMP_MB = 4096;
    static final int MIN_PROCESSES = 1;
    static final int MAX_PROCESSES = 4096;
    /** 0 (or absent): no limit of the function's own; the workers' caps still apply. */
    static final int MAX_CONCURRENCY = 10_000;

    private static final Set<String> FIELDS = Set.of(
            "runtime", "method", "memory", "timeout", "tmp", "processes", "network", "handler", "name", "route", "env",
            "target", "concurrency", "mode");
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,63}");
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern HANDLER = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final Pattern ROUTE_BAD_CHARS = Pattern.compile(".*[\\s\\p{Cntrl}?#].*");
    private static final int MAX_ROUTE_LENGTH = 512;
    private static final int MAX_ENV_ENTRIES = 64;
    private static final int MAX_ENV_VALUE_LENGTH = 4096;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private DescriptorParser() {
    }

    /** @throws DeployProblem 400 naming the field at fault */
    static DeploySpec parse(String json) {
        JsonNode root = readObject(json);
        for (String field : root.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw DeployProblem.invalid(field, "unknown descriptor field '" + field + "' (known: "
                        + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
            }
        }
        boolean wasm = wasmTarget(root);
        SourceLanguage language = language(root, wasm);
        return new DeploySpec(
                name(root),
                language,
                method(root),
                route(root),
                integer(root, "memory", MIN_MEMORY_MB, MAX_MEMORY_MB, DEFAULT_MEMORY_MB),
                integer(root, "timeout", MIN_TIMEOUT_S, MAX_TIMEOUT_S, DEFAULT_TIMEOUT_S),
                integer(root, "tmp", MIN_TMP_MB, MAX_TMP_MB, FunctionDescriptor.DEFAULT_TMP_MB),
                integer(root, "processes", MIN_PROCESSES, MAX_PROCESSES, FunctionDescriptor.DEFAULT_PROCESSES),
                network(root),
                handler(root),
                env(root),
                integer(root, "concurrency", FunctionDescriptor.UNLIMITED, MAX_CONCURRENCY, FunctionDescriptor.UNLIMITED),
                mode(root, language));
    }

    /** {@code process} (the default) or {@code handler}, which only PHP and Python support. */
    private static ExecutionMode mode(JsonNode root, SourceLanguage language) {
        String id = string(root, "mode");
        if (id == null) {
            return ExecutionMode.PROCESS;
        }
        ExecutionMode mode = ExecutionMode.fromId(id);
        if (mode == null) {
            throw DeployProblem.invalid("mode", "mode must be process or handler, got '" + id + "'");
        }
        String problem = mode.problemWith(language.runtime());
        if (problem != null) {
            throw DeployProblem.invalid("mode", problem);
        }
        return mode;
    }

    private static JsonNode readObject(String json) {
        if (json == null || json.isBlank()) {
            throw DeployProblem.invalid("descriptor", "descriptor is empty");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw DeployProblem.invalid("descriptor", "descriptor is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw DeployProblem.invalid("descriptor", "descriptor must be a JSON object");
        }
        return root;
    }

    /** True for {@code "target": "wasm"}; absent or {@code "native"} is false. */
    private static boolean wasmTarget(JsonNode root) {
        String target = string(root, "target");
        if (target == null || target.equals("native")) {
            return false;
        }
        if (target.equals("wasm")) {
            return true;
        }
        throw DeployProblem.invalid("target", "unknown target '" + target + "' (allowed: native, wasm)");
    }

    private static String name(JsonNode root) {
        String name = string(root, "name");
        if (name != null && !NAME.matcher(name).matches()) {
            throw DeployProblem.invalid("name", "name must be 1 to 63 characters of a-z, 0-9 and '-', got '" + name + "'");
        }
        return name;
    }

    private static SourceLanguage language(JsonNode root, boolean wasmTarget) {
        String runtime = string(root, "runtime");
        if (runtime == null) {
            throw DeployProblem.invalid("runtime", "runtime is required (allowed: " + SourceLanguage.ALLOWED + ")");
        }
        SourceLanguage language = SourceLanguage.fromId(runtime).orElseThrow(() -> DeployProblem.invalid("runtime",
                "unknown runtime '" + runtime + "' (allowed: " + SourceLanguage.ALLOWED + ")"));
        if (wasmTarget) {
            return language.forWasm().orElseThrow(() -> DeployProblem.invalid("target",
                    "target wasm is supported for c, rust, go and wasm uploads, not for " + runtime));
        }
        if ((language == SourceLanguage.RUST || language == SourceLanguage.GO) && root.has("target")) {
            throw DeployProblem.invalid("target", runtime + " is only built for WASM: use \"target\": \"wasm\"");
        }
        return language;
    }

    private static String method(JsonNode root) {
        String method = string(root, "method");
        if (method == null) {
            return null;
        }
        String upper = method.toUpperCase(Locale.ROOT);
        if (!METHODS.contains(upper)) {
            throw DeployProblem.invalid("method", "method must be one of GET, POST, PUT, PATCH, DELETE, got '" + method + "'");
        }
        return upper;
    }

    private static String route(JsonNode root) {
        String route = string(root, "route");
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

    private static String handler(JsonNode root) {
        String handler = string(root, "handler");
        if (handler == null) {
            return "main";
        }
        if (!HANDLER.matcher(handler).matches()) {
            throw DeployProblem.invalid("handler", "handler must be 1 to 128 characters of letters, digits, '_', '.', ':' or '-'");
        }
        return handler;
    }

    private static Network network(JsonNode root) {
        String id = string(root, "network");
        if (id == null) {
            return Network.OUTBOUND;
        }
        Network network = Network.fromId(id);
        if (network == null) {
            throw DeployProblem.invalid("network", "network must be outbound or none, got '" + id + "'");
        }
        return network;
    }

    /** Whole numbers; a quoted one ("64") is accepted because the original's users wrote them so. */
    private static int integer(JsonNode root, String field, int min, int max, int fallback) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        long value;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            value = node.longValue();
        } else if (node.isString() && node.stringValue().strip().matches("-?\\d{1,9}")) {
            value = Long.parseLong(node.stringValue().strip());
        } else {
            throw DeployProblem.invalid(field, field + " must be a whole number from " + min + " to " + max + ", got " + node);
        }
        if (value < min || value > max) {
            throw DeployProblem.invalid(field, field + " must be from " + min + " to " + max + ", got " + value);
        }
        return (int) value;
    }

    private static Map<String, String> env(JsonNode root) {
        JsonNode node = root.get("env");
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw DeployProblem.invalid("env", "env must be an object of string values");
        }
        if (node.size() > MAX_ENV_ENTRIES) {
            throw DeployProblem.invalid("env", "env has more than " + MAX_ENV_ENTRIES + " entries");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String key = entry.getKey();
            if (!ENV_KEY.matcher(key).matches()) {
                throw DeployProblem.invalid("env", "env key '" + key + "' must match [A-Za-z_][A-Za-z0-9_]*");
            }
            JsonNode value = entry.getValue();
            if (!value.isString() || value.stringValue().length() > MAX_ENV_VALUE_LENGTH
                    || value.stringValue().indexOf('\0') >= 0) {
                throw DeployProblem.invalid("env", "env value of '" + key + "' must be a string of at most "
                        + MAX_ENV_VALUE_LENGTH + " characters without NUL");
            }
            env.put(key, value.stringValue());
        }
        return env;
    }

    private static String string(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw DeployProblem.invalid(field, field + " must be a string, got " + node);
        }
        return node.stringValue();
    }
}
