package org.faasj.controlplane.deploy;

import java.util.List;
import java.util.Optional;

import org.faasj.controlplane.versions.VersionStore;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A function's kept versions and the rollback between them. Reading is open (env values only with
 * the token, as for the function itself); rolling back needs the token like any deploy.
 */
@RestController
@RequestMapping("/system/functions/{name}")
class VersionsController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Deployer deployer;
    private final FunctionCatalog catalog;
    private final VersionStore versions;
    private final AdminToken token;

    VersionsController(Deployer deployer, FunctionCatalog catalog, VersionStore versions, AdminToken token) {
        this.deployer = deployer;
        this.catalog = catalog;
        this.versions = versions;
        this.token = token;
    }

    /** Newest first, the active one flagged. */
    @GetMapping("/versions")
    List<VersionView> list(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                           @PathVariable String name) {
        if (catalog.named(name).isEmpty()) {
            throw DeployProblem.notFound(name);
        }
        boolean admin = token.refusal(authorization) == null;
        return versions.list(name).stream().map(VersionView::of).map(v -> admin ? v : v.redacted()).toList();
    }

    /** An empty body goes back to the newest kept version before the active one; {@code {"version": N}} to N. */
    @PostMapping("/rollback")
    FunctionView rollback(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                          @PathVariable String name, @RequestBody(required = false) String body) {
        token.check(authorization);
        return deployer.rollback(name, target(body));
    }

    /** @throws DeployProblem 400 for a body that is not JSON, 422 for JSON without a usable version */
    static Optional<Integer> target(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (JacksonException e) {
            throw DeployProblem.invalid("version", "the body is not JSON; send nothing or {\"version\": N}");
        }
        if (tree == null || !tree.isObject()) {
            throw DeployProblem.unprocessable("version", "the body must be a JSON object such as {\"version\": 3}");
        }
        if (tree.isEmpty()) {
            return Optional.empty();
        }
        JsonNode version = tree.get("version");
        if (version == null || tree.size() != 1) {
            throw DeployProblem.unprocessable("version", "the only field taken is \"version\"");
        }
        if (!version.isIntegralNumber() || !version.canConvertToInt() || version.asInt() < 1) {
            throw DeployProblem.unprocessable("version", "\"version\" must be a whole number of at least 1, not " + version);
        }
        return Optional.of(version.asInt());
    }
}
