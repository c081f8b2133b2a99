package org.faasj.controlplane.gateway;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import org.faasj.controlplane.scheduling.FunctionAdmission;

/**
 * One client connection while the gateway owns it: the channel, the bytes read but not yet
 * consumed (a partial head, or a pipelined request that arrived with the previous one), an answer
 * still being written, and the time by which the client must have sent (or taken) something.
 *
 * <p>The read buffer starts small and doubles up to the largest head plus body-prefix room only
 * while a head is incomplete, so an idle connection costs a couple of KiB, not the worst case.
 */
final class Connection {

    final SocketChannel channel;
    /** The client's address as counted by the connection caps; null for a refused connection (counted as a refusal). */
    final InetAddress client;
    /**
     * A connection of the control plane's own on the internal entry ({@link InternalEntry}): not
     * counted by the caps, and the only kind whose {@code X-Faas-Attempt} is believed.
     */
    final boolean internal;
    private final int initialBufferSize;
    private final int maxBufferSize;
    ByteBuffer buffer;
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
    /** Bytes of an answer the socket did not take yet; while set, the connection waits for OP_WRITE only. */
    ByteBuffer pending;
    /** What to do once {@link #pending} is written. */
    Runnable afterWrite;
    /** The caps' count for this connection was given back (it closed or left for the relay). */
    boolean released;
    /** The call's claim on its function's concurrency places, while it waits or runs (see {@link CallAdmission}). */
    FunctionAdmission.Ticket ticket;
    /** Waiting for a place: not parsed, not handed off. */
    boolean parked;
    /**
     * When the current call was parked ({@link #NOT_PARKED} if it was not): its hand-off tells the
     * worker how long it waited. A field, so measuring the wait costs the loop no allocation.
     */
    long parkedAtNanos = NOT_PARKED;
    /**
     * The call id of a parked call, drawn when it parked, so that its 429 or its hand-off carries
     * the same one; null when the connection has no parked call.
     */
    String parkedCallId;
    static final long NOT_PARKED = Long.MIN_VALUE;

    Connection(SocketChannel channel, InetAddress client, int initialBufferSize, int maxBufferSize) {
        this(channel, client, false, initialBufferSize, maxBufferSize);
    }

    Connection(SocketChannel channel, InetAddress client, boolean internal, int initialBufferSize, int maxBufferSize) {
        this.channel = channel;
        this.client = client;
        this.internal = internal;
        this.initialBufferSize = Math.min(initialBufferSize, maxBufferSize);
        this.maxBufferSize = maxBufferSize;
        this.buffer = ByteBuffer.allocate(this.initialBufferSize);
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

    /**
     * Doubles the buffer (up to the maximum), keeping its bytes and the scan position.
     *
     * @return false when the buffer is already as large as it may get
     */
    boolean grow() {
        if (buffer.capacity() >= maxBufferSize) {
            return false;
        }
        ByteBuffer larger = ByteBuffer.allocate((int) Math.min(maxBufferSize, 2L * buffer.capacity()));
        buffer.flip();
        larger.put(buffer);
        buffer = larger;
        return true;
    }

    /** An empty buffer that grew goes back to the initial size, so an idle connection stays cheap. */
    void shrinkIfEmpty() {
        if (buffer.position() == 0 && buffer.capacity() > initialBufferSize) {
            buffer = ByteBuffer.allocate(initialBufferSize);
            scanned = 0;
        }
    }
}
