package org.faasj.controlplane.deploy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.faasj.controlplane.system.FaasProperties;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.multipart.MultipartHttpServletRequest;

/**
 * {@code POST /upload} as the original platform answered it, so existing scripts keep working:
 * {@code {"status":"success","uri":"/api/<id>","method":"POST",...}}.
 */
@Controller
class UploadController {

    private final Deployer deployer;
    private final AdminToken token;
    private final long maxCodeBytes;

    UploadController(Deployer deployer, AdminToken token, FaasProperties properties) {
        this.deployer = deployer;
        this.token = token;
        this.maxCodeBytes = properties.deploy().maxCodeSize().toBytes();
    }

    @PostMapping(path = "/upload", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @ResponseBody
    Map<String, Object> upload(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                               MultipartHttpServletRequest request) {
        token.check(authorization);
        DeployUpload upload = DeployUpload.from(request, maxCodeBytes);
        FunctionView f = deployer.create(upload.spec(), upload.code(), AdminToken.callerId(authorization));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "success");
        answer.put("uri", f.uri());
        answer.put("method", f.method());
        answer.put("name", f.name());
        answer.put("runtime", upload.spec().language().id()); // as uploaded (c, cpp, ...), like the original
        answer.put("version", f.version());
        answer.put("memory", f.memory());
        answer.put("timeout", f.timeout());
        answer.put("tmp", f.tmp());
        answer.put("processes", f.processes());
        answer.put("network", f.network());
        answer.put("handler", f.handler());
        answer.put("deployedAt", f.deployedAt());
        return answer;
    }
}
