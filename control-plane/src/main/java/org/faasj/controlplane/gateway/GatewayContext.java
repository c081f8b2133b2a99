package org.faasj.controlplane.gateway;

import org.faasj.controlplane.routing.RouteTable;
import org.faasj.controlplane.scheduling.WorkerPicker;

/**
 * What every event loop shares: immutable settings and thread-safe collaborators.
 *
 * @param bufferSize          per-connection read buffer: the largest head plus room for a body prefix
 * @param headTimeoutNanos    time a client has to send a complete head
 * @param keepAliveNanos      time an idle keep-alive connection is kept
 * @param maxBodyBytes        larger bodies get 413
 * @param handoffGraceNanos   time past a function's timeout before the gateway cuts a connection
 * @param admission           per-function concurrency limits
 */
record GatewayContext(
        HttpHeadParser parser,
        RouteTable routes,
        WorkerPicker picker,
        WebRelay relay,
        int bufferSize,
        long headTimeoutNanos,
        long keepAliveNanos,
        long maxBodyBytes,
        long handoffGraceNanos,
        CallAdmission admission) {
}
