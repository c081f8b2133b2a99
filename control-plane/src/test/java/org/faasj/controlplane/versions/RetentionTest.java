package org.faasj.controlplane.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class RetentionTest {

    @Test
    void keepsTheNewestN() {
        assertThat(numbers(new Retention(3).expired(versions(5, 5)))).containsExactly(1, 2);
    }

    @Test
    void atTheLimitNothingExpires() {
        assertThat(new Retention(3).expired(versions(3, 3))).isEmpty();
        assertThat(new Retention(3).expired(versions(2, 2))).isEmpty();
    }

    @Test
    void anOldActiveVersionIsKeptBesideTheNewestN() {
        // rolled back to v1, then nothing new: v1 stays although it is not among the two newest
        assertThat(numbers(new Retention(2).expired(versions(5, 1)))).containsExactly(2, 3);
    }

    @Test
    void keepOneLeavesOnlyTheActiveVersion() {
        assertThat(numbers(new Retention(1).expired(versions(3, 3)))).containsExactly(1, 2);
    }

    @Test
    void lessThanOneIsRefused() {
        assertThatThrownBy(() -> new Retention(0)).hasMessageContaining("keep-versions");
    }

    private static List<FunctionVersion> versions(int count, int active) {
        return IntStream.rangeClosed(1, count).mapToObj(n -> new FunctionVersion("f", n, "POST:/f", "", "{}", "",
                n, "t", n == active)).toList();
    }

    private static List<Integer> numbers(List<FunctionVersion> versions) {
        return versions.stream().map(FunctionVersion::version).toList();
    }
}
