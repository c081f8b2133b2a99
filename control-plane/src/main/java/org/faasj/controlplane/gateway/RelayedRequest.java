package org.faasj.controlplane.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request relayed to Spring's loopback server: this thread writes the head and the answer, a
 * second one (only when there is a body) pumps the body up. Its deadlines are checked from
 * outside ({@link RelayDeadlines}): the client must keep its body coming (idle timeout) until the
 * server starts answering, must keep reading the answer (idle timeout), and the whole exchange
 * must end within the total timeout (a log follow excepted: {@link RelayDeadlines#sparesTotal}).
 */
final class RelayedRequest implements Runnable {

    /** Why a relay was ended early. */
    enum Ending { NONE, BODY_IDLE, CLIENT_STALLED, TOTAL, CLIENT_GONE }

    /** What every relay shares. */
    record Shared(ExecutorService pumps, RelayRefusals refusals, RelayDeadlines deadlines, LongSupplier nanoTime,
                  long idleNanos, long totalNanos) {
    }

    private static final Logger log = LoggerFactory.getLogger(RelayedRequest.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int BUFFER = 16 * 1024;
    private static final int PUMP_POLL_MILLIS = 250;

    private final SocketChannel client;
    private final RequestHead head;
    private final byte[] alreadyRead;
    private final String clientAddress;
    /** The function of an async enqueue, or null for a platform path. */
    private final String asyncFunction;
    private final int port;
    private final RelayAdmission.Ticket ticket;
    private final Shared shared;
    private final Socket upstream = new Socket();
    private final long startedNanos;
    private final AtomicReference<Ending> ending = new AtomicReference<>(Ending.NONE);
    private volatile long endedNanos;
    /**
     * When the client last sent body bytes while more are due; 0 when none are due. A chunked
     * body's end is not known here, so for one the idle deadline ends when the server answers.
     */
    private volatile long bodyWaitSince;
    /** When a write to the client last made progress; 0 when not writing. */
    private volatile long writingSince;
    private volatile boolean answerStarted;
    private volatile boolean pumpStopped;
    private final boolean knownLength;
    private final boolean sparedTotal;

    RelayedRequest(SocketChannel client, RequestHead head, byte[] alreadyRead, String clientAddress, String asyncFunction,
                   int port, RelayAdmission.Ticket ticket, Shared shared) {
        this.client = client;
        this.head = head;
        this.alreadyRead = alreadyRead;
        this.clientAddress = clientAddress;
        this.asyncFunction = asyncFunction;
        this.port = port;
        this.ticket = ticket;
        this.shared = shared;
        this.startedNanos = shared.nanoTime().getAsLong();
        this.knownLength = !head.chunked();
        this.sparedTotal = RelayDeadlines.sparesTotal(head);
    }

    @Override
    public void run() {
        Future<?> pump = null;
        shared.deadlines().watch(this);
        try {
            upstream.connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MILLIS);
            OutputStream toUpstream = upstream.getOutputStream();
            long declared = head.chunked() ? -1 : head.contentLength();
            int first = declared < 0 ? alreadyRead.length : (int) Math.min(alreadyRead.length, declared);
            toUpstream.write(WebRelay.forwardedHead(head, clientAddress, asyncFunction));
            toUpstream.write(alreadyRead, 0, first);
            toUpstream.flush();
            long rest = declared < 0 ? -1 : declared - first;
            if (rest != 0) {
                bodyWaitSince = shared.nanoTime().getAsLong();
                pump = shared.pumps().submit(() -> pumpBody(toUpstream, rest));
            }
            copyAnswer(upstream.getInputStream());
        } catch (IOException | RejectedExecutionException e) {
            log.debug("relay to the web server ended: {}", e.toString());
        } finally {
            shared.deadlines().forget(this);
            closeQuietly(upstream);
            finish(pump);
        }
    }

    /**
     * The client's body on its way up: exactly the declared length (after the body the client only
     * waits for the answer), or until the client half-closes for a chunked body. Reads wake up every
     * {@value #PUMP_POLL_MILLIS} ms to see whether the relay has ended: shutting the client's input
     * down instead would make the kernel reset the connection at close if the client still sends,
     * destroying the answer (408, 504) before the client reads it.
     */
    private void pumpBody(OutputStream toUpstream, long rest) {
        byte[] buf = new byte[BUFFER];
        long left = rest;
        try {
            client.socket().setSoTimeout(PUMP_POLL_MILLIS);
            InputStream in = client.socket().getInputStream(); // never closed: that would close the channel
            while (left != 0 && !pumpStopped) {
                int n;
                try {
                    n = in.read(buf, 0, left > 0 ? (int) Math.min(buf.length, left) : buf.length);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (n < 0) {
                    if (left > 0) {
                        end(Ending.CLIENT_GONE);
                    }
                    break;
                }
                bodyWaitSince = shared.nanoTime().getAsLong();
                toUpstream.write(buf, 0, n);
                if (left > 0) {
                    left -= n;
                }
            }
            bodyWaitSince = 0;
        } catch (IOException e) {
            log.trace("relay upload ended: {}", e.toString());
        }
    }

    private void copyAnswer(InputStream fromUpstream) throws IOException {
        byte[] buf = new byte[BUFFER];
        int n;
        while ((n = fromUpstream.read(buf)) >= 0) {
            answerStarted = true;
            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
            writingSince = shared.nanoTime().getAsLong();
            while (b.hasRemaining()) {
                if (client.write(b) > 0) {
                    writingSince = shared.nanoTime().getAsLong();
                }
            }
            writingSince = 0;
        }
    }

    /** Called by the deadline thread. */
    void checkDeadlines(long now) {
        if (ending.get() != Ending.NONE) {
            // ended but not finished: whatever still blocks on the client is cut
            if (now - endedNanos > shared.idleNanos()) {
                closeQuietly(client);
            }
            return;
        }
        if (!sparedTotal && now - startedNanos > shared.totalNanos()) {
            end(Ending.TOTAL);
        } else if (writingSince != 0 && now - writingSince > shared.idleNanos()) {
            end(Ending.CLIENT_STALLED);
        } else if (bodyWaitSince != 0 && (knownLength || !answerStarted) && now - bodyWaitSince > shared.idleNanos()) {
            // a declared body is due even after the answer began: Tomcat reads (swallows) it before closing
            end(Ending.BODY_IDLE);
        }
    }

    /** Ends the relay early: closing the upstream socket wakes this relay's thread, which finishes. */
    private void end(Ending why) {
        if (!ending.compareAndSet(Ending.NONE, why)) {
            return;
        }
        endedNanos = shared.nanoTime().getAsLong();
        log.debug("relay of {} {} from {} ended: {}", head.method(), head.path(), clientAddress, why);
        closeQuietly(upstream);
        if (why == Ending.CLIENT_STALLED || (why == Ending.TOTAL && answerStarted)) {
            closeQuietly(client);
        }
    }

    /**
     * After the answer (or the end): stop the pump, answer a request cut short if nothing was sent
     * yet (408 body stalled, 504 too long, 502 Spring gave no answer), release the place.
     */
    private void finish(Future<?> pump) {
        try {
            boolean pumpEnded = true;
            if (pump != null) {
                pumpStopped = true; // the server no longer wants the rest of the body, if any
                pumpEnded = awaitQuietly(pump);
            }
            Ending why = ending.get();
            if (!pumpEnded) {
                closeQuietly(client); // a thread still blocks on it: no other thread may switch it to non-blocking
            } else if (!answerStarted && why == Ending.BODY_IDLE) {
                shared.refusals().refuse(client, ProblemResponse.of(408, "the request body stopped arriving for longer than"
                        + " the idle timeout (faas.gateway.relay.idle-timeout)", false, Map.of(), null));
            } else if (!answerStarted && why == Ending.TOTAL) {
                shared.refusals().refuse(client, ProblemResponse.of(504, "the request took longer than the relay's total"
                        + " timeout (faas.gateway.relay.total-timeout)", false, Map.of(), null));
            } else if (!answerStarted && why == Ending.NONE) {
                shared.refusals().refuse(client, ProblemResponse.of(502, "the console and API did not answer",
                        false, Map.of(), null));
            } else {
                closeQuietly(client);
            }
        } finally {
            ticket.release();
        }
    }

    private static boolean awaitQuietly(Future<?> pump) {
        try {
            pump.get(5, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            return true;
        } catch (TimeoutException e) {
            log.debug("the relay's body pump did not end: {}", e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.trace("close", e);
        }
    }
}
