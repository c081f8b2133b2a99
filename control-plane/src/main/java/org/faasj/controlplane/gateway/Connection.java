package org.faasj.controlplane.gateway;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import org.faasj.controlplane.scheduling.FunctionAdmission;

/**
 * One client connection while the gateway owns it: the channel, the bytes read but not yet
 * consumed (a partial head, or a pipelined request that arrived with the previous one) and the
 * time by which the client must have sent something.
 */
final class Connection {

    final SocketChannel channel;
    final ByteBuffer buffer;
    SelectionKey key;
    /** Bytes before this index were already searched for the end of the head. */
    int scanned;
    long deadlineNanos;
    /**
     * Answered and half-closed; whatever the client still sends is read and dropped until it
     * closes too, because closing with unread bytes makes the kernel send RST, and an RST can
     * destroy the error answer before the client reads it.
     */
    boolean draining;
    /** The call's claim on its function's concurrency places, while it waits or runs (see {@link CallAdmission}). */
    FunctionAdmission.Ticket ticket;
    /** Waiting for a place: not parsed, not handed off. */
    boolean parked;

    Connection(SocketChannel channel, int bufferSize) {
        this.channel = channel;
        this.buffer = ByteBuffer.allocate(bufferSize);
    }

    /** Drops the first {@code consumed} buffered bytes, keeping what follows them. */
    void consume(int consumed) {
        buffer.flip();
        buffer.position(Math.min(consumed, buffer.limit()));
        buffer.compact();
        scanned = 0;
    }

    boolean hasBufferedBytes() {
        return buffer.position() > 0;
    }
}
