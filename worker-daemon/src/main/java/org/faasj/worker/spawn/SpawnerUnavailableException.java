package org.faasj.worker.spawn;

import java.io.IOException;

/** The fork server is not running right now (it died and is being restarted): worth retrying. */
public final class SpawnerUnavailableException extends IOException {

    public SpawnerUnavailableException(String message) {
        super(message);
    }
}
