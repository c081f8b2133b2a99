package org.faasj.controlplane.routing;

import java.nio.file.Path;

import org.faasj.model.FunctionDescriptor;

/**
 * A live route: the descriptor as stored, plus its artifact resolved to an absolute path.
 *
 * @param descriptor the function behind the route
 * @param modulePath absolute path of the artifact the worker runs
 */
public record Route(FunctionDescriptor descriptor, Path modulePath) {

    public String method() {
        return descriptor.method();
    }

    public String path() {
        return descriptor.route();
    }

    public String key() {
        return descriptor.routeKey();
    }
}
