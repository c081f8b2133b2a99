package org.faasj.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A worker's options as given: each one a value of its {@link WorkerOption#kind()}, the unset ones
 * read as their defaults. The control plane builds one and renders it with {@link #toArgs()}; the
 * worker gets it back with {@link #parse(String...)}.
 */
public final class WorkerOptions {

    private final Map<WorkerOption, Object> given;
    /** Given or default, for every option with either: a worker reads some on every call. */
    private final Map<WorkerOption, Object> resolved = new EnumMap<>(WorkerOption.class);

    private WorkerOptions(Map<WorkerOption, Object> given) {
        this.given = Collections.unmodifiableMap(new EnumMap<>(given));
        for (WorkerOption option : WorkerOption.values()) {
            Object value = given.containsKey(option) ? given.get(option) : option.defaultValue();
            if (value != null) {
                resolved.put(option, value);
            }
        }
    }

    /**
     * Parses {@code --name value} pairs: every name one of {@link WorkerOption}'s flags, given once,
     * every required one present, every value of its option's kind.
     *
     * @throws IllegalArgumentException saying which option is wrong and how
     */
    public static WorkerOptions parse(String... args) {
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("options come in '--name value' pairs, got " + args.length + " words");
        }
        Builder builder = builder();
        for (int i = 0; i < args.length; i += 2) {
            WorkerOption option = WorkerOption.byFlag(args[i]);
            if (option == null) {
                throw new IllegalArgumentException(args[i].startsWith("--")
                        ? "unknown option " + args[i] + " (known: " + knownFlags() + ")"
                        : "expected an option name, got '" + args[i] + "'");
            }
            if (builder.values.containsKey(option)) {
                throw new IllegalArgumentException(option.flag() + " is given twice");
            }
            builder.values.put(option, option.parse(args[i + 1]));
        }
        return builder.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The options given, in {@link WorkerOption} order. */
    public Set<WorkerOption> given() {
        return given.keySet();
    }

    /** The value given, else the default (an Integer, Long, String or Path by the option's kind). */
    public Object value(WorkerOption option) {
        return resolved.get(option);
    }

    public int intValue(WorkerOption option) {
        return (Integer) value(option);
    }

    public long longValue(WorkerOption option) {
        return (Long) value(option);
    }

    public String text(WorkerOption option) {
        return (String) value(option);
    }

    public Path path(WorkerOption option) {
        return (Path) value(option);
    }

    /** The given options as {@code --name value} pairs, which {@link #parse(String...)} reads back to these. */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>(given.size() * 2);
        given.forEach((option, value) -> {
            args.add(option.flag());
            args.add(value.toString());
        });
        return args;
    }

    /** These options with {@code option} set to {@code value} (checked as if it came from the command line). */
    public WorkerOptions with(WorkerOption option, Object value) {
        Builder builder = builder();
        builder.values.putAll(given);
        return builder.set(option, value).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WorkerOptions other && given.equals(other.given);
    }

    @Override
    public int hashCode() {
        return given.hashCode();
    }

    @Override
    public String toString() {
        return String.join(" ", toArgs());
    }

    private static String knownFlags() {
        return java.util.Arrays.stream(WorkerOption.values()).map(WorkerOption::flag).collect(Collectors.joining(" "));
    }

    /** Collects options; {@link #build()} checks that the required ones are there. */
    public static final class Builder {
        private final Map<WorkerOption, Object> values = new EnumMap<>(WorkerOption.class);

        private Builder() {
        }

        /**
         * Sets {@code option} to {@code value}, which goes through the option's parser as its text
         * would: what is set is exactly what the worker will read.
         */
        public Builder set(WorkerOption option, Object value) {
            values.put(option, option.parse(value == null ? null : value.toString()));
            return this;
        }

        public WorkerOptions build() {
            for (WorkerOption option : WorkerOption.values()) {
                if (option.required() && !values.containsKey(option)) {
                    throw new IllegalArgumentException(option.flag() + " is required");
                }
            }
            return new WorkerOptions(values);
        }
    }
}
