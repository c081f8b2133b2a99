package org.faasj.controlplane.cluster;

import java.util.List;

import org.faasj.controlplane.deploy.AdminToken;
import org.faasj.controlplane.system.ApiProblems;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /system/nodes}: the cluster's nodes, with whether each still beats. Needs the admin token. */
@RestController
class NodesController {

    private final NodeRegistry registry;
    private final AdminToken token;

    NodesController(NodeRegistry registry, AdminToken token) {
        this.registry = registry;
        this.token = token;
    }

    @GetMapping("/system/nodes")
    List<NodeRegistry.NodeView> nodes(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        ApiProblems.requireToken(token, authorization);
        return registry.list();
    }
}
