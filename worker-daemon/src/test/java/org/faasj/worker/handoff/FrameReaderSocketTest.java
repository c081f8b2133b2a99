package org.faasj.worker.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * The kernel's side of {@link FrameReader}'s bet: frames written back to back, each with its own
 * descriptor, some larger than one socket read, come out each paired with the descriptor sent with it.
 */
class FrameReaderSocketTest {

    @TempDir
    Path dir;

    private static final int[] SIZES = {10, 300, 20, 200_000, 7, 70_000, 1};

    @Test
    void backToBackAndSplitFramesKeepTheirOwnDescriptors() throws Exception {
        Path files = Files.createDirectories(dir.resolve("files"));
        try (AFUNIXServerSocket server = AFUNIXServerSocket.newInstance()) {
            server.bind(AFUNIXSocketAddress.of(dir.resolve("h.sock")));
            AFUNIXSocket sender = AFUNIXSocket.newInstance();
            sender.connect(AFUNIXSocketAddress.of(dir.resolve("h.sock")));
            try (sender; AFUNIXSocket receiver = server.accept()) {
                receiver.setAncillaryReceiveBufferSize(1024);
                CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> sendAll(sender, files));
                TimeUnit.MILLISECONDS.sleep(200); // let the small frames queue up back to back
                FrameReader reader = new FrameReader(new HandoffConnection.SocketSource(receiver));
                for (int i = 0; i < SIZES.length; i++) {
                    FrameReader.Frame f = reader.next();
                    assertEquals(SIZES[i], f.payload().remaining(), "frame " + i);
                    while (f.payload().hasRemaining()) {
                        assertEquals((byte) i, f.payload().get());
                    }
                    assertEquals(1, f.descriptors().size(), "frame " + i);
                    assertEquals("file " + i, contentOf(f.descriptors().get(0)));
                }
                sent.get(10, TimeUnit.SECONDS);
                sender.shutdownOutput();
                assertNull(reader.next());
            }
        }
    }

    private static void sendAll(AFUNIXSocket sender, Path files) {
        try {
            OutputStream out = sender.getOutputStream();
            for (int i = 0; i < SIZES.length; i++) {
                Path file = Files.writeString(files.resolve("f" + i), "file " + i);
                try (FileInputStream in = new FileInputStream(file.toFile())) {
                    byte[] payload = new byte[SIZES[i]];
                    Arrays.fill(payload, (byte) i);
                    sender.setOutboundFileDescriptors(in.getFD());
                    out.write(ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String contentOf(FileDescriptor fd) throws IOException {
        try (FileInputStream in = new FileInputStream(fd)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
