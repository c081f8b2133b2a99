package org.faasj.controlplane.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.faasj.controlplane.system.FaasProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class LoopbackGuardTest {

    @Test
    void theUidRangeCoversEveryWorkersUidsAndNoBuildUid() {
        FaasProperties.Sandbox sandbox = new Binder(new MapConfigurationPropertySource(Map.of("faas.data-dir", "/tmp/x")))
                .bind("faas", FaasProperties.class).get().sandbox();
        // builds run as uid-base itself (and without a network); worker 3's last uid is base + 4 * 1024
        assertEquals("1500000001-1500004096", LoopbackGuard.uidRange(sandbox, 4));
    }

    @Test
    void loopbackAndTheLinkLocalRangeGoThroughTheChain() {
        assertEquals(List.of(
                List.of("-I", "OUTPUT", "-o", "lo", "-m", "owner", "--uid-owner", "1-9", "-j", "faasj-loopback"),
                List.of("-I", "OUTPUT", "-d", "169.254.0.0/16", "-m", "owner", "--uid-owner", "1-9", "-j", "faasj-loopback")),
                LoopbackGuard.jumps("iptables", "-I", "1-9"));
        assertEquals(List.of("-D", "OUTPUT", "-d", "fe80::/10", "-m", "owner", "--uid-owner", "1-9", "-j", "faasj-loopback"),
                LoopbackGuard.jumps("ip6tables", "-D", "1-9").get(1));
    }

    @Test
    void aPlatformsRuleIsFoundInTheToolsListingAndDeletedAsListed() {
        String line = "-A faasj-loopback -p tcp -m tcp --dport 8080 -m comment --comment faasj-4242 -j ACCEPT";
        LoopbackGuard.MarkedRule rule = LoopbackGuard.MarkedRule.of(line).orElseThrow();
        assertEquals(4242, rule.pid());
        assertEquals(List.of("-D", "faasj-loopback", "-p", "tcp", "-m", "tcp", "--dport", "8080", "-m", "comment",
                "--comment", "faasj-4242", "-j", "ACCEPT"), rule.deletion());

        String quoted = "-A faasj-loopback -p tcp -m tcp --dport 9 -m comment --comment \"faasj-7\" -j ACCEPT";
        assertEquals(List.of("-D", "faasj-loopback", "-p", "tcp", "-m", "tcp", "--dport", "9", "-m", "comment",
                "--comment", "faasj-7", "-j", "ACCEPT"), LoopbackGuard.MarkedRule.of(quoted).orElseThrow().deletion());
    }

    @Test
    void theCommonRulesAndOtherChainsAreNobodysRules() {
        assertTrue(LoopbackGuard.MarkedRule.of("-A faasj-loopback -p udp -m udp --dport 53 -j ACCEPT").isEmpty());
        assertTrue(LoopbackGuard.MarkedRule.of("-A faasj-loopback -j REJECT --reject-with icmp-port-unreachable").isEmpty());
        assertTrue(LoopbackGuard.MarkedRule.of("-A OUTPUT -m comment --comment faasj-1 -j ACCEPT").isEmpty());
        assertTrue(LoopbackGuard.MarkedRule.of("-N faasj-loopback").isEmpty());
    }

    @Test
    void dnsPassesAndEverythingElseEndsInAReject() {
        List<List<String>> rules = LoopbackGuard.commonRules();
        assertEquals(List.of("-A", "faasj-loopback", "-j", "REJECT"), rules.get(rules.size() - 1));
        assertTrue(rules.stream().filter(r -> r.contains("ACCEPT")).allMatch(r -> r.contains("53")), rules.toString());
        assertEquals(List.of("-C", "faasj-loopback", "-j", "REJECT"), LoopbackGuard.checkOf(rules.get(rules.size() - 1)));
        // the platform's own rule goes in front of them
        assertEquals(List.of("-I", "faasj-loopback", "1", "-p", "tcp", "--dport", "8080", "-m", "comment", "--comment",
                "faasj-1", "-j", "ACCEPT"), LoopbackGuard.gatewayRule(8080, "faasj-1"));
    }
}
