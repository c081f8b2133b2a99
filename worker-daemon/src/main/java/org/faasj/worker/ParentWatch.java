package org.faasj.worker;

import java.io.IOException;
import java.io.InputStream;

/**
 * The control plane gives the worker a stdin pipe it never writes to. End of file on it means the
 * control plane is gone, however it died (even {@code kill -9}), and the worker must go too.
 */
final class ParentWatch {

    private ParentWatch() {
    }

    static void onParentExit(InputStream stdin, Runnable action) {
        Thread watcher = new Thread(() -> {
            try {
                byte[] sink = new byte[256];
                while (stdin.read(sink) >= 0) {
                    // nothing is ever sent; bytes, if any, mean nothing
                }
            } catch (IOException e) {
                // a broken pipe means the same as end of file
            }
            action.run();
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
