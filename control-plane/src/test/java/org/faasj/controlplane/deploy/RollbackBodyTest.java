package org.faasj.controlplane.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

class RollbackBodyTest {

    @Test
    void emptyBodyMeansThePreviousVersion() {
        assertThat(VersionsController.target(null)).isEmpty();
        assertThat(VersionsController.target("  ")).isEmpty();
        assertThat(VersionsController.target("{}")).isEmpty();
    }

    @Test
    void versionNumberIsTaken() {
        assertThat(VersionsController.target("{\"version\": 3}")).isEqualTo(Optional.of(3));
    }

    @Test
    void notJsonIs400() {
        assertThatThrownBy(() -> VersionsController.target("{version"))
                .isInstanceOfSatisfying(DeployProblem.class, p -> assertThat(p.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1]", "3", "{\"version\":0}", "{\"version\":-2}", "{\"version\":\"2\"}", "{\"version\":1.5}",
            "{\"version\":99999999999}", "{\"v\":2}", "{\"version\":2,\"extra\":1}"})
    void jsonWithoutAUsableVersionIs422(String body) {
        assertThatThrownBy(() -> VersionsController.target(body))
                .isInstanceOfSatisfying(DeployProblem.class,
                        p -> assertThat(p.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT));
    }
}
