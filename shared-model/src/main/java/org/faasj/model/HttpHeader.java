package org.faasj.model;

import java.util.List;

/** One request header as the client sent it (name case preserved). */
public record HttpHeader(String name, String value) {

    /** The value of the first header with this name (case-insensitive), or null. */
    public static String firstValue(List<HttpHeader> headers, String name) {
        for (HttpHeader h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }
}
