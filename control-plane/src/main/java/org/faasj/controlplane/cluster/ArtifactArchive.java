package org.faasj.controlplane.cluster;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A version directory as one blob: every file with its relative path and POSIX permissions (a
 * native function must stay executable), in a fixed order so the same files give the same bytes
 * and so the same digest. Not tar or zip: neither in the JDK keeps permissions, and this needs
 * nothing else (links, owners, times).
 *
 * <p>Format: {@code "FAJA1"}, then per file {@code UTF path, UTF permissions, long size, bytes},
 * then an empty path.
 */
final class ArtifactArchive {

    private static final String MAGIC = "FAJA1";
    /** A version dir is one build's output; anything larger than this is not an artifact. */
    static final long MAX_BYTES = 256L * 1024 * 1024;

    private ArtifactArchive() {
    }

    static byte[] pack(Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes); Stream<Path> walk = Files.walk(dir)) {
            out.writeUTF(MAGIC);
            List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
            for (Path file : files) {
                out.writeUTF(dir.relativize(file).toString());
                out.writeUTF(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
                out.writeLong(Files.size(file));
                Files.copy(file, out);
            }
            out.writeUTF("");
        }
        return bytes.toByteArray();
    }

    /** Writes the files below {@code target}, which must exist and be empty. Refuses paths that leave it. */
    static void unpack(InputStream blob, Path target) throws IOException {
        unpack(blob, target, MAX_BYTES);
    }

    static void unpack(InputStream blob, Path target, long maxBytes) throws IOException {
        DataInputStream in = new DataInputStream(blob);
        if (!MAGIC.equals(in.readUTF())) {
            throw new IOException("not an artifact archive");
        }
        long total = 0;
        for (String name = in.readUTF(); !name.isEmpty(); name = in.readUTF()) {
            Path file = target.resolve(name).normalize();
            if (!file.startsWith(target) || file.equals(target)) {
                throw new IOException("archive entry leaves the version directory: " + name);
            }
            Set<PosixFilePermission> permissions = PosixFilePermissions.fromString(in.readUTF());
            long size = in.readLong();
            total += size;
            if (size < 0 || total > maxBytes) {
                throw new IOException("archive larger than " + maxBytes + " bytes");
            }
            Files.createDirectories(file.getParent());
            try (var out = Files.newOutputStream(file)) {
                copyExactly(in, out, size);
            }
            Files.setPosixFilePermissions(file, permissions);
        }
    }

    private static void copyExactly(InputStream in, java.io.OutputStream out, long size) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = size;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("archive cut short");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }
}
