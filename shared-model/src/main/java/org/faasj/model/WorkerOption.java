package org.faasj.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The worker daemon's command line, one constant per {@code --name value} option: the contract
 * between the control plane, which renders it ({@code WorkerSupervisor}), and the worker, which
 * parses it ({@code WorkerConfig}). Flag, default, value kind and help text live here only.
 *
 * <p>To add a worker setting: a constant here, its source in the supervisor's mapping (a switch
 * over these constants, so the compiler asks for it), a property in {@code FaasProperties} with its
 * README row (a test asks for it), and the worker's use of the value.
 */
public enum WorkerOption {

    ID("id", Kind.INT, 0, null, "the supervisor's slot number, reported in metrics and X-Faas-Worker"),
    SOCKET("socket", Kind.PATH, 0, null, "Unix stream socket the gateway hands clients over on"),
    METRICS("metrics", Kind.PATH, 0, null, "Unix datagram socket of the control plane's metrics collector"),
    SCRATCH("scratch", Kind.PATH, 0, null,
            "private directory: launcher, stderr files, the functions' working directory"),
    MAX_CONCURRENCY("max-concurrency", Kind.INT, 1, "32", "function invocations running at once"),
    MAX_QUEUED("max-queued", Kind.INT, 0, "256", "invocations waiting for a free slot before the worker answers 503"),
    OUTPUT_CAP("output-cap", Kind.INT, 1, String.valueOf(6 << 20), "most stdout bytes a function may produce"),
    METRICS_INTERVAL_MS("metrics-interval-ms", Kind.LONG, 1, "500", "period of the metrics datagram"),
    FUNCTION_PATH("function-path", Kind.TEXT, 0, "/usr/local/bin:/usr/bin:/bin",
            "PATH given to functions and searched for their interpreters"),
    /**
     * Two per function: at one connection back to back the next process has had about two requests'
     * time to start. Measured (wrk -t1 -c1 GET /ping, 2 cores): p50 6.0 ms warm vs 12.0 ms cold, with
     * {@code php ping.php} alone taking ~10 ms; a warm process answers ~2.5 ms after its request arrives.
     */
    WARM_PER_FUNCTION("warm-per-function", Kind.INT, 0, "2",
            "PHP processes kept started ahead of requests, per function (0: no warm pool)"),
    /**
     * A php CLI waiting in the prelude is ~17.5 MB RSS, of which ~4 MB anonymous and the rest shared
     * file pages (measured with php 8.2): 16 cost ~70 MB of private memory at most.
     */
    WARM_TOTAL("warm-total", Kind.INT, 0, "16", "warm PHP processes kept by this worker over all functions"),
    WARM_IDLE_MS("warm-idle-ms", Kind.LONG, 1, "30000", "a warm process nobody took for this long is killed"),
    /**
     * Two per core when the worker runs alone; the control plane splits that figure over its
     * workers instead, since they share the cores.
     */
    CPU_SLOTS("cpu-slots", Kind.INT, 1, String.valueOf(2 * Runtime.getRuntime().availableProcessors()),
            "function processes this worker lets run on a CPU at once (default: two per core)"),
    SANDBOX("sandbox", Kind.choice("on", "off", "refused"), 0, "off",
            "how function processes are isolated: on, off, or refused (none are started)"),
    SANDBOX_UID_BASE("sandbox-uid-base", Kind.LONG, 0, "0",
            "first uid of this worker's range (needed with --sandbox on)"),
    SANDBOX_UID_COUNT("sandbox-uid-count", Kind.INT, 1, "1", "size of the uid range: most sandboxed processes alive at once"),
    SANDBOX_MEMORY_MB("sandbox-memory-mb", Kind.LONG, 0, "0",
            "memory cgroup limit of all the worker's function processes together (0: none)"),
    /** As long as the gateway's request head timeout: a body should not be slower to start than a head. */
    BODY_IDLE_MS("body-idle-ms", Kind.INT, 1, "10000",
            "a client that sends no byte of its request body for this long is cut off (408)"),
    /** The gateway's default {@code faas.gateway.max-body-size}. */
    MAX_BODY_BYTES("max-body-bytes", Kind.LONG, 1, String.valueOf(8L << 20),
            "largest request body; a larger chunked body is refused with 413"),
    EXPOSE_STDERR("expose-stderr", Kind.choice("true", "false"), 0, "false",
            "a failed function's stderr tail goes into its 500 answer (else only to the worker's log)"),
    /** Empty: records are not sent (a worker run alone, or tests). */
    CALLS("calls", Kind.TEXT, 0, "",
            "Unix datagram socket of the control plane's invocation record receiver (empty: none sent)"),
    MAX_CALL_LOG_BYTES("max-call-log-bytes", Kind.INT, 0, "8192",
            "first bytes of each call's stderr kept in its invocation record (0: none)"),
    /** Used when the descriptor sets no {@code concurrency}: one process per call running at once. */
    HANDLER_POOL_SIZE("handler-pool-size", Kind.INT, 1, "4",
            "handler-mode processes per function version and worker, when the descriptor sets no concurrency"),
    HANDLER_IDLE_MS("handler-idle-ms", Kind.LONG, 1, "60000", "a handler-mode process idle this long is stopped"),
    HANDLER_MAX_CALLS("handler-max-calls", Kind.INT, 1, "10000",
            "a handler-mode process is replaced after this many calls");

