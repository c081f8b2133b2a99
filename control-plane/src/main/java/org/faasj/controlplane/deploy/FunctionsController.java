package org.faasj.controlplane.deploy;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.faasj.controlplane.system.FaasProperties;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartHttpServletRequest;

/**
 * The REST deploy API: {@code /system/functions} and {@code /system/auth}. Writes need the token;
 * reads are open, but show env values only to callers with the token.
 */
@RestController
@RequestMapping("/system")
class FunctionsController {

    private final Deployer deployer;
    private final FunctionCatalog catalog;
    private final AdminToken token;
    private final long maxCodeBytes;

    FunctionsController(Deployer deployer, FunctionCatalog catalog, AdminToken token, FaasProperties properties) {
        this.deployer = deployer;
        this.catalog = catalog;
        this.token = token;
        this.maxCodeBytes = properties.deploy().maxCodeSize().toBytes();
    }

    /** Kept for the console and scripts that ask; the token is always required, on every address. */
    @GetMapping("/auth")
    Map<String, Boolean> auth() {
        return Map.of("tokenRequired", true);
    }

    @PostMapping(path = "/functions", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<FunctionView> create(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                                        MultipartHttpServletRequest request) {
        token.check(authorization);
        DeployUpload upload = DeployUpload.from(request, maxCodeBytes);
        FunctionView created = deployer.create(upload.spec(), upload.code(), AdminToken.callerId(authorization));
        return ResponseEntity.created(URI.create("/system/functions/" + created.name())).body(created);
    }

    @GetMapping("/functions")
    List<FunctionView> list(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        boolean admin = token.refusal(authorization) == null;
        return catalog.all().stream().map(FunctionCatalog.Deployed::view).map(v -> admin ? v : v.redacted()).toList();
    }

    /** A wrong or missing token is not refused here: the caller just gets the redacted view. */
    @GetMapping("/functions/{name}")
    FunctionView get(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                     @PathVariable String name) {
        FunctionView view = catalog.named(name).stream().findFirst().map(FunctionCatalog.Deployed::view)
                .orElseThrow(() -> DeployProblem.notFound(name));
        return token.refusal(authorization) == null ? view : view.redacted();
    }

    @PutMapping(path = "/functions/{name}", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    FunctionView redeploy(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                          @PathVariable String name, MultipartHttpServletRequest request) {
        token.check(authorization);
        DeployUpload upload = DeployUpload.from(request, maxCodeBytes);
        return deployer.redeploy(name, upload.spec(), upload.code(), AdminToken.callerId(authorization));
    }

    @DeleteMapping("/functions/{name}")
    ResponseEntity<Void> delete(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                                @PathVariable String name) {
        token.check(authorization);
        deployer.delete(name);
        return ResponseEntity.noContent().build();
    }
}
