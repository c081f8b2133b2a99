package org.faasj.worker.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

import org.junit.jupiter.api.Test;

class FrameReaderTest {

    /**
     * Behaves like a Unix stream socket: each sent message is one segment; a read takes bytes
     * across segments but ends right after a segment that carried descriptors, which it returns
     * with that segment's first byte.
     */
    static final class FakeSocket implements FrameReader.Source {
        private final Deque<Segment> segments = new ArrayDeque<>();
        private FileDescriptor[] last;
        int reads;

        private static final class Segment {
            final byte[] bytes;
            int pos;
            FileDescriptor[] fds;

            Segment(byte[] bytes, FileDescriptor[] fds) {
                this.bytes = bytes;
                this.fds = fds;
            }
        }

        void send(byte[] bytes, FileDescriptor... fds) {
            segments.add(new Segment(bytes, fds.length == 0 ? null : fds));
        }

        @Override
        public int read(byte[] buf, int off, int len) {
            reads++;
            if (segments.isEmpty()) {
                return -1;
            }
            int done = 0;
            last = null;
            while (done < len && !segments.isEmpty()) {
                Segment s = segments.peek();
                if (s.fds != null) {
                    last = s.fds;
                    s.fds = null;
                }
                int n = Math.min(len - done, s.bytes.length - s.pos);
                System.arraycopy(s.bytes, s.pos, buf, off + done, n);
                s.pos += n;
                done += n;
                if (s.pos < s.bytes.length) {
                    break;
                }
                segments.poll();
                if (last != null) {
                    break;
                }
            }
            return done;
        }

        @Override
        public FileDescriptor[] takeDescriptors() {
            FileDescriptor[] fds = last;
            last = null;
            return fds;
        }
    }

    private static byte[] frame(int length, byte fill) {
        ByteBuffer b = ByteBuffer.allocate(4 + length).putInt(length);
        byte[] payload = new byte[length];
        Arrays.fill(payload, fill);
        return b.put(payload).array();
    }

    private static byte[] part(byte[] bytes, int from, int to) {
        return Arrays.copyOfRange(bytes, from, to);
    }

    private static void assertPayload(FrameReader.Frame f, int length, byte fill) {
        assertEquals(length, f.payload().remaining());
        while (f.payload().hasRemaining()) {
            assertEquals(fill, f.payload().get());
        }
    }

    @Test
    void oneFrameWithItsDescriptorTakesOneRead() throws IOException {
        FakeSocket socket = new FakeSocket();
        FileDescriptor fd = new FileDescriptor();
        socket.send(frame(300, (byte) 1), fd);
        FrameReader reader = new FrameReader(socket);

        FrameReader.Frame f = reader.next();

        assertPayload(f, 300, (byte) 1);
        assertEquals(List.of(fd), f.descriptors());
        assertEquals(1, socket.reads);
        assertNull(reader.next());
    }

    @Test
    void backToBackFramesEachKeepTheirOwnDescriptor() throws IOException {
        FakeSocket socket = new FakeSocket();
        FileDescriptor a = new FileDescriptor();
        FileDescriptor b = new FileDescriptor();
        FileDescriptor c = new FileDescriptor();
        socket.send(frame(10, (byte) 1), a);
        socket.send(frame(20, (byte) 2), b);
        socket.send(frame(30, (byte) 3), c);
        FrameReader reader = new FrameReader(socket);

        FrameReader.Frame first = reader.next();
        assertPayload(first, 10, (byte) 1);
        assertSame(a, first.descriptors().get(0));
        FrameReader.Frame second = reader.next();
        assertPayload(second, 20, (byte) 2);
        assertEquals(List.of(b), second.descriptors());
        FrameReader.Frame third = reader.next();
        assertPayload(third, 30, (byte) 3);
        assertEquals(List.of(c), third.descriptors());
        assertNull(reader.next());
    }

    @Test
    void aFrameSentInPiecesGetsItsDescriptorAndTheNextFrameGetsItsOwn() throws IOException {
        FakeSocket socket = new FakeSocket();
        FileDescriptor a = new FileDescriptor();
        FileDescriptor b = new FileDescriptor();
        byte[] big = frame(50_000, (byte) 7);
        socket.send(part(big, 0, 2), a);
        socket.send(part(big, 2, 20_000));
        socket.send(part(big, 20_000, big.length));
        socket.send(frame(5, (byte) 8), b);
        FrameReader reader = new FrameReader(socket);

        FrameReader.Frame first = reader.next();
        assertPayload(first, 50_000, (byte) 7);
        assertEquals(List.of(a), first.descriptors());
        FrameReader.Frame second = reader.next();
        assertPayload(second, 5, (byte) 8);
        assertEquals(List.of(b), second.descriptors());
    }

    @Test
    void framesWithoutDescriptorsAreReadTogetherAndTheDescriptorGoesToItsFrame() throws IOException {
        FakeSocket socket = new FakeSocket();
        FileDescriptor c = new FileDescriptor();
        socket.send(frame(10, (byte) 1));
        socket.send(frame(10, (byte) 2));
        socket.send(frame(10, (byte) 3), c);
        FrameReader reader = new FrameReader(socket);

        assertTrue(reader.next().descriptors().isEmpty());
        assertEquals(1, socket.reads);
        assertTrue(reader.next().descriptors().isEmpty());
        assertEquals(List.of(c), reader.next().descriptors());
        assertEquals(1, socket.reads);
    }

    @Test
    void aBadLengthOrATruncatedFrameFails() {
        FakeSocket bad = new FakeSocket();
        bad.send(ByteBuffer.allocate(4).putInt(0).array());
        assertThrows(IOException.class, () -> new FrameReader(bad).next());

        FakeSocket truncated = new FakeSocket();
        FileDescriptor fd = new FileDescriptor();
        truncated.send(part(frame(100, (byte) 1), 0, 50), fd);
        FrameReader reader = new FrameReader(truncated);
        assertThrows(EOFException.class, reader::next);
        assertEquals(List.of(fd), reader.drain());
    }
}