    private final String name;
    private final Kind kind;
    private final long min;
    private final String defaultText;
    private final String doc;

    WorkerOption(String name, Kind kind, long min, String defaultText, String doc) {
        this.name = name;
        this.kind = kind;
        this.min = min;
        this.defaultText = defaultText;
        this.doc = doc;
    }

    /** {@code --name}, as it appears on the command line. */
    public String flag() {
        return "--" + name;
    }

    public Kind kind() {
        return kind;
    }

    /** Without a default the option must be given. */
    public boolean required() {
        return defaultText == null;
    }

    /** The default as it would be written on the command line; null for a required option. */
    public String defaultText() {
        return defaultText;
    }

    /** The default, parsed; null for a required option. */
    public Object defaultValue() {
        return defaultText == null ? null : parse(defaultText);
    }

    /** One line of help. */
    public String doc() {
        return doc;
    }

    /**
     * The value of {@code text}: an Integer, Long, String or Path by {@link #kind()}; numbers at
     * least their minimum, choices one of theirs.
     *
     * @throws IllegalArgumentException naming the flag, when the text is not such a value
     */
    public Object parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException(flag() + " needs a value");
        }
        Object value;
        try {
            value = kind.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag() + ": expected " + kind.describe() + ", got '" + text + "'");
        }
        if (value instanceof Number n && n.longValue() < min) {
            throw new IllegalArgumentException(flag() + " must be at least " + min + ", got " + text);
        }
        return value;
    }

    /** The option for {@code --name}, or null. */
    public static WorkerOption byFlag(String flag) {
        for (WorkerOption option : values()) {
            if (option.flag().equals(flag)) {
                return option;
            }
        }
        return null;
    }

    /** The usage text of the worker daemon, one line per option. */
    public static String usage() {
        StringBuilder out = new StringBuilder("usage: WorkerMain --name value ...\n");
        for (WorkerOption option : values()) {
            String left = "  " + option.flag() + " " + option.kind.placeholder();
            out.append(String.format("%-36s %s%s%n", left, option.doc,
                    option.required() ? " (required)" : " (default " + option.defaultText + ")"));
        }
        return out.toString();
    }

    /** How an option's text becomes its value. */
    public static class Kind {
        static final Kind INT = new Kind("N", "a whole number", List.of()) {
            @Override
            Object parse(String text) {
                return Integer.valueOf(text);
            }
        };
        static final Kind LONG = new Kind("N", "a whole number", List.of()) {
            @Override
            Object parse(String text) {
                return Long.valueOf(text);
            }
        };
        static final Kind TEXT = new Kind("TEXT", "text", List.of());
        static final Kind PATH = new Kind("PATH", "a path", List.of()) {
            @Override
            Object parse(String text) {
                if (text.isEmpty()) {
                    throw new IllegalArgumentException("empty path");
                }
                return Path.of(text);
            }
        };

        private final String placeholder;
        private final String description;
        private final List<String> choices;

        private Kind(String placeholder, String description, List<String> choices) {
            this.placeholder = placeholder;
            this.description = description;
            this.choices = choices;
        }

        static Kind choice(String... choices) {
            return new Kind(String.join("|", choices), "one of " + String.join(", ", choices), List.of(choices));
        }

        /** The values a choice allows; empty for any other kind. */
        public List<String> choices() {
            return choices;
        }

        Object parse(String text) {
            if (choices.isEmpty()) {
                return text;
            }
            String choice = text.toLowerCase(Locale.ROOT);
            if (!choices.contains(choice)) {
                throw new IllegalArgumentException(text);
            }
            return choice;
        }

        String placeholder() {
            return placeholder;
        }

        String describe() {
            return description;
        }
    }
}
