package org.faasj.controlplane.gateway;

import java.io.IOException;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Connections of one event loop on their way out of its selector into blocking mode (for a worker
 * or the relay). A key is only really deregistered by the next select, and a channel must be
 * deregistered before it can be switched to blocking mode, so each connection's follow-up waits
 * here until {@link #finish} ran a {@code selectNow}. Loop thread only.
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

    /** Takes the connection out of the selector; {@code then} runs in blocking mode after the next {@link #finish}. */
    void detach(Connection c, Runnable then) {
        c.key.cancel();
        c.key = null;
        waiting.add(() -> {
            try {
                c.channel.configureBlocking(true);
                then.run();
            } catch (IOException e) {
                closer.close(c);
            } catch (RuntimeException | Error e) {
                failed.accept(c, e);
            }
        });
    }

    /** Connections detached whose follow-up has not run yet. */
    int size() {
        return waiting.size();
    }

    /** Completes the deregistrations and runs the follow-ups. */
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
