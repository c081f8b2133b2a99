package org.faasj.controlplane.gateway;

import org.faasj.controlplane.routing.RouteTable;
import org.faasj.controlplane.scheduling.WorkerPicker;

/**
 * What every event loop shares: immutable settings and thread-safe collaborators.
 *
 * @param initialBufferSize   a connection's read buffer at first; it doubles while a head is incomplete
 * @param bufferSize          largest per-connection read buffer: the largest head plus room for a body prefix
 * @param headTimeoutNanos    time a client has to send a complete head
 * @param keepAliveNanos      time an idle keep-alive connection is kept
 * @param maxBodyBytes        larger bodies get 413
 * @param handoffGraceNanos   time past a function's timeout before the gateway cuts a connection
 * @param clock               the time every deadline is measured in
 * @param caps                connections held in total and per client
 * @param writeTimeoutNanos   time a client has to take an answer of the gateway's own
 * @param admission           per-function concurrency limits
 * @param records             the invocation records of calls no worker answered
 */
record GatewayContext(
        HttpHeadParser parser,
        RouteTable routes,
        WorkerPicker picker,
        WebRelay relay,
        int initialBufferSize,
        int bufferSize,
        long headTimeoutNanos,
        long keepAliveNanos,
        long maxBodyBytes,
        long handoffGraceNanos,
        NanoClock clock,
        ConnectionCaps caps,
        long writeTimeoutNanos,
        CallAdmission admission,
        GatewayRecords records) {

    /** A context that makes no invocation records (tests). */
    GatewayContext(HttpHeadParser parser, RouteTable routes, WorkerPicker picker, WebRelay relay, int initialBufferSize,
                   int bufferSize, long headTimeoutNanos, long keepAliveNanos, long maxBodyBytes, long handoffGraceNanos,
                   NanoClock clock, ConnectionCaps caps, long writeTimeoutNanos, CallAdmission admission) {
        this(parser, routes, picker, relay, initialBufferSize, bufferSize, headTimeoutNanos, keepAliveNanos,
                maxBodyBytes, handoffGraceNanos, clock, caps, writeTimeoutNanos, admission, GatewayRecords.NONE);
    }
}
