package org.faasj.controlplane.gateway;

import java.io.IOException;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Connections of one event loop leaving its selector for blocking mode (for a worker or the relay),
 * and coming back. Loop thread only.
 *
 * <p>A channel may switch to blocking mode as soon as its key is cancelled (the JDK refuses only
 * while it has a valid key), so a connection's follow-up (the frame to a worker, the relay) runs at
 * once. Until then the loop ran a {@code selectNow} per round with a detachment first, to have the
 * key really deregistered; perf (round 4) counted that extra select per hand-off. What does need the
 * deregistration done is registering the channel again: the JDK's {@code register} throws
 * CancelledKeyException while the cancelled key is still in the selector. That happens only when a
 * connection comes back in the same loop round it left (a hand-off that failed at once, an ack
 * that raced in), and only then does {@link #finish} pay the {@code selectNow}.
 */
final class Detachments {

    private final List<Runnable> waiting = new ArrayList<>();
    private final ConnectionCloser closer;
    /** What the loop does with a connection whose follow-up threw. */
    private final BiConsumer<Connection, Throwable> failed;

    Detachments(ConnectionCloser closer, BiConsumer<Connection, Throwable> failed) {
        this.closer = closer;
        this.failed = failed;
    }

    /** Takes the connection out of the selector and runs {@code then} in blocking mode, now. */
    void detach(Connection c, Runnable then) {
        c.key.cancel();
        c.key = null;
        try {
            c.channel.configureBlocking(true);
            then.run();
        } catch (IOException e) {
            closer.close(c);
        } catch (RuntimeException | Error e) {
            failed.accept(c, e);
        }
    }

    /**
     * Runs {@code then}, which registers {@code c} with {@code selector} again, once that can be
     * done: now, or after the next {@link #finish} if the key it left with is still being deregistered.
     */
    void whenDeregistered(Connection c, Selector selector, Runnable then) {
        if (c.channel.keyFor(selector) == null) {
            then.run();
            return;
        }
        waiting.add(() -> {
            try {
                then.run();
            } catch (RuntimeException | Error e) {
                failed.accept(c, e);
            }
        });
    }

    /** Connections waiting to come back into the selector. */
    int size() {
        return waiting.size();
    }

    /** Completes pending deregistrations, if a connection waits for one, and brings those connections back. */
    void finish(Selector selector) throws IOException {
        if (waiting.isEmpty()) {
            return;
        }
        selector.selectNow();
        List<Runnable> ready = new ArrayList<>(waiting);
        waiting.clear();
        ready.forEach(Runnable::run);
    }
}
