package org.faasj.controlplane.routing;

import java.util.LinkedHashMap;
import java.util.Map;

import org.faasj.model.ExecutionMode;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.FunctionRuntime;
import org.faasj.model.Network;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Converts between a route row ({@code k}, {@code v}) and a {@link FunctionDescriptor}.
 * The key is the authority for method and path: rows written by the original platform or by hand
 * with the {@code sqlite3} CLI carry no method or route in {@code v}, and a copy that disagrees
 * with the key must not move the route.
 */
public final class DescriptorJson {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private DescriptorJson() {
    }

    /**
     * @throws InvalidDescriptorException for a bad key, broken JSON, an unknown or missing runtime,
     *                                    a missing module or a field of the wrong type
     */
    public static FunctionDescriptor parse(String key, String json) {
        RouteKey routeKey = RouteKey.parse(key);
        JsonNode root = readObject(key, json);
        Fields fields = new Fields(key, root);
        FunctionRuntime runtime = runtime(fields);
        return new FunctionDescriptor(
                fields.string("name", defaultName(routeKey)),
                runtime,
                routeKey.method(),
                routeKey.path(),
                fields.requiredString("module"),
                fields.string("handler", "main"),
                fields.positiveInt("memory", FunctionDescriptor.DEFAULT_MEMORY_MB),
                fields.positiveInt("timeout", FunctionDescriptor.DEFAULT_TIMEOUT_SECONDS),
                fields.positiveInt("tmp", FunctionDescriptor.DEFAULT_TMP_MB),
                fields.positiveInt("processes", FunctionDescriptor.DEFAULT_PROCESSES),
                network(fields),
                fields.stringMap("env"),
                fields.positiveInt("version", 1),
                fields.nonNegativeInt("concurrency", FunctionDescriptor.UNLIMITED),
                mode(fields, runtime));
    }

    /** The {@code v} column for this descriptor. */
    public static String toJson(FunctionDescriptor descriptor) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("name", descriptor.name());
        node.put("runtime", descriptor.runtime().id());
        node.put("module", descriptor.module());
        node.put("handler", descriptor.handler());
        node.put("memory", descriptor.memoryMb());
        node.put("timeout", descriptor.timeoutSeconds());
        node.put("tmp", descriptor.tmpMb());
        node.put("processes", descriptor.processes());
        node.put("network", descriptor.network().id());
        ObjectNode env = node.putObject("env");
        descriptor.env().forEach(env::put);
        node.put("version", descriptor.version());
        if (descriptor.limited()) {
            node.put("concurrency", descriptor.concurrency()); // absent = no limit, as in rows from before the field
        }
        if (descriptor.mode() != ExecutionMode.PROCESS) {
            node.put("mode", descriptor.mode().id()); // absent = process, as in rows from before the field
        }
        node.put("method", descriptor.method());
        node.put("route", descriptor.route());
        return MAPPER.writeValueAsString(node);
    }

    private static JsonNode readObject(String key, String json) {
        if (json == null || json.isBlank()) {
            throw new InvalidDescriptorException(key + ": descriptor JSON is empty");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new InvalidDescriptorException(key + ": descriptor is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidDescriptorException(key + ": descriptor must be a JSON object");
        }
        return root;
    }

    private static FunctionRuntime runtime(Fields fields) {
        String id = fields.requiredString("runtime");
        return FunctionRuntime.fromId(id).orElseThrow(() -> new InvalidDescriptorException(
                fields.key + ": unknown runtime '" + id + "' (known: " + FunctionRuntime.knownIds() + ")"));
    }

    /** Absent means a process per call, as every row from before handler mode had. */
    private static ExecutionMode mode(Fields fields, FunctionRuntime runtime) {
        String id = fields.string("mode", ExecutionMode.PROCESS.id());
        ExecutionMode mode = ExecutionMode.fromId(id);
        if (mode == null) {
            throw new InvalidDescriptorException(fields.key + ": unknown mode '" + id + "' (known: process, handler)");
        }
        String problem = mode.problemWith(runtime);
        if (problem != null) {
            throw new InvalidDescriptorException(fields.key + ": " + problem);
        }
        return mode;
    }

    /** Rows from before the sandbox fields carry no network: they get the host's, as before. */
    private static Network network(Fields fields) {
        String id = fields.string("network", Network.OUTBOUND.id());
        Network network = Network.fromId(id);
        if (network == null) {
            throw new InvalidDescriptorException(fields.key + ": unknown network '" + id + "' (known: outbound, none)");
        }
        return network;
    }

    /** The original platform's rows carry no name; the last path segment is the natural one. */
    private static String defaultName(RouteKey key) {
        String path = key.path();
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.isEmpty() ? key.toString() : last;
    }

    /** Typed access to the descriptor's fields, with errors that name the row and the field. */
    private record Fields(String key, JsonNode root) {

        String requiredString(String field) {
            String value = string(field, null);
            if (value == null || value.isBlank()) {
                throw new InvalidDescriptorException(key + ": descriptor has no '" + field + "'");
            }
            return value;
        }

        String string(String field, String fallback) {
            JsonNode node = root.get(field);
            if (node == null || node.isNull()) {
                return fallback;
            }
            if (!node.isString()) {
                throw new InvalidDescriptorException(key + ": '" + field + "' must be a string");
            }
            return node.stringValue();
        }

        /** Integers written as JSON strings ("64") are accepted: hand-edited rows often quote them. */
        int positiveInt(String field, int fallback) {
            int value = nonNegativeInt(field, fallback);
            if (value == 0) {
                throw new InvalidDescriptorException(key + ": '" + field + "' must be positive, got 0");
            }
            return value;
        }

        int nonNegativeInt(String field, int fallback) {
            JsonNode node = root.get(field);
            if (node == null || node.isNull()) {
                return fallback;
            }
            int value;
            if (node.isIntegralNumber() && node.canConvertToInt()) {
                value = node.intValue();
            } else if (node.isString() && node.stringValue().strip().matches("\\d{1,9}")) {
                value = Integer.parseInt(node.stringValue().strip());
            } else {
                throw new InvalidDescriptorException(key + ": '" + field + "' must be a whole number, got " + node);
            }
            if (value < 0) {
                throw new InvalidDescriptorException(key + ": '" + field + "' must not be negative, got " + value);
            }
            return value;
        }

        Map<String, String> stringMap(String field) {
            JsonNode node = root.get(field);
            if (node == null || node.isNull()) {
                return Map.of();
            }
            if (!node.isObject()) {
                throw new InvalidDescriptorException(key + ": '" + field + "' must be an object of strings");
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                JsonNode value = entry.getValue();
                if (!value.isValueNode() || value.isNull()) {
                    throw new InvalidDescriptorException(
                            key + ": '" + field + "." + entry.getKey() + "' must be a string, number or boolean");
                }
                values.put(entry.getKey(), value.asString());
            }
            return values;
        }
    }
}
