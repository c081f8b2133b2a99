package org.faasj.controlplane.gateway;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the connections of one event loop: leaves the selector, closes (or first cuts) the socket,
 * and gives back what the connection held, its function's concurrency place or queue slot and its
 * place under the connection caps, each exactly once. Used on the loop's thread only.
 */
final class ConnectionCloser {

    private static final Logger log = LoggerFactory.getLogger(ConnectionCloser.class);

    private final ConnectionCaps caps;

    ConnectionCloser(ConnectionCaps caps) {
        this.caps = caps;
    }

    void close(Connection c) {
        CallAdmission.end(c); // a parked client that left, or any other end, frees its place
        if (c.key != null) {
            c.key.cancel();
            c.key = null;
        }
        closeQuietly(c.channel);
        release(c);
    }

    /**
     * Cuts a connection a worker may still hold: shutdown acts on the connection itself, not on one
     * descriptor of it, so it wakes every holder's blocked reads (EOF) and writes (EPIPE).
     */
    void abort(Connection c) {
        try {
            c.channel.shutdownInput();
            c.channel.shutdownOutput();
        } catch (IOException e) {
            log.trace("shutdown of an aborted connection", e);
        }
        close(c);
    }

    /** Gives the connection's place under the caps back, once. */
    void release(Connection c) {
        if (c.released) {
            return;
        }
        c.released = true;
        if (c.internal) {
            return; // never counted
        }
        if (c.client != null) {
            caps.release(c.client);
        } else {
            caps.endRefusal();
        }
    }

    static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.trace("close", e);
        }
    }
}
