package org.faasj.worker.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.faasj.worker.exec.BodySource;
import org.faasj.worker.exec.Outcome;

/**
 * Reads a chunked request body to its end before the function starts: the function is promised a
 * {@code CONTENT_LENGTH}, and a body cut short must never reach it. The gateway's bytes come first,
 * then the client socket, read no further than the decoder knows the body reaches, so a following
 * request on the connection stays unread. Small bodies stay in memory; larger ones go to a spool
 * file in the scratch directory, so the heap is not what bounds them.
 */
public final class ChunkedBodyReader {

    private static final int READ_BUFFER = 32 * 1024;

    /** Why a body was not accepted, as the answer to give. */
    public static final class Refused extends Exception {
        private final transient Outcome outcome;

        Refused(Outcome outcome) {
            super(outcome.toString(), null, false, false);
            this.outcome = outcome;
        }

        public Outcome outcome() {
            return outcome;
        }
    }

    private ChunkedBodyReader() {
    }

    public static DecodedBody read(byte[] prefix, ClientConnection client, BodySettings settings) throws Refused {
        ChunkedDecoder decoder = new ChunkedDecoder(settings.maxBytes());
        try (Spool spool = new Spool(settings.spoolDir())) {
            int used = decoder.feed(prefix, 0, prefix.length, spool);
            boolean leftover = used < prefix.length;
            if (!decoder.done()) {
                readRest(decoder, client, settings.idleTimeoutMillis(), spool);
            }
            return spool.finish(decoder.decodedLength(), !leftover);
        } catch (ChunkedDecoder.MalformedException e) {
            throw new Refused(new Outcome.BadBody(e.getMessage()));
        } catch (ChunkedDecoder.TooLargeException e) {
            throw new Refused(new Outcome.BodyTooLarge(settings.maxBytes()));
        } catch (IOException e) {
            throw new Refused(new Outcome.LaunchFailed("could not keep the request body: " + e.getMessage()));
        }
    }

    private static void readRest(ChunkedDecoder decoder, ClientConnection client, int idleTimeoutMillis, Spool spool)
            throws Refused, ChunkedDecoder.MalformedException, ChunkedDecoder.TooLargeException, IOException {
        InputStream in = client.input();
        byte[] buf = new byte[READ_BUFFER];
        client.tryReadTimeout(idleTimeoutMillis);
        while (!decoder.done()) {
            long readStart = System.nanoTime();
            int n;
            try {
                n = in.read(buf, 0, Math.min(buf.length, decoder.safeReadAhead()));
            } catch (IOException e) {
                long idleMillis = (System.nanoTime() - readStart) / 1_000_000;
                throw new Refused(new Outcome.BodyIncomplete(
                        idleMillis >= idleTimeoutMillis - 50 ? BodySource.Cut.TIMED_OUT : BodySource.Cut.ENDED));
            }
            if (n < 0) {
                throw new Refused(new Outcome.BodyIncomplete(BodySource.Cut.ENDED));
            }
            decoder.feed(buf, 0, n, spool);
        }
    }

    /** Decoded bytes: in memory up to {@link BodySettings#IN_MEMORY_MAX}, then all of them in a file. */
    private static final class Spool extends OutputStream {
        private final Path dir;
        private ByteArrayOutputStream memory = new ByteArrayOutputStream();
        private Path file;
        private OutputStream fileOut;
        private boolean kept;

        Spool(Path dir) {
            this.dir = dir;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (fileOut == null && memory.size() + len > BodySettings.IN_MEMORY_MAX) {
                Files.createDirectories(dir);
                file = Files.createTempFile(dir, "body-", ".bin");
                fileOut = Files.newOutputStream(file);
                memory.writeTo(fileOut);
                memory = null;
            }
            if (fileOut != null) {
                fileOut.write(b, off, len);
            } else {
                memory.write(b, off, len);
            }
        }

        DecodedBody finish(long length, boolean connectionAtNextRequest) throws IOException {
            if (fileOut != null) {
                fileOut.close();
            }
            kept = true;
            return new DecodedBody(memory == null ? null : memory.toByteArray(), file, length, connectionAtNextRequest);
        }

        /** A body refused half-way leaves no file behind. */
        @Override
        public void close() throws IOException {
            if (kept) {
                return;
            }
            if (fileOut != null) {
                fileOut.close();
            }
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }
}
