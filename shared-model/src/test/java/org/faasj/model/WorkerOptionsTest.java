package org.faasj.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class WorkerOptionsTest {

    private static WorkerOptions.Builder required() {
        return WorkerOptions.builder().set(WorkerOption.ID, 3).set(WorkerOption.SOCKET, Path.of("/r/w.sock"))
                .set(WorkerOption.METRICS, Path.of("/r/m.sock")).set(WorkerOption.SCRATCH, Path.of("/r/w-3"));
    }

    /** A value for each option other than its default, of the option's kind. */
    private static Object otherThanDefault(WorkerOption option) {
        if (!option.kind().choices().isEmpty()) {
            return option.kind().choices().stream().filter(c -> !c.equals(option.defaultText())).findFirst().orElseThrow();
        }
        Object dflt = option.defaultValue();
        if (dflt instanceof Integer i) {
            return i + 7;
        }
        if (dflt instanceof Long l) {
            return l + 7;
        }
        if (dflt instanceof String s) {
            return s + ":/opt/bin";
        }
        return Path.of("/elsewhere/" + option.name().toLowerCase());
    }

    @Test
    void everyOptionSetSurvivesRenderingAndParsing() {
        WorkerOptions.Builder builder = WorkerOptions.builder();
        for (WorkerOption option : WorkerOption.values()) {
            builder.set(option, option.required() ? (option == WorkerOption.ID ? 3 : Path.of("/r/" + option.name()))
                    : otherThanDefault(option));
        }
        WorkerOptions set = builder.build();
        WorkerOptions parsed = WorkerOptions.parse(set.toArgs().toArray(String[]::new));
        assertEquals(set, parsed);
        for (WorkerOption option : WorkerOption.values()) {
            assertEquals(set.value(option), parsed.value(option), option.flag());
            assertTrue(!option.required() && !parsed.value(option).equals(option.defaultValue())
                    || option.required(), option.flag() + " was not changed from its default by this test");
        }
    }

    @Test
    void unsetOptionsReadAsTheirDefaultsAndAreNotRendered() {
        WorkerOptions options = WorkerOptions.parse("--id", "0", "--socket", "/s", "--metrics", "/m", "--scratch", "/d");
        assertEquals(32, options.intValue(WorkerOption.MAX_CONCURRENCY));
        assertEquals(256, options.intValue(WorkerOption.MAX_QUEUED));
        assertEquals(6 << 20, options.intValue(WorkerOption.OUTPUT_CAP));
        assertEquals(500L, options.longValue(WorkerOption.METRICS_INTERVAL_MS));
        assertEquals("/usr/local/bin:/usr/bin:/bin", options.text(WorkerOption.FUNCTION_PATH));
        assertEquals("off", options.text(WorkerOption.SANDBOX));
        assertEquals(8L << 20, options.longValue(WorkerOption.MAX_BODY_BYTES));
        assertEquals(List.of("--id", "0", "--socket", "/s", "--metrics", "/m", "--scratch", "/d"), options.toArgs());
    }

    @Test
    void valuesSetInCodeAreCheckedLikeTheCommandLine() {
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                () -> required().set(WorkerOption.OUTPUT_CAP, 1L << 33));
        assertEquals("--output-cap: expected a whole number, got '8589934592'", tooBig.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> WorkerOptions.builder().set(WorkerOption.ID, 1).build());
        assertEquals("--socket is required", missing.getMessage());
        assertEquals(9, required().build().with(WorkerOption.MAX_QUEUED, 9).intValue(WorkerOption.MAX_QUEUED));
    }

    @Test
    void unknownFlagsAreRefusedNamingThemAndTheKnownOnes() {
        List<String> args = new ArrayList<>(required().build().toArgs());
        args.addAll(List.of("--colour", "blue"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WorkerOptions.parse(args.toArray(String[]::new)));
        assertTrue(e.getMessage().startsWith("unknown option --colour (known: --id --socket"), e.getMessage());
        assertEquals("expected an option name, got 'blue'",
                assertThrows(IllegalArgumentException.class, () -> WorkerOptions.parse("blue", "--id")).getMessage());
        assertEquals("options come in '--name value' pairs, got 1 words",
                assertThrows(IllegalArgumentException.class, () -> WorkerOptions.parse("--id")).getMessage());
        assertEquals("--id is given twice", assertThrows(IllegalArgumentException.class,
                () -> WorkerOptions.parse("--id", "1", "--id", "2")).getMessage());
    }

    @Test
    void badValuesAreRefusedNamingTheFlag() {
        assertEquals("--max-concurrency: expected a whole number, got 'many'", bad("--max-concurrency", "many"));
        assertEquals("--max-concurrency must be at least 1, got 0", bad("--max-concurrency", "0"));
        assertEquals("--max-queued must be at least 0, got -1", bad("--max-queued", "-1"));
        assertEquals("--sandbox: expected one of on, off, refused, got 'maybe'", bad("--sandbox", "maybe"));
        assertEquals("--warm-idle-ms: expected a whole number, got '1.5'", bad("--warm-idle-ms", "1.5"));
        assertEquals("--scratch: expected a path, got ''", assertThrows(IllegalArgumentException.class,
                () -> WorkerOptions.parse("--scratch", "")).getMessage());
    }

    @Test
    void choicesIgnoreCaseAsTheWorkerAlwaysDid() {
        assertEquals("on", required().set(WorkerOption.SANDBOX, "ON").build().text(WorkerOption.SANDBOX));
    }

    @Test
    void usageListsEveryOptionWithItsDefault() {
        String usage = WorkerOption.usage();
        for (WorkerOption option : WorkerOption.values()) {
            assertTrue(usage.contains(option.flag() + " "), option.flag());
            assertTrue(usage.contains(option.doc()), option.flag());
        }
        assertTrue(usage.contains("--max-queued N"), usage);
        assertTrue(usage.contains("(default 256)"), usage);
        assertTrue(usage.contains("--sandbox on|off|refused"), usage);
        assertTrue(usage.contains("(required)"), usage);
        assertNull(WorkerOption.byFlag("--colour"));
    }

    private static String bad(String flag, String value) {
        List<String> args = new ArrayList<>(required().build().toArgs());
        args.addAll(List.of(flag, value));
        return assertThrows(IllegalArgumentException.class, () -> WorkerOptions.parse(args.toArray(String[]::new)))
                .getMessage();
    }
}
