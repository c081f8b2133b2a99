package org.faasj.controlplane.routing;

/** A route row or descriptor that cannot be served; the message names the key and what is wrong. */
public class InvalidDescriptorException extends RuntimeException {

    public InvalidDescriptorException(String message) {
        super(message);
    }

    public InvalidDescriptorException(String message, Throwable cause) {
        super(message, cause);
    }
}
