package org.faasj.controlplane.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory only the platform's own user may enter. The data dir and the run dir hold the admin
 * token, the deployed artifacts, the worker jar and the sockets: another local user who could read
 * or swap them could take the token or run code as the platform. A new directory is made with mode 0700; an existing one must belong to the user running
 * this process and is tightened to 0700 when it is looser.
 */
public final class PrivateDirectory {

    private static final Logger log = LoggerFactory.getLogger(PrivateDirectory.class);
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_ATTRIBUTE =
            PosixFilePermissions.asFileAttribute(OWNER_ONLY);

    private PrivateDirectory() {
    }

    /**
     * Creates {@code dir} with mode 0700 (missing parents get default modes: they are not ours to
     * lock), or checks and tightens the existing one.
     *
     * @return the absolute, normalized path
     * @throws IllegalStateException when it exists but is no directory or belongs to another user
     */
    public static Path ensure(Path dir) {
        Path path = dir.toAbsolutePath().normalize();
        try {
            if (!createIfAbsent(path)) {
                checkOwner(path);
                tighten(path);
            }
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create or check the private directory " + path, e);
        }
    }

    /**
     * A new directory under {@code parent} with an unguessable name and mode 0700 from its first
     * moment, so nobody can have prepared it or its contents beforehand.
     */
    public static Path createTemp(Path parent, String prefix) {
        try {
            return Files.createTempDirectory(parent, prefix, OWNER_ONLY_ATTRIBUTE).toAbsolutePath().normalize();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a private directory under " + parent, e);
        }
    }

    /** True when this call made the directory: then it is ours and 0700 already. */
    private static boolean createIfAbsent(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return false;
        }
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        try {
            Files.createDirectory(path, OWNER_ONLY_ATTRIBUTE);
            return true;
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(path)) {
                throw new IllegalStateException(path + " exists but is not a directory", e);
            }
            return false; // another process made it meanwhile: check it like any existing one
        }
    }

    private static void checkOwner(Path path) throws IOException {
        UserPrincipal owner = Files.getOwner(path);
        UserPrincipal self = processUser();
        if (!owner.equals(self)) {
            throw new IllegalStateException(path + " belongs to user '" + owner.getName() + "', not to '"
                    + self.getName() + "' who runs the platform: that user could read or swap the platform's"
                    + " files in it. Give the directory to '" + self.getName() + "' or choose another faas.data-dir");
        }
    }

    private static void tighten(Path path) throws IOException {
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(path);
        if (current.equals(OWNER_ONLY)) {
            return;
        }
        Files.setPosixFilePermissions(path, OWNER_ONLY);
        log.info("Tightened {} from {} to rwx------ so that no other user can read or change the platform's files",
                path, PosixFilePermissions.toString(current));
    }

    /**
     * The owner of a file this process has just created. Unlike {@code user.name} this is right for a
     * uid without a passwd entry (as in many containers) and cannot be overridden by a -D option.
     */
    static UserPrincipal processUser() {
        try {
            Path probe = Files.createTempFile("faasj-owner-", ".probe");
            try {
                return Files.getOwner(probe);
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell which user runs the platform: no file can be created in the"
                    + " temp dir " + System.getProperty("java.io.tmpdir"), e);
        }
    }
}
