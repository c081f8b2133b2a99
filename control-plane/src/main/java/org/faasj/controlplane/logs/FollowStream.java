package org.faasj.controlplane.logs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * Writes one follow stream on a thread of its own (never the records' dispatch thread, which a slow
 * client would stall): the tail, then each new line, until the follow timeout, the client leaving,
 * or shutdown. A quiet stream gets an empty line every {@value #HEARTBEAT_MILLIS} ms: a write is
 * the only way a client that went away is noticed (by this thread, and by the gateway's relay,
 * which otherwise blocks reading from here), and without it a closed browser tab would hold a
 * follower place until the follow timeout.
 */
final class FollowStream implements Runnable {

    static final long HEARTBEAT_MILLIS = 5_000;
    private static final long POLL_MILLIS = 1_000;
    private static final byte[] HEARTBEAT = {'\n'};
    private static final Logger log = LoggerFactory.getLogger(FollowStream.class);

    private final LogFiles.Following start;
    private final ResponseBodyEmitter emitter;
    private final LongSupplier clock;
    private final long timeoutMillis;
    private volatile boolean ended;

    FollowStream(LogFiles.Following start, ResponseBodyEmitter emitter, LongSupplier clock, long timeoutMillis) {
        this.start = start;
        this.emitter = emitter;
        this.clock = clock;
        this.timeoutMillis = timeoutMillis;
        emitter.onCompletion(() -> ended = true);
        emitter.onError(e -> ended = true);
        emitter.onTimeout(() -> ended = true);
    }

    @Override
    public void run() {
        LogFollower follower = start.follower();
        try {
            long deadline = clock.getAsLong() + timeoutMillis;
            emitter.send(LogsController.ndjson(start.tail())); // also when empty: the client gets its headers now
            long lastWrite = clock.getAsLong();
            while (!ended && clock.getAsLong() < deadline) {
                LogLine first = follower.poll(POLL_MILLIS);
                if (first != null) {
                    emitter.send(LogsController.ndjson(drain(first, follower)));
                    lastWrite = clock.getAsLong();
                } else if (clock.getAsLong() - lastWrite >= HEARTBEAT_MILLIS) {
                    emitter.send(HEARTBEAT);
                    lastWrite = clock.getAsLong();
                }
            }
            emitter.complete();
        } catch (IOException | IllegalStateException e) {
            log.debug("log follow ended: {}", e.toString()); // the client went away
        } catch (InterruptedException e) {
            emitter.complete(); // shutdown
        } finally {
            follower.close();
        }
    }

    /** The line and whatever else is already queued, written as one chunk. */
    private static List<LogLine> drain(LogLine first, LogFollower follower) throws InterruptedException {
        List<LogLine> lines = new ArrayList<>();
        lines.add(first);
        LogLine next;
        while (lines.size() < 512 && (next = follower.poll(0)) != null) {
            lines.add(next);
        }
        return lines;
    }
}
