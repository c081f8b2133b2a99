package org.faasj.controlplane.routing;

/**
 * Paths that belong to the platform itself (console, REST API, actuator) and never to a function.
 * The gateway forwards these to the Spring web layer; the deploy API refuses them as routes. Below
 * {@code /async-function} the gateway looks the rest up as a route (an async call), so no route may
 * live there either.
 */
public final class ReservedPaths {

    private ReservedPaths() {
    }

    public static boolean isReserved(String path) {
        return path.equals("/")
                || path.equals("/upload")
                || path.equals("/index.html")
                || path.equals("/favicon.ico")
                || isUnder(path, "/assets")
                || isUnder(path, "/system")
                || isUnder(path, "/actuator")
                || isUnder(path, "/async-function");
    }

    private static boolean isUnder(String path, String prefix) {
        return path.startsWith(prefix)
                && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }
}
