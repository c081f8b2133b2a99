package org.faasj.worker.exec.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Identity of a module file as deployed: a warm process started from an older file must not
 * answer for the new one. One stat per request (it replaces the old existence check).
 */
record ModuleStamp(Object fileKey, long modifiedMillis, long size) {

    /** The stamp of a regular file, or null if there is none at {@code path}. */
    static ModuleStamp of(String path) {
        try {
            BasicFileAttributes a = Files.readAttributes(Path.of(path), BasicFileAttributes.class);
            return a.isRegularFile() ? new ModuleStamp(a.fileKey(), a.lastModifiedTime().toMillis(), a.size()) : null;
        } catch (IOException | RuntimeException missing) {
            return null;
        }
    }
}
