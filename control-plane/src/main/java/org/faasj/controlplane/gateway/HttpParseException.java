package org.faasj.controlplane.gateway;

/** A request head that cannot be served, with the status that says why (400, 431, 501…). */
public final class HttpParseException extends Exception {

    private final int status;

    public HttpParseException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
