package org.faasj.controlplane.it;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code wrk} run started by a test, and what its summary says. wrk prints the socket-error and
 * non-2xx lines only when they are not zero, so a missing line reads as zero. A small Lua script
 * adds one line of response counts by status, so a failure names what the failed calls got.
 */
final class Wrk {

    private static final Path BINARY = Path.of("/usr/bin/wrk");
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ");
    private static final Pattern SOCKET_ERRORS =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern STATUSES = Pattern.compile("statuses:([^\\n]*)");
    /** Each wrk thread has its own Lua state: {@code done} gathers the threads' tables. */
    private static final String STATUS_SCRIPT = """
            threads = {}
            counts = {}
            function setup(thread)
              table.insert(threads, thread)
            end
            function response(status, headers, body)
              counts[status] = (counts[status] or 0) + 1
            end
            function done(summary, latency, requests)
              local total = {}
              for _, t in ipairs(threads) do
                for status, n in pairs(t:get("counts")) do
                  total[status] = (total[status] or 0) + n
                end
              end
              io.write("statuses:")
              for status, n in pairs(total) do
                io.write(string.format(" %d=%d", status, n))
              end
              io.write("\\n")
            end
            """;

    private final Process process;
    private final Path output;

    private Wrk(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** wrk where Debian installs it, or null. */
    static Path binary() {
        return Files.isExecutable(BINARY) ? BINARY : null;
    }

    /** Starts {@code wrk -t<threads> -c<connections> -d<duration> --latency} against {@code uri}; its output goes to a file in {@code dir}. */
    static Wrk start(Path dir, URI uri, int threads, int connections, Duration duration) throws IOException {
        Files.createDirectories(dir);
        Path script = dir.resolve("statuses.lua");
        Files.writeString(script, STATUS_SCRIPT);
        Path output = dir.resolve("wrk.out");
        Process process = new ProcessBuilder(BINARY.toString(), "-t" + threads, "-c" + connections,
                "-d" + duration.toSeconds() + "s", "--timeout", "10s", "--latency", "-s", script.toString(), uri.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new Wrk(process, output);
    }

    /** Waits for the run to end and reads its summary. */
    Result await(Duration atMost) throws Exception {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("wrk did not end within " + atMost + ":\n" + Files.readString(output));
        }
        String text = Files.readString(output);
        if (process.exitValue() != 0) {
            throw new AssertionError("wrk exited with " + process.exitValue() + ":\n" + text);
        }
        return Result.parse(text);
    }

    /**
     * One run's figures.
     *
     * @param requests responses wrk read completely, whatever their status
     * @param statuses the Lua script's counts, e.g. {@code 200=51234 502=1}
     */
    record Result(long requests, long connectErrors, long readErrors, long writeErrors, long timeouts, long non2xx,
                  String statuses, String text) {

        static Result parse(String text) {
            Matcher requests = REQUESTS.matcher(text);
            if (!requests.find()) {
                throw new AssertionError("no request count in wrk's output:\n" + text);
            }
            Matcher socket = SOCKET_ERRORS.matcher(text);
            boolean anySocketError = socket.find();
            Matcher non2xx = NON_2XX.matcher(text);
            Matcher statuses = STATUSES.matcher(text);
            return new Result(Long.parseLong(requests.group(1)), group(socket, anySocketError, 1),
                    group(socket, anySocketError, 2), group(socket, anySocketError, 3), group(socket, anySocketError, 4),
                    non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0,
                    statuses.find() ? statuses.group(1).trim() : "?", text);
        }

        private static long group(Matcher m, boolean found, int group) {
            return found ? Long.parseLong(m.group(group)) : 0;
        }

        /**
         * Calls that failed from the client's side. An error status (4xx/5xx; wrk counts those as
         * "Non-2xx or 3xx") failed. A read or write error is a connection that broke while wrk's
         * request was on it (wrk always has one outstanding), and a timeout one that got no answer
         * within {@code --timeout}: all failed calls. A connect error means nginx itself did not
         * take the connection; no request went out, but a client would see the call fail, so it
         * counts too.
         */
        long failed() {
            return non2xx + connectErrors + readErrors + writeErrors + timeouts;
        }

        String summary() {
            return String.format("%d requests, %d failed (%.3f %%): non-2xx %d, socket errors connect %d read %d"
                    + " write %d timeout %d; statuses %s", requests, failed(),
                    requests == 0 ? 100.0 : 100.0 * failed() / requests, non2xx, connectErrors, readErrors,
                    writeErrors, timeouts, statuses);
        }
    }
}
