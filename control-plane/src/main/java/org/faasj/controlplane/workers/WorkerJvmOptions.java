package org.faasj.controlplane.workers;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * The worker JVM options this JVM understands. Workers run the control plane's own {@code java},
 * so a {@code -XX:} flag it does not know would stop every worker at start, and the supervisor would
 * restart them without end. Such an option is left out and named in a warning instead. The default
 * list has one flag older JDK 17 builds lack: {@code TrimNativeHeapInterval}, from 17.0.9.
 */
final class WorkerJvmOptions {

    /** What {@link #supported} kept and what it left out. */
    record Checked(List<String> kept, List<String> leftOut) {
    }

    private WorkerJvmOptions() {
    }

    static Checked supported(List<String> options, Predicate<String> flagExists) {
        List<String> kept = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        for (String option : options) {
            String flag = flagName(option);
            (flag == null || flagExists.test(flag) ? kept : leftOut).add(option);
        }
        return new Checked(List.copyOf(kept), List.copyOf(leftOut));
    }

    /** {@code Foo} for {@code -XX:+Foo}, {@code -XX:-Foo} and {@code -XX:Foo=1}; null for any other option. */
    static String flagName(String option) {
        if (!option.startsWith("-XX:")) {
            return null;
        }
        String flag = option.substring(4);
        if (flag.startsWith("+") || flag.startsWith("-")) {
            flag = flag.substring(1);
        }
        int equals = flag.indexOf('=');
        return equals < 0 ? flag : flag.substring(0, equals);
    }

    /** Whether this JVM has the flag; true when it cannot tell (not HotSpot), so nothing is left out then. */
    static boolean existsInThisJvm(String flag) {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (hotspot == null) {
            return true;
        }
        try {
            hotspot.getVMOption(flag);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
