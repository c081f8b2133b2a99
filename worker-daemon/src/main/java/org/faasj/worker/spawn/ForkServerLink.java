package org.faasj.worker.spawn;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * One running faas-spawn process and the worker's connection to it. Its stdin is a pipe the worker
 * never writes: when the worker dies, the server sees end of file and kills every function.
 */
final class ForkServerLink implements AutoCloseable {

    /** Three descriptors per reply at most; junixsocket drops them silently without a buffer. */
    private static final int ANCILLARY_BUFFER_BYTES = 256;

    private final Process server;
    private final AFUNIXSocket socket;
    private final OutputStream out;
    private final InputStream in;

    private ForkServerLink(Process server, AFUNIXSocket socket) throws IOException {
        this.server = server;
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    /** Starts the server, waits for its "ready" line, connects (the server then unlinks the path). */
    static ForkServerLink start(List<String> command) throws IOException {
        Path socketPath = Path.of(command.get(1));
        Process server = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader ready = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
            String line = ready.readLine();
            if (!"ready".equals(line)) {
                throw new IOException("faas-spawn did not start (said " + line + ")");
            }
            AFUNIXSocket socket = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(socketPath));
            socket.setAncillaryReceiveBufferSize(ANCILLARY_BUFFER_BYTES);
            server.getInputStream().close();
            return new ForkServerLink(server, socket);
        } catch (IOException | RuntimeException e) {
            server.destroyForcibly();
            throw e;
        }
    }

    long pid() {
        return server.pid();
    }

    /** Callers serialise writes; a failed write leaves outbound descriptors set, so the link must go. */
    void write(byte[] request, FileDescriptor attached) throws IOException {
        if (attached != null) {
            socket.setOutboundFileDescriptors(attached);
        }
        out.write(request);
    }

    /** Reads one reply record; false at end of stream. Its descriptors are then in {@link #takeDescriptors()}. */
    boolean readReply(byte[] record) throws IOException {
        int done = 0;
        while (done < record.length) {
            int n = in.read(record, done, record.length - done);
            if (n < 0) {
                return false;
            }
            done += n;
        }
        return true;
    }

    FileDescriptor[] takeDescriptors() throws IOException {
        FileDescriptor[] fds = socket.getReceivedFileDescriptors();
        socket.clearReceivedFileDescriptors();
        return fds == null ? new FileDescriptor[0] : fds;
    }

    /**
     * Closes the server's stdin: it kills every function and exits, and the reader of this link
     * then sees the end of the connection and closes it. Safe from any thread, unlike
     * {@link #close()}: closing a junixsocket socket while another thread receives descriptors on it
     * can deadlock the two (close holds the ancillary-data lock and waits for the descriptor's, the
     * receive the other way round).
     */
    void stopServer() {
        try {
            server.getOutputStream().close();
        } catch (IOException e) {
            server.destroyForcibly();
        }
    }

    /** For a server that did not exit on {@link #stopServer()}: SIGKILL also ends the connection. */
    void killServer() {
        server.destroyForcibly();
    }

    /** Closing its stdin and the connection makes the server kill every function and exit. Only from the reader's thread. */
    @Override
    public void close() {
        try {
            server.getOutputStream().close();
            socket.close();
            if (!server.waitFor(2, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        } catch (IOException e) {
            server.destroyForcibly();
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
