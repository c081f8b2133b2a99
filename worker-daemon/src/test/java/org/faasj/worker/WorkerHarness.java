package org.faasj.worker;

import static org.faasj.model.WorkerOption.*;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.faasj.model.CompletionAck;
import org.faasj.model.HandoffFrame;
import org.faasj.model.WorkerOptions;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Plays the gateway against a real worker: a TCP listener whose accepted connections are handed to
 * the worker with their descriptor, exactly as the control plane does it.
 */
final class WorkerHarness implements AutoCloseable {

    final Path dir;
    final WorkerConfig config;
    private final Worker worker;
    private final ServerSocketChannel listener;
    private final AFUNIXSocket gateway;
    /** Requests whose "response started" notice arrived. */
    final Set<Long> responseStarts = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<CompletionAck> acks = new LinkedBlockingQueue<>();
    /** The request id of the marker the reader queues when the connection ends. */
    private static final long CLOSED = Long.MIN_VALUE;

    WorkerHarness(Path dir, int maxConcurrency, int maxQueued, int outputCap, String functionPath) throws IOException {
        this(dir, new WorkerConfig(options(dir).set(MAX_CONCURRENCY, maxConcurrency).set(MAX_QUEUED, maxQueued)
                .set(OUTPUT_CAP, outputCap).set(FUNCTION_PATH, functionPath).build()));
    }

    /** Worker 7 in {@code dir}, reporting metrics every 200 ms; defaults otherwise. */
    static WorkerOptions.Builder options(Path dir) {
        return WorkerOptions.builder().set(ID, 7).set(SOCKET, dir.resolve("worker.sock"))
                .set(METRICS, dir.resolve("metrics.sock")).set(SCRATCH, dir.resolve("scratch"))
                .set(METRICS_INTERVAL_MS, 200);
    }

    /** A worker with the given warm pool bounds and defaults otherwise. */
    static WorkerHarness withWarmPool(Path dir, int perFunction, int total, long idleMs) throws IOException {
        return new WorkerHarness(dir, new WorkerConfig(options(dir).set(MAX_CONCURRENCY, 4)
                .set(WARM_PER_FUNCTION, perFunction).set(WARM_TOTAL, total).set(WARM_IDLE_MS, idleMs).build()));
    }

