package org.faasj.controlplane.descriptor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.faasj.model.ExecutionMode;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.FunctionRuntime;
import org.faasj.model.Network;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one descriptor parser. {@link #strict} is for uploads: duplicate keys, trailing tokens and
 * unknown fields are refused, numbers must lie in the platform's ranges, env keys and the handler
 * name must be well formed. {@link #lenient} is for route rows: anything the route table does not
 * read is ignored, numbers only need to make sense (a row written before a limit existed must keep
 * loading), env values may be any scalar. Everything else (field types, quoted numbers, defaults,
 * the network and mode rules, the messages) is the same for both. Every failure is a
 * {@link DescriptorFieldException} naming its field.
 */
public final class DescriptorReader {

    public static final int MIN_MEMORY_MB = 16;
    public static final int MAX_MEMORY_MB = 4096;
    public static final int MIN_TIMEOUT_S = 1;
    public static final int MAX_TIMEOUT_S = 300;
    public static final int MIN_TMP_MB = 1;
    public static final int MAX_TMP_MB = 4096;
    public static final int MIN_PROCESSES = 1;
    public static final int MAX_PROCESSES = 4096;
    /** 0 (or absent): no limit of the function's own; the workers' caps still apply. */
    public static final int MAX_CONCURRENCY = 10_000;
    public static final String DEFAULT_HANDLER = "main";
    /** Async retries: ten with a capped exponential backoff already spans most of an hour. */
    public static final int MAX_RETRIES = 10;

    /** What an upload may carry; rows also carry module and version, written by the platform. */
    public static final Set<String> UPLOAD_FIELDS = Set.of(
            "runtime", "method", "memory", "timeout", "tmp", "processes", "network", "handler", "name", "route", "env",
            "target", "concurrency", "mode", "retries");

    /** Quoted whole numbers ("64") are accepted: the original's users and hand-edited rows write them so. */
    private static final Pattern QUOTED_INTEGER = Pattern.compile("-?\\d{1,9}");
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern HANDLER = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final int MAX_ENV_ENTRIES = 64;
    private static final int MAX_ENV_VALUE_LENGTH = 4096;

    private static final JsonMapper STRICT_MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final JsonMapper LENIENT_MAPPER = JsonMapper.builder().build();

    private final JsonNode root;
    private final boolean strict;

    private DescriptorReader(JsonNode root, boolean strict) {
        this.root = root;
        this.strict = strict;
    }

    /** An uploaded descriptor: a single JSON object with only {@link #UPLOAD_FIELDS}. */
    public static DescriptorReader strict(String json) {
        DescriptorReader reader = new DescriptorReader(readObject(STRICT_MAPPER, json), true);
        for (String field : reader.root.propertyNames()) {
            if (!UPLOAD_FIELDS.contains(field)) {
                throw new DescriptorFieldException(field, "unknown descriptor field '" + field + "' (known: "
                        + String.join(", ", new TreeSet<>(UPLOAD_FIELDS)) + ")");
            }
        }
        return reader;
    }

    /** A route row's {@code v}: other fields are ignored, limits are only checked for sense. */
    public static DescriptorReader lenient(String json) {
        return new DescriptorReader(readObject(LENIENT_MAPPER, json), false);
    }

    private static JsonNode readObject(JsonMapper mapper, String json) {
        if (json == null || json.isBlank()) {
            throw new DescriptorFieldException("descriptor", "descriptor is empty");
        }
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JacksonException e) {
            throw new DescriptorFieldException("descriptor", "descriptor is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new DescriptorFieldException("descriptor", "descriptor must be a JSON object");
        }
        return root;
    }

    public boolean has(String field) {
        return root.has(field);
    }

    /** The field's string, or null when absent or JSON null. */
    public String string(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw new DescriptorFieldException(field, field + " must be a string, got " + node);
        }
        return node.stringValue();
    }

    public String requiredString(String field) {
        String value = string(field);
        if (value == null || value.isBlank()) {
            throw new DescriptorFieldException(field, field + " is required");
        }
        return value;
    }

    /** The runtime a row names; uploads name a source language instead (deploy's SourceLanguage). */
    public FunctionRuntime runtime() {
        String id = requiredString("runtime");
        return FunctionRuntime.fromId(id).orElseThrow(() -> new DescriptorFieldException("runtime",
                "unknown runtime '" + id + "' (known: " + FunctionRuntime.knownIds() + ")"));
    }

    public int memoryMb() {
        return integer("memory", MIN_MEMORY_MB, MAX_MEMORY_MB, 1, FunctionDescriptor.DEFAULT_MEMORY_MB);
    }

    public int timeoutSeconds() {
        return integer("timeout", MIN_TIMEOUT_S, MAX_TIMEOUT_S, 1, FunctionDescriptor.DEFAULT_TIMEOUT_SECONDS);
    }

    public int tmpMb() {
        return integer("tmp", MIN_TMP_MB, MAX_TMP_MB, 1, FunctionDescriptor.DEFAULT_TMP_MB);
    }

    public int processes() {
        return integer("processes", MIN_PROCESSES, MAX_PROCESSES, 1, FunctionDescriptor.DEFAULT_PROCESSES);
    }

    public int concurrency() {
        return integer("concurrency", FunctionDescriptor.UNLIMITED, MAX_CONCURRENCY, FunctionDescriptor.UNLIMITED,
                FunctionDescriptor.UNLIMITED);
    }

    /** Retries of an async call after a 5xx, 429 or timeout; absent means {@link FunctionDescriptor#DEFAULT_RETRIES}. */
    public int retries() {
        return integer("retries", 0, MAX_RETRIES, 0, FunctionDescriptor.DEFAULT_RETRIES);
    }

    /** Only rows carry a version (the platform writes it); uploads get theirs from the deployer. */
    public int version() {
        return integer("version", 1, Integer.MAX_VALUE, 1, 1);
    }

    /** Absent means the host's network, as every row from before the sandbox fields had. */
    public Network network() {
        String id = string("network");
        if (id == null) {
            return Network.OUTBOUND;
        }
        Network network = Network.fromId(id);
        if (network == null) {
            throw new DescriptorFieldException("network", "network must be outbound or none, got '" + id + "'");
        }
        return network;
    }

    /** Absent means a process per call, as every row from before handler mode had. */
    public ExecutionMode mode(FunctionRuntime runtime) {
        String id = string("mode");
        if (id == null) {
            return ExecutionMode.PROCESS;
        }
        ExecutionMode mode = ExecutionMode.fromId(id);
        if (mode == null) {
            throw new DescriptorFieldException("mode", "mode must be process or handler, got '" + id + "'");
        }
        String problem = mode.problemWith(runtime);
        if (problem != null) {
            throw new DescriptorFieldException("mode", problem);
        }
        return mode;
    }

    public String handler() {
        String handler = string("handler");
        if (handler == null) {
            return DEFAULT_HANDLER;
        }
        if (strict && !HANDLER.matcher(handler).matches()) {
            throw new DescriptorFieldException("handler",
                    "handler must be 1 to 128 characters of letters, digits, '_', '.', ':' or '-'");
        }
        return handler;
    }

    public Map<String, String> env() {
        JsonNode node = root.get("env");
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new DescriptorFieldException("env", "env must be an object of string values");
        }
        if (strict && node.size() > MAX_ENV_ENTRIES) {
            throw new DescriptorFieldException("env", "env has more than " + MAX_ENV_ENTRIES + " entries");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            env.put(entry.getKey(), strict ? strictEnvValue(entry) : lenientEnvValue(entry));
        }
        return env;
    }

    private static String strictEnvValue(Map.Entry<String, JsonNode> entry) {
        String key = entry.getKey();
        if (!ENV_KEY.matcher(key).matches()) {
            throw new DescriptorFieldException("env", "env key '" + key + "' must match [A-Za-z_][A-Za-z0-9_]*");
        }
        JsonNode value = entry.getValue();
        if (!value.isString() || value.stringValue().length() > MAX_ENV_VALUE_LENGTH
                || value.stringValue().indexOf('\0') >= 0) {
            throw new DescriptorFieldException("env", "env value of '" + key + "' must be a string of at most "
                    + MAX_ENV_VALUE_LENGTH + " characters without NUL");
        }
        return value.stringValue();
    }

    /** Hand-written rows put numbers and booleans in env; they reach the function as text. */
    private static String lenientEnvValue(Map.Entry<String, JsonNode> entry) {
        JsonNode value = entry.getValue();
        if (!value.isValueNode() || value.isNull()) {
            throw new DescriptorFieldException("env",
                    "env value of '" + entry.getKey() + "' must be a string, number or boolean");
        }
        return value.asString();
    }

    /**
     * A whole number, plain or quoted. Strict: within [strictMin, strictMax]. Lenient: at least
     * lenientMin, no upper limit, so a row written under other limits keeps loading.
     */
    private int integer(String field, int strictMin, int strictMax, int lenientMin, int fallback) {
        int min = strict ? strictMin : lenientMin;
        long max = strict ? strictMax : Integer.MAX_VALUE;
        String range = max == Integer.MAX_VALUE ? "at least " + min : "from " + min + " to " + max;
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        long value;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            value = node.longValue();
        } else if (node.isString() && QUOTED_INTEGER.matcher(node.stringValue().strip()).matches()) {
            value = Long.parseLong(node.stringValue().strip());
        } else {
            String wholeRange = max == Integer.MAX_VALUE ? "of at least " + min : range;
            throw new DescriptorFieldException(field, field + " must be a whole number " + wholeRange + ", got " + node);
        }
        if (value < min || value > max) {
            String bound = value > max && max == Integer.MAX_VALUE ? "at most " + max : range;
            throw new DescriptorFieldException(field, field + " must be " + bound + ", got " + value);
        }
        return (int) value;
    }
}
