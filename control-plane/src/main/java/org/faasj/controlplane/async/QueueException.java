package org.faasj.controlplane.async;

/** The store failed (I/O, a full disk, a broken database file); the operation did not happen. */
public class QueueException extends Exception {

    public QueueException(String message, Throwable cause) {
        super(message, cause);
    }
}
