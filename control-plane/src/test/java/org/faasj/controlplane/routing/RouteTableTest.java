package org.faasj.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.faasj.model.FunctionDescriptor;
import org.faasj.model.FunctionRuntime;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private static Route route(String name, String method, String path) {
        return new Route(new FunctionDescriptor(name, FunctionRuntime.PHP, method, path, name + ".php", null,
                128, 10, 64, 64, null, null, 1), Path.of("/fn/" + name + ".php"));
    }

    @Test
    void aFunctionIsKnownWhileOneOfItsRoutesIs() {
        RouteTable routes = new RouteTable();
        routes.put(route("hello", "GET", "/hello"));
        routes.put(route("hello", "POST", "/hello"));

        assertThat(routes.hasFunction("hello")).isTrue();
        assertThat(routes.hasFunction("other")).isFalse();

        routes.remove("GET", "/hello");
        assertThat(routes.hasFunction("hello")).isTrue();
        routes.remove("POST", "/hello");
        assertThat(routes.hasFunction("hello")).isFalse();
    }
}
