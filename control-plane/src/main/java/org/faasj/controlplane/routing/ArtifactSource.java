package org.faasj.controlplane.routing;

/**
 * Makes sure a route's artifact is on this node's disk before the route is served. On one box the
 * deploy put it there; in a cluster another node may have built it, and it is fetched from the store.
 */
public interface ArtifactSource {

    /** Artifacts are only ever local: nothing to fetch. */
    ArtifactSource LOCAL = route -> true;

    /**
     * Called by the route sync, never on the request path.
     *
     * @return whether the route's artifact is now present (false: keep serving what was there before)
     */
    boolean ensurePresent(Route route);
}
