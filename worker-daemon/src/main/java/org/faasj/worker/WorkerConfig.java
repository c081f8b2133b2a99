package org.faasj.worker;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker's command-line options, parsed once.
 *
 * @param id                 the supervisor's slot number, reported in metrics and {@code X-Faas-Worker}
 * @param socket             Unix stream socket the gateway hands clients over on
 * @param metricsSocket      Unix datagram socket of the control plane's metrics collector
 * @param scratch            private directory: launcher, stderr files, the functions' working directory
 * @param maxConcurrency     function invocations running at once
 * @param maxQueued          invocations waiting for a free slot before the worker answers 503
 * @param outputCap          most stdout bytes a function may produce
 * @param metricsIntervalMs  period of the metrics datagram
 * @param functionPath       PATH given to functions and searched for their interpreters
 */
public record WorkerConfig(
        int id,
        Path socket,
        Path metricsSocket,
        Path scratch,
        int maxConcurrency,
        int maxQueued,
        int outputCap,
        long metricsIntervalMs,
        String functionPath) {

    public static final String DEFAULT_FUNCTION_PATH = "/usr/local/bin:/usr/bin:/bin";

    public WorkerConfig {
        require(maxConcurrency > 0, "--max-concurrency must be positive");
        require(maxQueued >= 0, "--max-queued must not be negative");
        require(outputCap > 0, "--output-cap must be positive");
        require(metricsIntervalMs > 0, "--metrics-interval-ms must be positive");
    }

    /** Parses {@code --name value} pairs; unknown names and missing required ones are errors. */
    public static WorkerConfig parse(String... args) {
        Map<String, String> options = pairs(args);
        WorkerConfig config = new WorkerConfig(
                Integer.parseInt(required(options, "--id")),
                Path.of(required(options, "--socket")),
                Path.of(required(options, "--metrics")),
                Path.of(required(options, "--scratch")),
                Integer.parseInt(options.getOrDefault("--max-concurrency", "32")),
                Integer.parseInt(options.getOrDefault("--max-queued", "256")),
                Integer.parseInt(options.getOrDefault("--output-cap", String.valueOf(6 << 20))),
                Long.parseLong(options.getOrDefault("--metrics-interval-ms", "500")),
                options.getOrDefault("--function-path", DEFAULT_FUNCTION_PATH));
        options.keySet().removeAll(List.of("--id", "--socket", "--metrics", "--scratch",
                "--max-concurrency", "--max-queued", "--output-cap", "--metrics-interval-ms", "--function-path"));
        require(options.isEmpty(), "unknown options: " + options.keySet());
        return config;
    }

    private static Map<String, String> pairs(String[] args) {
        require(args.length % 2 == 0, "options come in '--name value' pairs");
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            require(args[i].startsWith("--"), "expected an option name, got '" + args[i] + "'");
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        require(value != null, name + " is required");
        return value;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
