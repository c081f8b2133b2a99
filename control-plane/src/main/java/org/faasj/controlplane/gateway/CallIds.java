package org.faasj.controlplane.gateway;

import java.security.SecureRandom;

import org.faasj.model.CallId;

/**
 * Gives every call its id ({@link CallId}): the client's {@code X-Call-Id} when it is well-formed,
 * else a new one. A new id costs no lock, no random draw and no shared counter: it is a prefix drawn
 * once per process, the event loop's index and the loop's own request sequence (both already in the
 * request id), e.g. {@code k3x9qd2a-0-1z}. Only calls get one (hand-offs and a function's 429s), so
 * the gateway's own answers (404 and the like) pay nothing.
 */
final class CallIds {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
    /** 40 random bits: ids of two runs of the platform collide only if their prefixes do. */
    private static final String PROCESS_PREFIX = randomPrefix(8);
    private static final long SEQUENCE_BITS = 0x00FF_FFFF_FFFF_FFFFL;

    private CallIds() {
    }

    /** The id of the call this head asks for, given the request id the loop drew for it. */
    static String forCall(RequestHead head, long requestId) {
        String given = head.header(CallId.HEADER);
        return CallId.isWellFormed(given) ? given : generated(PROCESS_PREFIX, requestId);
    }

    static String generated(String prefix, long requestId) {
        return prefix + Integer.toString(InFlightCalls.loopOf(requestId), 36) + '-'
                + Long.toString(requestId & SEQUENCE_BITS, 36);
    }

    static String processPrefix() {
        return PROCESS_PREFIX;
    }

    private static String randomPrefix(int length) {
        SecureRandom random = new SecureRandom();
        StringBuilder prefix = new StringBuilder(length + 1);
        for (int i = 0; i < length; i++) {
            prefix.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return prefix.append('-').toString();
    }
}
