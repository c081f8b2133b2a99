package org.faasj.controlplane.logs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import org.faasj.model.InvocationRecord;

/**
 * One line a function wrote to stderr, as the API and the log files spell it. {@code time} is the
 * end of the call (stderr has no per-line times), ISO-8601 UTC with milliseconds: fixed width, so
 * two times compare as strings the way they compare as instants.
 */
public record LogLine(String time, String function, String callId, String text) {

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** The API's spelling of a time: {@code 2026-11-28T13:00:00.123Z}. */
    public static String isoTime(long epochMillis) {
        return ISO_MILLIS.format(Instant.ofEpochMilli(epochMillis));
    }

    /** The record's stderr split on newlines, an empty last line (the usual trailing newline) dropped. */
    public static List<LogLine> of(InvocationRecord record) {
        String stderr = record.stderr();
        if (stderr.isEmpty()) {
            return List.of();
        }
        String time = isoTime(record.startedAtMillis() + record.durationMicros() / 1000);
        String[] parts = stderr.split("\n", -1);
        int n = parts[parts.length - 1].isEmpty() ? parts.length - 1 : parts.length;
        List<LogLine> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            lines.add(new LogLine(time, record.functionName(), record.callId(), stripCarriageReturn(parts[i])));
        }
        return lines;
    }

    private static String stripCarriageReturn(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
