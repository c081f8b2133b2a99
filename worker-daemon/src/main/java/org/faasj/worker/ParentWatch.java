package org.faasj.worker;

import java.io.IOException;
import java.io.InputStream;

/**
 * The control plane gives the worker a stdin pipe. End of file on it means the control plane is
 * gone, however it died (even {@code kill -9}), and the worker must go too. The only byte ever sent
 * is {@link #DRAIN}: the control plane is shutting down gracefully, so connections are no longer
 * kept alive (calls still running finish and answer {@code Connection: close}). Other bytes mean nothing.
 */
final class ParentWatch {

    static final int DRAIN = 'D';

    private ParentWatch() {
    }

    static void onParentExit(InputStream stdin, Runnable action) {
        watch(stdin, () -> { }, action);
    }

    /** @param onDrain run (on the watcher thread) for each {@link #DRAIN} byte */
    static void watch(InputStream stdin, Runnable onDrain, Runnable onExit) {
        Thread watcher = new Thread(() -> {
            try {
                byte[] sink = new byte[256];
                int n;
                while ((n = stdin.read(sink)) >= 0) {
                    for (int i = 0; i < n; i++) {
                        if (sink[i] == DRAIN) {
                            onDrain.run();
                        }
                    }
                }
            } catch (IOException e) {
                // a broken pipe means the same as end of file
            }
            onExit.run();
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
