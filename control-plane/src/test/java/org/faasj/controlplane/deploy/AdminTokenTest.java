package org.faasj.controlplane.deploy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.faasj.controlplane.system.FaasProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class AdminTokenTest {

    @TempDir
    Path dataDir;

    @Test
    void generated_isWrittenWithMode0600AndChecked() throws Exception {
        AdminToken token = new AdminToken(properties("0.0.0.0", null));
        Path file = dataDir.resolve(AdminToken.FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String value = Files.readString(file).strip();
        assertEquals(64, value.length());
        assertDoesNotThrow(() -> token.check("Bearer " + value));
        assertNull(token.refusal("Bearer " + value));
        assertEquals("wrong admin token", token.refusal("Bearer nope"));
        assertEquals(401, assertThrows(DeployProblem.class, () -> token.check("Bearer nope")).getStatusCode().value());
        assertEquals(401, assertThrows(DeployProblem.class, () -> token.check(null)).getStatusCode().value());
        assertEquals(401, assertThrows(DeployProblem.class, () -> token.check(value)).getStatusCode().value());
        // a second start reads the same file instead of generating a new token
        assertDoesNotThrow(() -> new AdminToken(properties("0.0.0.0", null)).check("Bearer " + value));
    }

    @Test
    void existingLooseFile_isTightenedTo0600AndUsed() throws Exception {
        Path file = Files.writeString(dataDir.resolve(AdminToken.FILE_NAME), "handwritten\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        AdminToken token = new AdminToken(properties("0.0.0.0", null));

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertDoesNotThrow(() -> token.check("Bearer handwritten"));
    }

    @Test
    void configured_winsOverTheFile() {
        AdminToken token = new AdminToken(properties("0.0.0.0", "s3cret"));
        assertDoesNotThrow(() -> token.check("bearer s3cret"));
        assertFalse(Files.exists(dataDir.resolve(AdminToken.FILE_NAME)));
    }

    @Test
    void loopbackOnly_stillNeedsTheToken_functionsReachLoopbackToo() {
        AdminToken token = new AdminToken(properties("127.0.0.1", "s3cret"));
        assertEquals(401, assertThrows(DeployProblem.class, () -> token.check(null)).getStatusCode().value());
        assertDoesNotThrow(() -> token.check("Bearer s3cret"));
    }

    private FaasProperties properties(String bindAddress, String adminToken) {
        java.util.Map<String, String> values = new java.util.HashMap<>();
        values.put("faas.data-dir", dataDir.toString());
        values.put("faas.gateway.bind-address", bindAddress);
        if (adminToken != null) {
            values.put("faas.admin-token", adminToken);
        }
        return new Binder(new MapConfigurationPropertySource(values)).bind("faas", FaasProperties.class).get();
    }
}
