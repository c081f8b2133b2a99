package org.faasj.worker.handoff;

import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.faasj.model.HandoffFrame;

/**
 * Cuts the hand-off byte stream into frames and pairs each with the descriptors that came with it,
 * reading as much as the socket gives in one call instead of the length first and the rest after.
 *
 * <p>Why reading ahead is safe: on a Unix stream socket the kernel hands out a message's
 * descriptors with its first byte and ends that receive call right after the message that carried
 * them. So the descriptors returned by one read belong to the frame holding that read's last
 * byte, whatever bytes of earlier frames came before it. Each read's descriptors are kept with the
 * stream offset where the read ended, and a frame takes those whose offset falls inside it.
 */
final class FrameReader {

    /** One receive call on the socket: bytes read (-1 at the end), descriptors it brought. */
    interface Source {
        int read(byte[] buf, int off, int len) throws IOException;

        /** Descriptors that arrived with the last read, or null. */
        FileDescriptor[] takeDescriptors() throws IOException;
    }

    /** A frame's payload (without the length prefix) and the descriptors that came with it. */
    record Frame(ByteBuffer payload, List<FileDescriptor> descriptors) {
    }

    /** A read's descriptors and the stream offset just past that read's last byte. */
    private record Arrival(long endOffset, FileDescriptor[] descriptors) {
    }

    private static final int INITIAL_BUFFER_BYTES = 16 * 1024;

    private final Source source;
    private final List<Arrival> arrivals = new ArrayList<>(2);
    private byte[] buf = new byte[INITIAL_BUFFER_BYTES];
    private int start;
    private int end;
    /** Stream offset of buf[0]. */
    private long base;

    FrameReader(Source source) {
        this.source = source;
    }

    /**
     * Returns the next frame, or null at a clean end of the stream. The payload is valid until the
     * next call.
     */
    Frame next() throws IOException {
        if (!fill(4, true)) {
            return null;
        }
        int length = ByteBuffer.wrap(buf, start, 4).getInt();
        if (length <= 0 || length > HandoffFrame.MAX_FRAME_BYTES) {
            throw new IOException("frame length " + length + " outside 1.." + HandoffFrame.MAX_FRAME_BYTES);
        }
        fill(4 + length, false);
        long frameStart = base + start;
        long frameEnd = frameStart + 4 + length;
        ByteBuffer payload = ByteBuffer.wrap(buf, start + 4, length).slice();
        start += 4 + length;
        return new Frame(payload, takeArrivals(frameStart, frameEnd));
    }

    /** Descriptors received but not yet handed out with a frame, for closing. */
    List<FileDescriptor> drain() {
        List<FileDescriptor> left = new ArrayList<>();
        arrivals.forEach(a -> left.addAll(List.of(a.descriptors())));
        arrivals.clear();
        return left;
    }

    private List<FileDescriptor> takeArrivals(long frameStart, long frameEnd) {
        if (arrivals.isEmpty()) {
            return List.of();
        }
        List<FileDescriptor> mine = new ArrayList<>(1);
        arrivals.removeIf(a -> {
            boolean inFrame = a.endOffset() > frameStart && a.endOffset() <= frameEnd;
            if (inFrame) {
                mine.addAll(List.of(a.descriptors()));
            }
            return inFrame;
        });
        return mine;
    }

    /** Makes sure {@code need} bytes from {@code start} are buffered; false at a clean end. */
    private boolean fill(int need, boolean endAllowed) throws IOException {
        if (end - start >= need) {
            return true;
        }
        makeRoom(need);
        while (end - start < need) {
            int n = source.read(buf, end, buf.length - end);
            if (n < 0) {
                if (end == start && endAllowed) {
                    return false;
                }
                throw new EOFException();
            }
            end += n;
            FileDescriptor[] fds = source.takeDescriptors();
            if (fds != null && fds.length > 0) {
                arrivals.add(new Arrival(base + end, fds));
            }
        }
        return true;
    }

    /** Moves the unread bytes to the front, growing the buffer if one frame needs more. */
    private void makeRoom(int need) {
        if (buf.length - start >= need && start < buf.length / 2) {
            return;
        }
        byte[] target = need > buf.length ? new byte[Math.max(need, buf.length * 2)] : buf;
        System.arraycopy(buf, start, target, 0, end - start);
        base += start;
        end -= start;
        start = 0;
        buf = target;
    }
}
