package org.faasj.controlplane.logs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The log files of all functions, {@code <dir>/<function>.log} and {@code <function>.log.1}. When
 * a write would take a log past half the cap, the log becomes {@code .log.1} (replacing the old
 * one) first, so the two together never hold more than the cap. One lock over writes, reads and
 * the start of a follow: a reader never sees a rotation half done, and a follower registered with
 * its tail read misses no line and gets none twice.
 */
public final class LogFiles {

    /** Deploy allows {@code [a-z0-9-]}; this is wider (hand-written routes) but can never be a path. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
    private static final Logger log = LoggerFactory.getLogger(LogFiles.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path dir;
    private final long rotateAtBytes;
    private final LogFollowers followers;
    private final Object lock = new Object();

    public LogFiles(Path dir, long maxBytesPerFunction, LogFollowers followers) {
        this.dir = dir;
        this.rotateAtBytes = Math.max(1, maxBytesPerFunction / 2);
        this.followers = followers;
    }

    /** Whether a path may be built from this name: a function name, never {@code ..}, a slash or empty. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.equals("..") && !name.equals(".");
    }

    /** Appends the lines (of any functions) to their logs, then hands them to the followers. */
    void append(List<LogLine> lines) {
        Map<String, StringBuilder> byFunction = new LinkedHashMap<>();
        for (LogLine line : lines) {
            if (isValidName(line.function())) {
                byFunction.computeIfAbsent(line.function(), f -> new StringBuilder()).append(JSON.writeValueAsString(line)).append('\n');
            }
        }
        synchronized (lock) {
            byFunction.forEach(this::write);
            followers.publish(lines);
        }
    }

    private void write(String function, StringBuilder text) {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        Path file = current(function);
        try {
            Files.createDirectories(dir);
            long size = Files.exists(file) ? Files.size(file) : 0;
            if (size > 0 && size + bytes.length > rotateAtBytes) {
                Files.move(file, rotated(function), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.warn("cannot write the log of function {}: {}", function, e.toString());
        }
    }

    /** The matching lines, oldest first, at most {@code query.tail()} of the newest. */
    public List<LogLine> read(String function, LogQuery query) {
        requireValid(function);
        synchronized (lock) {
            return readLocked(function, query);
        }
    }

    /**
     * Registers a follower and reads its tail at the same moment (under the lock).
     *
     * @return null when the follower cap is reached
     */
    public Following follow(String function, LogQuery query) {
        requireValid(function);
        synchronized (lock) {
            LogFollower follower = followers.register(function, query.callId());
            return follower == null ? null : new Following(readLocked(function, query), follower);
        }
    }

    /** A follow's start: its tail and where the lines after it arrive. */
    public record Following(List<LogLine> tail, LogFollower follower) {
    }

    /** Whether the function has a log (now, or rotated). */
    public boolean exists(String function) {
        requireValid(function);
        return Files.exists(current(function)) || Files.exists(rotated(function));
    }

    private List<LogLine> readLocked(String function, LogQuery query) {
        ArrayDeque<LogLine> newest = new ArrayDeque<>(Math.min(query.tail(), 1024) + 1);
        if (query.tail() <= 0) {
            return List.of();
        }
        for (Path file : List.of(rotated(function), current(function))) {
            collect(file, query, newest);
        }
        return new ArrayList<>(newest);
    }

    private static void collect(Path file, LogQuery query, ArrayDeque<LogLine> newest) {
        String callNeedle = query.callId() == null ? null : "\"callId\":\"" + query.callId() + "\"";
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            while ((text = in.readLine()) != null) {
                if (callNeedle != null && !text.contains(callNeedle)) {
                    continue; // most lines of a busy function are not the call's: skip the parse
                }
                LogLine line = parse(text);
                if (line != null && query.matches(line)) {
                    newest.addLast(line);
                    if (newest.size() > query.tail()) {
                        newest.removeFirst();
                    }
                }
            }
        } catch (NoSuchFileException e) {
            // no log (yet), or none rotated
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static LogLine parse(String text) {
        try {
            return JSON.readValue(text, LogLine.class);
        } catch (JacksonException e) {
            return null; // a line cut by a crash mid-write
        }
    }

    private Path current(String function) {
        return dir.resolve(function + ".log");
    }

    private Path rotated(String function) {
        return dir.resolve(function + ".log.1");
    }

    private static void requireValid(String function) {
        if (!isValidName(function)) {
            throw new IllegalArgumentException("not a function name: " + function);
        }
    }
}
