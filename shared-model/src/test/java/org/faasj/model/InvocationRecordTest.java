package org.faasj.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class InvocationRecordTest {

    private static InvocationRecord record(String callId, String stderr) {
        return new InvocationRecord(callId, "hello", 3, 1, 1_700_000_000_000L, 1234, 56, 200,
                InvocationOutcome.OK, 0, true, 789, 2048, stderr);
    }

    @Test
    void aBatchSurvivesTheWire() {
        List<InvocationRecord> batch = List.of(record("a-1", "warn: ünïcode\nsecond line"), record("a-2", ""));
        byte[] bytes = InvocationRecord.encodeBatch(batch);
        assertEquals(batch, InvocationRecord.decodeBatch(ByteBuffer.wrap(bytes)));
        assertTrue(bytes.length <= batch.get(0).encodedSize() + batch.get(1).encodedSize() + 8);
    }

    @Test
    void nullStderrBecomesEmpty() {
        assertEquals("", record("a-1", null).stderr());
    }

    @Test
    void somethingElseIsRefused() {
        byte[] bytes = InvocationRecord.encodeBatch(List.of(record("a-1", "x")));
        assertThrows(IllegalArgumentException.class,
                () -> InvocationRecord.decodeBatch(ByteBuffer.wrap(Arrays.copyOf(bytes, bytes.length - 3))));
        bytes[0] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> InvocationRecord.decodeBatch(ByteBuffer.wrap(bytes)));
        assertThrows(IllegalArgumentException.class, () -> InvocationRecord.decodeBatch(ByteBuffer.wrap(new byte[3])));
    }

    @Test
    void outcomeLabelsRoundTrip() {
        for (InvocationOutcome o : InvocationOutcome.values()) {
            assertEquals(o, InvocationOutcome.ofLabel(o.label()));
        }
        assertEquals("rejected_429", InvocationOutcome.REJECTED_429.label());
    }
}
