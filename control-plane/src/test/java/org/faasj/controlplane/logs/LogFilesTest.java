package org.faasj.controlplane.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.faasj.model.InvocationOutcome;
import org.faasj.model.InvocationRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFilesTest {

    @TempDir
    Path dir;

    static InvocationRecord record(String function, String callId, long startedAt, long durationMicros, String stderr) {
        return new InvocationRecord(callId, function, 1, 0, startedAt, durationMicros, 0, 200, InvocationOutcome.OK, 0,
                false, -1, -1, stderr);
    }

    @Test
    void stderrBecomesOneLinePerLineStampedWithTheCallsEnd() {
        List<LogLine> lines = LogLine.of(record("hello", "c-1", java.time.Instant.parse("2026-11-28T10:20:00Z").toEpochMilli(), 123_456, "first\r\nsecond\n"));

        assertThat(lines).containsExactly(
                new LogLine("2026-11-28T10:20:00.123Z", "hello", "c-1", "first"),
                new LogLine("2026-11-28T10:20:00.123Z", "hello", "c-1", "second"));
        assertThat(LogLine.of(record("hello", "c-2", 0, 0, ""))).isEmpty();
        assertThat(LogLine.of(record("hello", "c-3", 0, 0, "a\n\nb"))).extracting(LogLine::text).containsExactly("a", "", "b");
    }

    @Test
    void eachLineIsOneJsonObjectInTheFunctionsFile() throws Exception {
        LogFiles files = new LogFiles(dir, 1 << 20, new LogFollowers(4));
        files.append(LogLine.of(record("hello", "c-1", 0, 1000, "say \"hi\"\n")));

        assertThat(Files.readString(dir.resolve("hello.log"), StandardCharsets.UTF_8)).isEqualTo(
                "{\"time\":\"1970-01-01T00:00:00.001Z\",\"function\":\"hello\",\"callId\":\"c-1\",\"text\":\"say \\\"hi\\\"\"}\n");
    }

    @Test
    void aLogPastHalfTheCapBecomesTheRotatedOneSoAFunctionNeverHoldsMoreThanTheCap() throws Exception {
        long cap = 4096;
        LogFiles files = new LogFiles(dir, cap, new LogFollowers(4));
        for (int i = 0; i < 200; i++) {
            files.append(LogLine.of(record("busy", "c-" + i, 0, 0, "line " + i + "\n")));
            long total = Files.size(dir.resolve("busy.log"))
                    + (Files.exists(dir.resolve("busy.log.1")) ? Files.size(dir.resolve("busy.log.1")) : 0);
            assertThat(total).isLessThanOrEqualTo(cap);
        }
        assertThat(dir.resolve("busy.log.1")).exists();
        List<LogLine> all = files.read("busy", new LogQuery(10_000, null, null));
        assertThat(all.get(all.size() - 1).text()).isEqualTo("line 199");
        assertThat(all).extracting(LogLine::callId).doesNotHaveDuplicates();
        // read back oldest first, across the rotated file and the current one
        List<Integer> numbers = new ArrayList<>();
        all.forEach(l -> numbers.add(Integer.parseInt(l.text().substring(5))));
        assertThat(numbers).isSorted();
    }

    @Test
    void readingFiltersByTailSinceAndCall() {
        LogFiles files = new LogFiles(dir, 1 << 20, new LogFollowers(4));
        files.append(LogLine.of(record("f", "a", 1_000, 0, "a1\na2\n")));
        files.append(LogLine.of(record("f", "b", 2_000, 0, "b1\n")));
        files.append(LogLine.of(record("f", "c", 3_000, 0, "c1\n")));

        assertThat(files.read("f", new LogQuery(2, null, null))).extracting(LogLine::text).containsExactly("b1", "c1");
        assertThat(files.read("f", new LogQuery(100, LogLine.isoTime(2_000), null))).extracting(LogLine::text)
                .containsExactly("b1", "c1");
        assertThat(files.read("f", new LogQuery(100, null, "a"))).extracting(LogLine::text).containsExactly("a1", "a2");
        assertThat(files.read("f", new LogQuery(0, null, null))).isEmpty();
        assertThat(files.read("other", new LogQuery(100, null, null))).isEmpty();
    }

    @Test
    void namesThatCouldEscapeTheDirectoryAreNotFunctionNames() {
        assertThat(LogFiles.isValidName("hello-2")).isTrue();
        for (String bad : new String[] {"..", ".", "", "a/b", "../x", "a\\b", ".hidden", "x".repeat(129), "a b", null}) {
            assertThat(LogFiles.isValidName(bad)).as(String.valueOf(bad)).isFalse();
        }
    }

    @Test
    void followersGetTheLinesOfTheirFunctionAfterTheirTailAndTheCapHolds() throws Exception {
        LogFollowers followers = new LogFollowers(1);
        LogFiles files = new LogFiles(dir, 1 << 20, followers);
        files.append(LogLine.of(record("f", "old", 0, 0, "before\n")));

        LogFiles.Following following = files.follow("f", new LogQuery(10, null, null));
        assertThat(following.tail()).extracting(LogLine::text).containsExactly("before");
        assertThat(files.follow("f", new LogQuery(10, null, null))).as("over the cap").isNull();

        files.append(LogLine.of(record("g", "x", 0, 0, "elsewhere\n")));
        files.append(LogLine.of(record("f", "new", 0, 0, "after\n")));
        assertThat(following.follower().poll(1000).text()).isEqualTo("after");
        assertThat(following.follower().poll(0)).isNull();

        following.follower().close();
        assertThat(followers.open()).isZero();
        assertThat(files.follow("f", new LogQuery(10, null, null))).isNotNull();
    }
}
