package org.faasj.worker.exec.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The scheduler state of a process, from the third field of /proc/&lt;pid&gt;/stat. */
final class ProcessState {

    private ProcessState() {
    }

    /** True if the process is running or waiting for a CPU ('R'); false for any other state or if it is gone. */
    static boolean onCpu(long pid) {
        // the state follows the command name, which is at most 16 bytes and may hold ") "
        try (FileChannel stat = FileChannel.open(Path.of("/proc", Long.toString(pid), "stat"), StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(128);
            stat.read(head, 0);
            return stateOf(new String(head.array(), 0, head.position(), StandardCharsets.US_ASCII)) == 'R';
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    static char stateOf(String statHead) {
        int close = statHead.lastIndexOf(") ");
        return close < 0 || close + 2 >= statHead.length() ? '?' : statHead.charAt(close + 2);
    }
}
