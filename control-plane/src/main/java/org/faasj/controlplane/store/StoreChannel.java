package org.faasj.controlplane.store;

/**
 * A PostgreSQL notification channel a feature wants to hear about (cluster mode): the one
 * listening connection LISTENs on it too and calls {@link #notified()} on each notification.
 * Notifications are a fast path only; whoever listens still polls.
 */
public interface StoreChannel {

    /** The channel's name, a plain identifier. */
    String channel();

    /** Called on the listener's thread: return quickly. */
    void notified();
}
