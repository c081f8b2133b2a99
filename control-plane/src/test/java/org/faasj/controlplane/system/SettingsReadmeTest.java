package org.faasj.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Every {@code faas.*} property Spring binds has its row in the README's Configuration table, and no other. */
class SettingsReadmeTest {

    private static final Pattern PROPERTY = Pattern.compile("`(faas\\.[a-z0-9.-]+)`");

    @Test
    void theReadmeTableListsEveryBoundProperty() throws IOException {
        Set<String> bound = new TreeSet<>();
        collect("faas", FaasProperties.class, bound);
        Set<String> documented = documented(Files.readString(Path.of("../README.md")));

        Set<String> missing = new TreeSet<>(bound);
        missing.removeAll(documented);
        assertThat(missing).as("properties with no row in README.md's Configuration table").isEmpty();
        Set<String> unknown = new TreeSet<>(documented);
        unknown.removeAll(bound);
        assertThat(unknown).as("rows of README.md's Configuration table that FaasProperties does not bind").isEmpty();
    }

    @Test
    void nestedGroupsAreWalkedAndNamesAreKebabCase() {
        Set<String> bound = new TreeSet<>();
        collect("faas", FaasProperties.class, bound);
        assertThat(bound).contains("faas.data-dir", "faas.gateway.relay.max-per-client", "faas.workers.jvm-options",
                "faas.sandbox.build-tmp").doesNotContain("faas.gateway", "faas.gateway.relay");
    }

    /** The leaves under {@code prefix}: a component whose type is another record is a group, not a setting. */
    static void collect(String prefix, Class<?> type, Set<String> into) {
        for (RecordComponent component : type.getRecordComponents()) {
            String name = prefix + "." + kebab(component.getName());
            if (component.getType().isRecord()) {
                collect(name, component.getType(), into);
            } else {
                into.add(name);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** The property names in the first cell of each row of the table under "## Configuration". */
    private static Set<String> documented(String readme) {
        int start = readme.indexOf("\n## Configuration");
        assertThat(start).as("README.md has a Configuration section").isPositive();
        int end = readme.indexOf("\n## ", start + 1);
        Set<String> names = new TreeSet<>();
        for (String line : readme.substring(start, end < 0 ? readme.length() : end).split("\n")) {
            if (line.startsWith("| `faas.")) {
                Matcher m = PROPERTY.matcher(line.substring(0, line.indexOf('|', 1)));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }
}