    WorkerHarness(Path dir, WorkerConfig config) throws IOException {
        this.dir = dir;
        this.config = config;
        this.worker = new Worker(config);
        worker.start();
        this.listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.gateway = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(config.socket()));
        Thread reader = new Thread(this::readAcks, "harness-acks");
        reader.setDaemon(true);
        reader.start();
    }

    /** A worker with the given body read timeout and body cap, defaults otherwise. */
    static WorkerHarness withBodyLimits(Path dir, int maxConcurrency, int bodyIdleMs, long maxBodyBytes) throws IOException {
        return new WorkerHarness(dir, new WorkerConfig(options(dir).set(MAX_CONCURRENCY, maxConcurrency)
                .set(MAX_QUEUED, 16).set(BODY_IDLE_MS, bodyIdleMs).set(MAX_BODY_BYTES, maxBodyBytes).build()));
    }

    /** A worker that puts a failed function's stderr into its 500 ({@code faas.errors.expose-stderr}), defaults otherwise. */
    static WorkerHarness exposingStderr(Path dir, int maxConcurrency, int maxQueued, int outputCap) throws IOException {
        return new WorkerHarness(dir, new WorkerConfig(options(dir).set(MAX_CONCURRENCY, maxConcurrency)
                .set(MAX_QUEUED, maxQueued).set(OUTPUT_CAP, outputCap).set(EXPOSE_STDERR, "true").build()));
    }

    static WorkerHarness start(Path dir) throws IOException {
        return new WorkerHarness(dir, 4, 16, 6 << 20, FUNCTION_PATH.defaultText());
    }

    /** A client connection as the gateway holds it: the client's socket and the accepted side. */
    final class Client implements AutoCloseable {
        final Socket socket;
        final SocketChannel accepted;

        Client() throws IOException {
            socket = new Socket();
            // connect and accept as one step, or concurrent clients get each other's accepted side
            synchronized (listener) {
                socket.connect(listener.getLocalAddress());
                accepted = listener.accept();
            }
            socket.setSoTimeout(20_000);
        }

        void send(byte[] bytes) throws IOException {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        }

        /** Hands the connection to the worker with this frame, as the gateway does. */
        void handOff(HandoffFrame frame) throws IOException {
            FileDescriptor fd = Descriptors.of(accepted);
            synchronized (gateway) {
                gateway.setOutboundFileDescriptors(fd);
                gateway.getOutputStream().write(frame.encode());
            }
        }

        Response readResponse() throws IOException {
            return Response.read(socket.getInputStream());
        }

        @Override
        public void close() throws IOException {
            accepted.close();
            socket.close();
        }
    }

    /** Calls the worker is running now. */
    int inFlight() {
        return worker.inFlight();
    }

    /** Body pumps running or reserved in the worker now. */
    int pumpsBusy() {
        return worker.pumpsBusy();
    }

    /** Warm PHP processes ready in the worker now. */
    int warmReady() {
        return worker.warmReady();
    }

    Client connect() throws IOException {
        return new Client();
    }

    /**
     * The next completion ack. A thread reads the hand-off connection all the time, as the gateway
     * does, so a worker never blocks on acks a test reads late; "response started" notices go to
     * {@link #responseStarts}.
     */
    CompletionAck readAck() throws IOException {
        try {
            CompletionAck ack = acks.poll(20, TimeUnit.SECONDS); // a missing ack fails the test instead of hanging it
            if (ack == null) {
                throw new IOException("no ack within 20 s");
            }
            if (ack.requestId() == CLOSED) {
                acks.add(ack);
                throw new IOException("worker closed the hand-off connection");
            }
            return ack;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private void readAcks() {
        try {
            InputStream in = gateway.getInputStream();
            while (true) {
                byte[] bytes = in.readNBytes(CompletionAck.BYTES);
                if (bytes.length != CompletionAck.BYTES) {
                    break;
                }
                CompletionAck ack = CompletionAck.readFrom(ByteBuffer.wrap(bytes));
                if (ack.isResponseStart()) {
                    responseStarts.add(ack.requestId());
                } else {
                    acks.add(ack);
                }
            }
        } catch (IOException e) {
            // the connection ended; readAck reports it
        }
        acks.add(new CompletionAck(CLOSED, 0, false));
    }

    /** One whole exchange on a fresh connection: hand off, client sends the rest, read both answers. */
    Exchange call(HandoffFrame frame, byte[] restOfBody) throws IOException {
        try (Client client = connect()) {
            client.handOff(frame);
            if (restOfBody.length > 0) {
                client.send(restOfBody);
            }
            Response response = client.readResponse();
            CompletionAck ack = readAck();
            return new Exchange(response, ack);
        }
    }

    Exchange call(HandoffFrame frame) throws IOException {
        return call(frame, new byte[0]);
    }

    record Exchange(Response response, CompletionAck ack) {
    }

    /** Compiles a C source into the harness directory with the host's gcc; the binary's path. */
    Path compile(String name, String source) throws IOException, InterruptedException {
        Path src = dir.resolve(name);
        Files.writeString(src, source);
        Path binary = dir.resolve(name.replace(".c", ""));
        Process gcc = new ProcessBuilder("gcc", "-O0", "-o", binary.toString(), src.toString()).inheritIO().start();
        if (gcc.waitFor() != 0) {
            throw new IllegalStateException("gcc failed on " + name);
        }
        return binary;
    }

    /** Writes an executable script into the harness directory. */
    Path script(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** Stops the worker itself, as its control plane's death does (the link stays open). */
    void stopWorker() {
        worker.close();
    }

    @Override
    public void close() throws IOException {
        gateway.close();
        listener.close();
        worker.close();
    }

    /** A parsed HTTP/1.1 response read byte by byte, so nothing past it is consumed. */
    record Response(int status, Map<String, String> headers, byte[] body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        static Response read(InputStream in) throws IOException {
            String head = readHead(in);
            String[] lines = head.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.get("content-length"));
            byte[] body = in.readNBytes(length);
            if (body.length != length) {
                throw new IOException("response body cut short");
            }
            return new Response(status, headers, body);
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed before a response head");
                }
                head.write(b);
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            return head.toString(StandardCharsets.ISO_8859_1).trim();
        }
    }
}
