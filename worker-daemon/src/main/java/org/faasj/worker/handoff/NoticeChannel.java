package org.faasj.worker.handoff;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;

import org.faasj.model.CompletionAck;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.FileDescriptorCast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's side channel for "response started" notices ({@link CompletionAck#NOTICE_CHANNEL_PREAMBLE}).
 *
 * <p>Why: perf (round 4) put the two acks per call at about a tenth of a worker's CPU, most of it
 * the kernel waking the gateway's ack reader, which then woke again for the completion. Nobody
 * waits on this channel, so a notice costs one non-blocking write; the gateway reads the notices in
 * batches and, when the link ends, all of them before it decides between 502 and a cut.
 *
 * <p>Writes never block: a full channel (the gateway fell behind) or a broken one makes
 * {@link #offer} return false, and the caller sends that notice on the link as before. Callers hold
 * the connection's write lock.
 */
final class NoticeChannel {

    private static final Logger log = LoggerFactory.getLogger(NoticeChannel.class);

    private final AFUNIXSocketChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(CompletionAck.BYTES);
    private boolean broken;

    private NoticeChannel(AFUNIXSocketChannel channel) {
        this.channel = channel;
    }

    /** Takes the descriptor the gateway attached to the preamble. */
    static NoticeChannel adopt(FileDescriptor fd) throws IOException {
        AFUNIXSocketChannel channel = FileDescriptorCast.using(fd).as(AFUNIXSocketChannel.class);
        channel.configureBlocking(false);
        return new NoticeChannel(channel);
    }

    /** True if the whole notice went out here; false if the caller must send it on the link. */
    boolean offer(CompletionAck notice) {
        if (broken) {
            return false;
        }
        buffer.clear();
        notice.writeTo(buffer);
        buffer.flip();
        try {
            int written = channel.write(buffer);
            if (written == 0) {
                return false; // full: this one goes on the link
            }
            if (buffer.hasRemaining()) {
                // a 16-byte write is all or nothing on Linux; should it ever be split, the gateway drops the
                // torn record, this notice goes on the link and so do all later ones
                broken = true;
                return false;
            }
            return true;
        } catch (IOException e) {
            broken = true;
            log.debug("notice channel broken, notices go on the link: {}", e.toString());
            return false;
        }
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing the notice channel: {}", e.toString());
        }
    }
}
