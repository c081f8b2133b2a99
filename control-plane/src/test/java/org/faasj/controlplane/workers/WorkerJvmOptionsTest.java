package org.faasj.controlplane.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.faasj.controlplane.system.FaasProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class WorkerJvmOptionsTest {

    @Test
    void flagNamesAreReadFromEveryFormOfXxOption() {
        assertThat(WorkerJvmOptions.flagName("-XX:+UseSerialGC")).isEqualTo("UseSerialGC");
        assertThat(WorkerJvmOptions.flagName("-XX:-DontCompileHugeMethods")).isEqualTo("DontCompileHugeMethods");
        assertThat(WorkerJvmOptions.flagName("-XX:TrimNativeHeapInterval=2000")).isEqualTo("TrimNativeHeapInterval");
        assertThat(WorkerJvmOptions.flagName("-Xmx128m")).isNull();
        assertThat(WorkerJvmOptions.flagName("-Dfoo=-XX:Bar")).isNull();
    }

    @Test
    void aFlagTheJvmLacksIsLeftOutAndTheRestKeptInOrder() {
        Set<String> known = Set.of("UseSerialGC", "UnlockExperimentalVMOptions");
        WorkerJvmOptions.Checked checked = WorkerJvmOptions.supported(List.of("-Xms16m", "-XX:+UseSerialGC",
                "-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=2000", "-Xss512k"), known::contains);

        assertThat(checked.kept()).containsExactly("-Xms16m", "-XX:+UseSerialGC", "-XX:+UnlockExperimentalVMOptions",
                "-Xss512k");
        assertThat(checked.leftOut()).containsExactly("-XX:TrimNativeHeapInterval=2000");
    }

    @Test
    void thisJvmKnowsEveryDefaultWorkerFlagAndNotAMadeUpOne() {
        FaasProperties defaults = new Binder(new MapConfigurationPropertySource(java.util.Map.of()))
                .bindOrCreate("faas", FaasProperties.class);

        WorkerJvmOptions.Checked checked = WorkerJvmOptions.supported(defaults.workers().jvmOptions(),
                WorkerJvmOptions::existsInThisJvm);

        // the JDK the suite runs on (17.0.9 or later) has every default flag, native-heap trimming included
        assertThat(checked.leftOut()).isEmpty();
        assertThat(checked.kept()).contains("-XX:TrimNativeHeapInterval=2000");
        assertThat(WorkerJvmOptions.existsInThisJvm("NoSuchFlagAnywhere")).isFalse();
    }
}
