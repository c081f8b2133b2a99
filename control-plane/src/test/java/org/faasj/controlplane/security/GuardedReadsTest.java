package org.faasj.controlplane.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.faasj.controlplane.deploy.AdminToken;
import org.faasj.controlplane.system.FaasProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Reads of invocation records, logs and stats need the admin token, however the path is spelled. */
class GuardedReadsTest {

    @TempDir
    Path dataDir;

    @Test
    void theObservabilityPathsAreGuardedInEverySpelling() {
        for (String path : List.of("/system/calls/abc", "/system/calls", "/system/nodes", "/system/functions/hello/invocations",
                "/system/functions/hello/logs", "/system/functions/hello/stats", "/system/functions/hello/logs/",
                "/system/functions/hello/async-calls", "/system/functions/hello/%61sync-calls",
                "/system//functions/hello/logs", "/system/functions/hello/%6Cogs", "/system/functions/hello/logs;x=1",
                "/system;a=b/calls/x", "/system/functions/%zz/logs")) {
            assertTrue(AdminGuard.isGuardedRead(path), path);
        }
        for (String path : List.of("/system/functions", "/system/functions/hello", "/system/auth", "/", "/actuator/health",
                "/assets/app.js", "/system/functions/logs")) {
            assertFalse(AdminGuard.isGuardedRead(path), path);
        }
    }

    @Test
    void aGuardedReadWithoutTheTokenIs401AndWithItPasses() {
        AdminToken token = new AdminToken(new Binder(new MapConfigurationPropertySource(Map.of(
                "faas.data-dir", dataDir.toString(), "faas.admin-token", "s3cret"))).bind("faas", FaasProperties.class).get());
        AdminGuard guard = new AdminGuard(HostNames.of(List.of(), "127.0.0.1"), List.of(), token);

        Refusal refusal = guard.check("GET", "/system/functions/hello/logs", "127.0.0.1", null, null);
        assertEquals(401, refusal.status());
        assertEquals("WWW-Authenticate: Bearer", refusal.header());
        assertEquals(401, guard.check("GET", "/system/calls/x", "127.0.0.1", null, "Bearer wrong").status());
        assertNull(guard.check("GET", "/system/calls/x", "127.0.0.1", null, "Bearer s3cret"));
        assertNull(guard.check("GET", "/system/functions/hello", "127.0.0.1", null, null), "other reads stay open");
        assertEquals(403, guard.check("GET", "/system/calls/x", "evil.example", null, "Bearer s3cret").status());
    }

    @Test
    void anAsyncCallNeedsNoTokenButNoSpellingOfAPlatformPathPassesAsOne() {
        AdminToken token = new AdminToken(new Binder(new MapConfigurationPropertySource(Map.of(
                "faas.data-dir", dataDir.toString(), "faas.admin-token", "s3cret"))).bind("faas", FaasProperties.class).get());
        AdminGuard guard = new AdminGuard(HostNames.of(List.of(), "127.0.0.1"), List.of(), token);

        assertNull(guard.check("POST", "/async-function/api/hello", "127.0.0.1", null, null));
        assertNull(guard.check("DELETE", "/async-function/api/hello", "anything.example", "http://evil.example", null));
        for (String path : List.of("/async-function/../system/functions", "/async-function/x/%2e%2e/%2E%2E/system/functions",
                "/async-function/./system", "/async-function;a=b/../upload", "/%61sync-function/x", "/async-function",
                "/async-function/", "/async-functions/x", "/async-function/%zz", "/x/async-function/y")) {
            assertFalse(AdminGuard.isAsyncCall(path), path);
            assertEquals(401, guard.check("POST", path, "127.0.0.1", null, null).status(), path);
        }
        assertTrue(AdminGuard.isAsyncCall("/async-function/api/v1.2/x..y"));
    }
}
