package org.faasj.controlplane.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.faasj.controlplane.deploy.AdminToken;
import org.faasj.controlplane.system.FaasProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class AdminGuardTest {

    private static final String TOKEN = "Bearer s3cret";

    @TempDir
    Path dataDir;

    @Test
    void readsNeedOnlyAKnownHost() {
        AdminGuard guard = guard(List.of(), List.of());
        assertNull(guard.check("GET", "127.0.0.1:8080", null, null));
        assertNull(guard.check("GET", "localhost", "http://evil.example", null));
        assertNull(guard.check("GET", null, null, null)); // HTTP/1.0 without Host
        assertEquals(403, guard.check("GET", "evil.example:8080", null, null).status());
    }

    @Test
    void writesNeedTheTokenAndTheOwnOriginWhenOneIsSent() {
        AdminGuard guard = guard(List.of(), List.of());
        assertNull(guard.check("POST", "127.0.0.1:8080", null, TOKEN));
        assertNull(guard.check("POST", "127.0.0.1:8080", "http://127.0.0.1:8080", TOKEN));
        assertNull(guard.check("DELETE", "localhost", "http://LOCALHOST:80", TOKEN));
        Refusal noToken = guard.check("PUT", "127.0.0.1:8080", null, null);
        assertEquals(401, noToken.status());
        assertEquals("WWW-Authenticate: Bearer", noToken.header());
        assertEquals(401, guard.check("PATCH", "127.0.0.1:8080", null, "Bearer wrong").status());
        for (String origin : List.of("http://evil.example", "null", "http://127.0.0.1:9999", "https://127.0.0.1:8080",
                "http://127.0.0.1:8080/path", "::garbage")) {
            Refusal crossSite = guard.check("POST", "127.0.0.1:8080", origin, TOKEN);
            assertEquals(403, crossSite.status(), origin);
            assertTrue(crossSite.detail().contains("faas.security.allowed-origins"), crossSite.detail());
        }
    }

    @Test
    void configuredOriginsAndHostsAreAllowedToo() {
        AdminGuard guard = guard(List.of("faas.example", "10.9.8.7"), List.of("https://console.example"));
        assertNull(guard.check("POST", "127.0.0.1:8080", "https://console.example:443", TOKEN));
        assertNull(guard.check("GET", "FAAS.example.:8080", null, null));
        assertNull(guard.check("GET", "10.9.8.7", null, null));
        assertEquals(403, guard.check("GET", "faas.example.evil:8080", null, null).status());
        assertThrows(IllegalArgumentException.class, () -> guard(List.of(), List.of("console.example")));
    }

    @Test
    void aStarAllowsAnyHost() {
        assertNull(guard(List.of("*"), List.of()).check("GET", "anything.example", null, null));
    }

    @Test
    void hostNamesAcceptOnlyTheirNamesAndAddressesAndNeverResolveOthers() throws Exception {
        HostNames names = HostNames.of(List.of(), "127.0.0.1");
        assertTrue(names.allows("localhost:8080"));
        assertTrue(names.allows("[::1]:8080"));
        assertTrue(names.allows("127.0.0.1"));
        assertFalse(names.allows("127.0.0.2"), "only the bound address, not all of 127/8");
        assertFalse(names.allows("[::1"));
        assertFalse(names.allows(":8080"));
        assertFalse(names.allows("999.1.1.1"));
        assertNull(HostNames.literal("999.1.1.1"));
        assertNull(HostNames.literal("rebind.example"));
        assertEquals("[::1]", HostNames.hostOf("[::1]:80"));
        assertTrue(HostNames.of(List.of(), "0.0.0.0").allows("127.0.0.1"));
        String machine = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        assertTrue(names.allows(machine + ":8080"), "this machine's host name " + machine);
    }

    private AdminGuard guard(List<String> hosts, List<String> origins) {
        Map<String, String> values = new HashMap<>();
        values.put("faas.data-dir", dataDir.toString());
        values.put("faas.admin-token", "s3cret");
        AdminToken token = new AdminToken(new Binder(new MapConfigurationPropertySource(values)).bind("faas", FaasProperties.class).get());
        return new AdminGuard(HostNames.of(hosts, "127.0.0.1"), origins, token);
    }

    @Test
    void securityHeadersForbidFramingAndInlineCode() {
        assertEquals("DENY", SecurityHeaders.ALL.get("X-Frame-Options"));
        String csp = SecurityHeaders.CONTENT_SECURITY_POLICY;
        assertTrue(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"), csp);
        assertFalse(csp.contains("unsafe-inline"), csp);
        assertEquals(Set.of("X-Frame-Options", "Content-Security-Policy", "X-Content-Type-Options"),
                Set.copyOf(List.of(SecurityHeaders.asHeaderLines().split("\r\n")).stream()
                        .map(l -> l.substring(0, l.indexOf(':'))).toList()));
    }
}
