package org.faasj.model;

/** One request header as the client sent it (name case preserved). */
public record HttpHeader(String name, String value) {
}
