package org.faasj.controlplane.deploy;

import java.util.Map;

import org.faasj.model.ExecutionMode;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.Network;

/**
 * A validated deploy descriptor. {@code name}, {@code method} and {@code route} are null when the
 * descriptor left them out: the deploy decides (a generated name, or the current route on redeploy).
 */
record DeploySpec(
        String name,
        SourceLanguage language,
        String method,
        String route,
        int memoryMb,
        int timeoutSeconds,
        int tmpMb,
        int processes,
        Network network,
        String handler,
        Map<String, String> env,
        int concurrency,
        ExecutionMode mode,
        int retries) {

    static final String DEFAULT_METHOD = "POST";

    DeploySpec {
        env = Map.copyOf(env);
    }

    static String defaultRoute(String name) {
        return "/api/" + name;
    }

    FunctionDescriptor toDescriptor(String finalName, String finalMethod, String finalRoute, String module, int version) {
        return new FunctionDescriptor(finalName, language.runtime(), finalMethod, finalRoute, module, handler,
                memoryMb, timeoutSeconds, tmpMb, processes, network, env, version, concurrency, mode, retries);
    }
}
