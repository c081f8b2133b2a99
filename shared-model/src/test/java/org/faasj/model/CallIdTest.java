package org.faasj.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "order-17", "3f2b9c1e-8a4d-4c1b-9e0a-7d6c5b4a3f21", "svc.checkout_v2", "A.B-c_9"})
    void safeIdsAreKept(String id) {
        assertTrue(CallId.isWellFormed(id), id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "two words", "a/b", "a:b", "x\r\nSet-Cookie: y", "é", "a\u0000b", "{json}",
            "semi;colon", "quote\""})
    void idsUnsafeInAHeaderAnEnvironmentOrALogAreNot(String id) {
        assertFalse(CallId.isWellFormed(id), id);
    }

    @Test
    void theLengthIsOneToSixtyFour() {
        assertTrue(CallId.isWellFormed("x".repeat(64)));
        assertFalse(CallId.isWellFormed("x".repeat(65)));
        assertFalse(CallId.isWellFormed(null));
    }
}
