package org.faasj.controlplane.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.faasj.controlplane.system.FaasProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Functions with {@code "network": "outbound"} share the host's network namespace, so they could
 * reach every service that listens on the host's own addresses (a database that trusts local
 * connections, a cache without a password, the platform's internal Spring port) and a cloud's
 * metadata service. As root, the guard has the host's firewall (iptables and ip6tables) reject what
 * the sandbox's uids send through the loopback interface, which carries all traffic to the host's
 * own addresses, or to link-local addresses, except to a gateway's port (functions calling
 * functions) and to port 53 (a DNS resolver).
 *
 * <p>Platforms on one host share one chain, {@value #CHAIN}: each adds an accept rule for its
 * gateway's port, marked with its pid, ahead of the chain's common rejects; the last one to stop
 * removes the chain and its jump. Rules of platforms that were killed go at the next start.
 */
@Component
public class LoopbackGuard implements DisposableBean {

    static final String CHAIN = "faasj-loopback";
    private static final Logger log = LoggerFactory.getLogger(LoopbackGuard.class);
    private static final List<String> TOOLS = List.of("iptables", "ip6tables");
    private static final String MARK_PREFIX = "faasj-";
    private static final Pattern MARKED_RULE = Pattern.compile(
            "^-A " + CHAIN + " (.*--comment \"?" + MARK_PREFIX + "(\\d+)\"?.*)$");
    private static final long COMMAND_TIMEOUT_SECONDS = 10;

    private final String mark = MARK_PREFIX + ProcessHandle.current().pid();
    private final List<String> guarded = new ArrayList<>();
    private final String uids;
    private final int gatewayPort;
    private final String state;

    LoopbackGuard(SandboxStatus status, FaasProperties properties) {
        FaasProperties.Sandbox sandbox = properties.sandbox();
        uids = uidRange(sandbox, properties.workers().count());
        gatewayPort = properties.gateway().port();
        if (!sandbox.guardLoopback()) {
            state = "open: turned off by faas.sandbox.guard-loopback=false";
        } else if (status.mode() != SandboxStatus.Mode.ON || !"per-call".equals(status.uid())) {
            state = "open: the sandbox does not give functions uids of their own";
        } else {
            state = guard();
        }
        if (state.startsWith("open")) {
            log.warn("functions with network outbound can reach services on this host's addresses ({})", state);
        }
    }

    /** "closed", or "open: why", for {@code /actuator/health}. */
    public String state() {
        return state;
    }

    /** Every uid a worker's function may run as (builds have no network at all). */
    static String uidRange(FaasProperties.Sandbox sandbox, int workers) {
        return sandbox.workerUidBase(0) + "-" + (sandbox.workerUidBase(workers) - 1);
    }

    /** The chain's common part, made by whichever platform creates it: DNS goes on, the rest is refused. */
    static List<List<String>> commonRules() {
        return List.of(
                List.of("-A", CHAIN, "-p", "udp", "--dport", "53", "-j", "ACCEPT"),
                List.of("-A", CHAIN, "-p", "tcp", "--dport", "53", "-j", "ACCEPT"),
                // a TCP connect fails at once with ECONNREFUSED, anything else is unreachable
                List.of("-A", CHAIN, "-p", "tcp", "-j", "REJECT", "--reject-with", "tcp-reset"),
                List.of("-A", CHAIN, "-j", "REJECT"));
    }

    /** The {@code -C} (is it there?) form of an {@code -A} or {@code -I} rule (one without a position). */
    static List<String> checkOf(List<String> rule) {
        List<String> check = new ArrayList<>(rule);
        check.set(0, "-C");
        return check;
    }

    /** Adds the rule unless it is there already. */
    private static void ensure(String tool, List<String> rule) throws IOException {
        if (!tryRun(tool, checkOf(rule))) {
            run(tool, rule);
        }
    }

    /** This platform's own rule, first in the chain (port 0, an unbound gateway, matches nothing). */
    static List<String> gatewayRule(int port, String mark) {
        return List.of("-I", CHAIN, "1", "-p", "tcp", "--dport", Integer.toString(port),
                "-m", "comment", "--comment", mark, "-j", "ACCEPT");
    }

    /**
     * What goes through the chain: the loopback interface (every address of this host) and the
     * link-local range, where clouds answer with the host's credentials (169.254.169.254).
     */
    static List<List<String>> jumps(String tool, String action, String uidRange) {
        List<String> owner = List.of("-m", "owner", "--uid-owner", uidRange, "-j", CHAIN);
        String linkLocal = tool.equals("ip6tables") ? "fe80::/10" : "169.254.0.0/16";
        List<List<String>> jumps = new ArrayList<>();
        for (List<String> match : List.of(List.of("-o", "lo"), List.of("-d", linkLocal))) {
            List<String> rule = new ArrayList<>(List.of(action, "OUTPUT"));
            rule.addAll(match);
            rule.addAll(owner);
            jumps.add(rule);
        }
        return jumps;
    }

    /** A rule of {@code tool -S} output that belongs to a platform, with that platform's pid. */
    record MarkedRule(long pid, String spec) {

        static Optional<MarkedRule> of(String line) {
            Matcher m = MARKED_RULE.matcher(line.trim());
            return m.matches() ? Optional.of(new MarkedRule(Long.parseLong(m.group(2)), m.group(1))) : Optional.empty();
        }

        List<String> deletion() {
            List<String> args = new ArrayList<>(List.of("-D", CHAIN));
            for (String word : spec.split(" ")) {
                args.add(word.replace("\"", ""));
            }
            return args;
        }
    }

    private String guard() {
        List<String> failures = new ArrayList<>();
        for (String tool : TOOLS) {
            try {
                tryRun(tool, List.of("-N", CHAIN)); // there already when another platform runs
                for (List<String> rule : commonRules()) {
                    // checked one by one: a chain left flushed (its removal refused) must not stay open
                    ensure(tool, rule);
                }
                removeRulesOf(tool, pid -> !ProcessHandle.of(pid).isPresent());
                run(tool, gatewayRule(gatewayPort, mark));
                guarded.add(tool);
                for (List<String> jump : jumps(tool, "-I", uids)) {
                    ensure(tool, jump);
                }
            } catch (IOException | RuntimeException e) {
                failures.add(tool + ": " + e.getMessage());
            }
        }
        if (failures.isEmpty()) {
            log.info("functions (uids {}) cannot reach this host's addresses but for gateway port {} and DNS",
                    uids, gatewayPort);
            return "closed";
        }
        return "open: " + String.join("; ", failures);
    }

    @Override
    public void destroy() {
        long self = ProcessHandle.current().pid();
        for (String tool : guarded) {
            try {
                if (removeRulesOf(tool, pid -> pid == self) == 0) { // nobody else's: the chain goes
                    for (List<String> jump : jumps(tool, "-D", uids)) {
                        while (tryRun(tool, jump)) {
                            // one per uid range; ours can have been added twice by two starts at once
                        }
                    }
                    run(tool, List.of("-F", CHAIN));
                    tryRun(tool, List.of("-X", CHAIN)); // refused while another range still jumps to it
                }
            } catch (IOException | RuntimeException e) {
                log.warn("could not take the loopback rules out of {}: {}", tool, e.getMessage());
            }
        }
    }

    /** Deletes the marked rules whose pid matches; returns how many marked rules are left. */
    private static int removeRulesOf(String tool, LongPredicate which) throws IOException {
        int left = 0;
        for (String line : run(tool, List.of("-S", CHAIN)).split("\n")) {
            Optional<MarkedRule> rule = MarkedRule.of(line);
            if (rule.isEmpty()) {
                continue;
            }
            if (which.test(rule.get().pid())) {
                run(tool, rule.get().deletion());
            } else {
                left++;
            }
        }
        return left;
    }

    private static boolean tryRun(String tool, List<String> args) throws IOException {
        try {
            run(tool, args);
            return true;
        } catch (CommandFailed e) {
            return false;
        }
    }

    private static String run(String tool, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(tool, "-w", "5"));
        command.addAll(args);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            throw new IOException(tool + " is not installed", notInstalled);
        }
        try {
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.exitValue() != 0) {
            throw new CommandFailed(tool + " " + String.join(" ", args) + ": " + output);
        }
        return output;
    }

    /** The tool ran and said no (a rule that is not there, a chain that exists). */
    private static final class CommandFailed extends IOException {
        CommandFailed(String message) {
            super(message);
        }
    }
}
