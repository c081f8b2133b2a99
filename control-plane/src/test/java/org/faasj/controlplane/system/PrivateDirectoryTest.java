package org.faasj.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

class PrivateDirectoryTest {

    /** The overflow uid: a user nobody runs the tests as. */
    private static final int OTHER_UID = 65534;

    @TempDir
    Path tmp;

    @Test
    void createsANewDirectoryWithMode0700() throws Exception {
        Path dir = tmp.resolve("parent/data");

        Path created = PrivateDirectory.ensure(dir);

        assertThat(created).isEqualTo(dir.toAbsolutePath()).isDirectory();
        assertThat(mode(dir)).isEqualTo("rwx------");
    }

    @Test
    void tightensAnExistingLooseDirectoryOnceAndSaysSo() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("data"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        ListAppender<ILoggingEvent> logged = captureLog();
        try {
            PrivateDirectory.ensure(dir);
            PrivateDirectory.ensure(dir); // already tight: nothing more to say
        } finally {
            logger().detachAppender(logged);
        }

        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(logged.list).singleElement().satisfies(event -> assertThat(event.getFormattedMessage())
                .contains(dir.toString(), "rwxr-xr-x", "rwx------"));
    }

    @Test
    void refusesADirectoryOwnedByAnotherUser() throws Exception {
        assumeTrue(runningAsRoot(), "only root can give a directory to another user");
        Path dir = Files.createDirectory(tmp.resolve("data"));
        Files.setAttribute(dir, "unix:uid", OTHER_UID);
        String owner = Files.getOwner(dir).getName();

        assertThatThrownBy(() -> PrivateDirectory.ensure(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("'" + owner + "'");
        assertThat(Files.getAttribute(dir, "unix:uid")).isEqualTo(OTHER_UID);
    }

    @Test
    void refusesAFileInThePlaceOfTheDirectory() throws Exception {
        Path file = Files.createFile(tmp.resolve("data"));

        assertThatThrownBy(() -> PrivateDirectory.ensure(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file + " exists but is not a directory");
    }

    @Test
    void temporaryDirectoriesAreFreshAndPrivate() throws Exception {
        Path first = PrivateDirectory.createTemp(tmp, "x-");
        Path second = PrivateDirectory.createTemp(tmp, "x-");

        assertThat(first).isNotEqualTo(second);
        assertThat(first.getFileName().toString()).startsWith("x-");
        assertThat(mode(first)).isEqualTo("rwx------");
        assertThat(mode(second)).isEqualTo("rwx------");
    }

    private boolean runningAsRoot() throws Exception {
        return Integer.valueOf(0).equals(Files.getAttribute(Files.createFile(tmp.resolve("probe")), "unix:uid"));
    }

    static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static ListAppender<ILoggingEvent> captureLog() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger().addAppender(appender);
        return appender;
    }

    private static Logger logger() {
        return (Logger) LoggerFactory.getLogger(PrivateDirectory.class);
    }
}
