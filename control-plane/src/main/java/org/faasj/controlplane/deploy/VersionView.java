package org.faasj.controlplane.deploy;

import java.time.Instant;

import org.faasj.controlplane.routing.DescriptorJson;
import org.faasj.controlplane.versions.FunctionVersion;

/**
 * One kept version as {@code GET /system/functions/{name}/versions} shows it. {@code function} is
 * the version's descriptor in the same shape (and with the same env redaction) as the function
 * view; artifact paths stay out, as they do there.
 */
record VersionView(int version, boolean active, String codeDigest, String deployedAt, String deployedBy,
                   String buildOutput, FunctionView function) {

    static VersionView of(FunctionVersion v) {
        FunctionView function = FunctionView.of(DescriptorJson.parse(v.routeKey(), v.descriptor()), v.deployedAt() / 1000);
        return new VersionView(v.version(), v.active(), v.codeDigest(), Instant.ofEpochMilli(v.deployedAt()).toString(),
                v.deployedBy(), v.buildOutput(), function);
    }

    VersionView redacted() {
        return new VersionView(version, active, codeDigest, deployedAt, deployedBy, buildOutput, function.redacted());
    }
}
