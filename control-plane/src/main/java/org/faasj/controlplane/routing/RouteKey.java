package org.faasj.controlplane.routing;

import java.util.regex.Pattern;

import org.faasj.model.FunctionDescriptor;

/**
 * The primary key of a route row, {@code METHOD:/path}: an upper-case HTTP method and an absolute
 * path without query, fragment or whitespace. Lower-case methods are refused rather than
 * normalised, so that the row's key and the served route can never differ.
 *
 * @param method e.g. {@code POST}
 * @param path   e.g. {@code /api/hello}
 */
public record RouteKey(String method, String path) {

    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
    private static final Pattern PATH = Pattern.compile("/[^\\s\\p{Cntrl}?#]*");

    public RouteKey {
        if (method == null || !METHOD.matcher(method).matches()) {
            throw new InvalidDescriptorException("bad route method '" + method + "': expected upper-case letters like GET");
        }
        if (path == null || !PATH.matcher(path).matches()) {
            throw new InvalidDescriptorException(
                    "bad route path '" + path + "': expected /something without spaces, '?' or '#'");
        }
    }

    /** Parses {@code METHOD:/path}. */
    public static RouteKey parse(String key) {
        int colon = key == null ? -1 : key.indexOf(':');
        if (colon < 0) {
            throw new InvalidDescriptorException("bad route key '" + key + "': expected METHOD:/path");
        }
        try {
            return new RouteKey(key.substring(0, colon), key.substring(colon + 1));
        } catch (InvalidDescriptorException e) {
            throw new InvalidDescriptorException("bad route key '" + key + "': " + e.getMessage(), e);
        }
    }

    public static RouteKey of(FunctionDescriptor descriptor) {
        return new RouteKey(descriptor.method(), descriptor.route());
    }

    @Override
    public String toString() {
        return FunctionDescriptor.routeKey(method, path);
    }
}
