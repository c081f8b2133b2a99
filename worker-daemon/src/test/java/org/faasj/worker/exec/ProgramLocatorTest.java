package org.faasj.worker.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgramLocatorTest {

    @TempDir
    Path dir;

    @Test
    void findsExecutablesAndNoticesInstallsAfterTheRefreshPeriod() throws IOException {
        AtomicLong clock = new AtomicLong();
        ProgramLocator locator = new ProgramLocator("/nonexistent:" + dir, clock::get);
        assertEquals(Optional.empty(), locator.find("php"));

        Path php = Files.createFile(dir.resolve("php"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        assertEquals(Optional.empty(), locator.find("php"), "cached within the refresh period");

        clock.addAndGet(ProgramLocator.REFRESH_NANOS);
        assertEquals(Optional.of(php), locator.find("php"));
    }

    @Test
    void ignoresFilesThatAreNotExecutable() throws IOException {
        Files.createFile(dir.resolve("python3"));
        assertTrue(new ProgramLocator(dir.toString()).find("python3").isEmpty());
    }
}
