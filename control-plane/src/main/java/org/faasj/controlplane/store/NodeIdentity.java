package org.faasj.controlplane.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * This node's id in the node registry and on the async calls it runs: chosen once and kept in
 * {@code <dataDir>/node-id}, so that a node restarted on its data dir knows which running calls
 * were its own (and takes them back at once instead of waiting for their lease to run out).
 * Two nodes must therefore never share a data dir.
 */
public record NodeIdentity(String id) {

    static final String FILE_NAME = "node-id";
    private static final int MAX_LENGTH = 200;

    /** The id kept in the data dir, or a new one (host name and a random suffix) written there. */
    public static NodeIdentity of(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.isRegularFile(file)) {
                String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!kept.isEmpty() && kept.length() <= MAX_LENGTH) {
                    return new NodeIdentity(kept);
                }
            }
            String id = hostName() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
            Path partial = dataDir.resolve(FILE_NAME + ".tmp");
            Files.writeString(partial, id + "\n", StandardCharsets.UTF_8);
            Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return new NodeIdentity(id);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep this node's id in " + file, e);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "node";
        }
    }
}
