package org.faasj.controlplane.routing;

import org.faasj.controlplane.descriptor.DescriptorFieldException;
import org.faasj.controlplane.descriptor.DescriptorReader;
import org.faasj.model.ExecutionMode;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.FunctionRuntime;

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
     * Reads a row with the lenient {@link DescriptorReader}: fields the table does not use are
     * ignored and limits are only checked for sense, so rows written by hand or under older limits load.
     *
     * @throws InvalidDescriptorException for a bad key, broken JSON, an unknown or missing runtime,
     *                                    a missing module or a field of the wrong type
     */
    public static FunctionDescriptor parse(String key, String json) {
        RouteKey routeKey = RouteKey.parse(key);
        try {
            return read(routeKey, DescriptorReader.lenient(json));
        } catch (DescriptorFieldException e) {
            throw new InvalidDescriptorException(key + ": " + e.getMessage(), e);
        }
    }

    private static FunctionDescriptor read(RouteKey routeKey, DescriptorReader fields) {
        FunctionRuntime runtime = fields.runtime();
        String name = fields.string("name");
        return new FunctionDescriptor(
                name != null ? name : defaultName(routeKey),
                runtime,
                routeKey.method(),
                routeKey.path(),
                fields.requiredString("module"),
                fields.handler(),
                fields.memoryMb(),
                fields.timeoutSeconds(),
                fields.tmpMb(),
                fields.processes(),
                fields.network(),
                fields.env(),
                fields.version(),
                fields.concurrency(),
                fields.mode(runtime),
                fields.retries());
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
        if (descriptor.retries() != FunctionDescriptor.DEFAULT_RETRIES) {
            node.put("retries", descriptor.retries()); // absent = the default, as in rows from before the field
        }
        node.put("method", descriptor.method());
        node.put("route", descriptor.route());
        return MAPPER.writeValueAsString(node);
    }

    /** The original platform's rows carry no name; the last path segment is the natural one. */
    private static String defaultName(RouteKey key) {
        String path = key.path();
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.isEmpty() ? key.toString() : last;
    }
}
