package org.faasj.worker.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads the worker's counters from /proc. The worker's own stat alone misses the functions'
 * CPU (the original platform's score barely moved under load), so live descendants are added in.
 * Functions are children of the faas-spawn fork server, a descendant of the worker: it reaps
 * them, so their finished CPU is in its cutime/cstime, and the running ones are its children.
 */
public final class ProcReader {

    /**
     * A sandbox slot's launcher (faas-spawn's sandbox.c): it shares the fork server's memory, so its
     * VmRSS is the server's again.
     */
    static final String SHARES_FORK_SERVER_MEMORY = "faas-launcher";

    /** USER_HZ; fixed at 100 on every Linux architecture the JDK runs on. */
    public static final double TICKS_PER_SECOND = 100.0;

    public ProcCounters read() {
        long now = System.nanoTime();
        long cpu = cpuTicks("self");
        long rss = rssBytes("self");
        for (ProcessHandle child : liveDescendants()) {
            String pid = Long.toString(child.pid());
            cpu += cpuTicks(pid);
            rss += rssBytes(pid);
        }
        return new ProcCounters(now, cpu, rss, ioBytes());
    }

    private static List<ProcessHandle> liveDescendants() {
        return ProcessHandle.current().descendants().collect(Collectors.toList());
    }

    /** utime + stime + cutime + cstime, or 0 if the process is already gone. */
    static long cpuTicks(String pid) {
        String stat = readOrEmpty(Path.of("/proc", pid, "stat"));
        return stat.isEmpty() ? 0 : cpuTicksFromStat(stat);
    }

    /** Fields after the command name, which may itself hold spaces and parentheses. */
    static long cpuTicksFromStat(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // fields[0] is field 3 (state); utime is field 14
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12])
                + Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
    }

    static long rssBytes(String pid) {
        return rssBytesFromStatus(readOrEmpty(Path.of("/proc", pid, "status")));
    }

    static long rssBytesFromStatus(String status) {
        for (String line : status.split("\n")) {
            if (line.equals("Name:\t" + SHARES_FORK_SERVER_MEMORY)) {
                return 0; // counted once, with the fork server
            }
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).replace("kB", "").trim()) * 1024;
            }
        }
        return 0; // kernel threads and zombies have no VmRSS line
    }

    static long ioBytes() {
        return ioBytesFromIo(readOrEmpty(Path.of("/proc/self/io")));
    }

    static long ioBytesFromIo(String io) {
        long total = 0;
        for (String line : io.split("\n")) {
            if (line.startsWith("rchar:") || line.startsWith("wchar:")) {
                total += Long.parseLong(line.substring(6).trim());
            }
        }
        return total;
    }

    private static String readOrEmpty(Path path) {
        try {
            return new String(Files.readAllBytes(path), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException gone) {
            return "";
        }
    }
}
