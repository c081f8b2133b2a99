package org.faasj.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HandoffFrameTest {

    private static HandoffFrame frame(int tmpMb, int processes, Network network) {
        return new HandoffFrame(42, true, "img", 3, FunctionRuntime.NATIVE, "/data/functions/img/3/module.bin", "main",
                96, 7000, tmpMb, processes, network, Map.of("MODE", "fast"), "POST", "/api/img", "a=1",
                List.of(new HttpHeader("Content-Type", "image/png"), new HttpHeader("X-Id", "r1")), 10,
                "abc".getBytes(StandardCharsets.UTF_8));
    }

    /** The payload after the 4-byte length prefix, as the worker reads it. */
    private static ByteBuffer payload(byte[] encoded) {
        assertEquals(encoded.length - 4, ByteBuffer.wrap(encoded).getInt());
        return ByteBuffer.wrap(encoded, 4, encoded.length - 4);
    }

    @Test
    void roundTripKeepsEveryField() {
        HandoffFrame original = frame(32, 8, Network.NONE);

        HandoffFrame decoded = HandoffFrame.decode(payload(original.encode()));

        assertEquals(32, decoded.tmpMb());
        assertEquals(8, decoded.processes());
        assertEquals(Network.NONE, decoded.network());
        assertArrayEquals(original.bodyPrefix(), decoded.bodyPrefix());
        // records compare arrays by identity: put the same body in to compare everything else
        assertEquals(original, withBody(decoded, original.bodyPrefix()));
    }

    @ParameterizedTest
    @EnumSource(Network.class)
    void everyNetworkSurvivesTheRoundTrip(Network network) {
        HandoffFrame decoded = HandoffFrame.decode(payload(frame(1, 4096, network).encode()));

        assertEquals(network, decoded.network());
        assertEquals(1, decoded.tmpMb());
        assertEquals(4096, decoded.processes());
    }

    @Test
    void aFrameWithTheOldMagicIsRefused() {
        byte[] encoded = frame(64, 64, Network.OUTBOUND).encode();
        ByteBuffer.wrap(encoded).putInt(4, 0x46414A31); // "FAJ1", the format before the sandbox fields

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HandoffFrame.decode(payload(encoded)));
        assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
    }

    @Test
    void aFrameWithTheMagicFromBeforeChunkedBodiesIsRefused() {
        byte[] encoded = frame(64, 64, Network.OUTBOUND).encode();
        ByteBuffer.wrap(encoded).putInt(4, 0x46414A32); // "FAJ2": no chunked flag at the end

        assertThrows(IllegalArgumentException.class, () -> HandoffFrame.decode(payload(encoded)));
    }

    @Test
    void theChunkedFlagSurvivesTheRoundTripAndDecodingDropsTransferEncoding() {
        HandoffFrame f = frame(64, 64, Network.OUTBOUND);
        List<HttpHeader> headers = List.of(new HttpHeader("Transfer-Encoding", "chunked"), new HttpHeader("X-Id", "r1"));
        HandoffFrame chunked = new HandoffFrame(f.requestId(), f.keepAlive(), f.functionName(), f.functionVersion(),
                f.runtime(), f.modulePath(), f.handler(), f.memoryMb(), f.timeoutMillis(), f.tmpMb(), f.processes(),
                f.network(), f.env(), f.method(), f.path(), f.query(), headers, 0, f.bodyPrefix(), true, f.callId());

        HandoffFrame decoded = HandoffFrame.decode(payload(chunked.encode()));
        assertTrue(decoded.chunked());
        assertTrue(!HandoffFrame.decode(payload(f.encode())).chunked());

        HandoffFrame plain = decoded.decoded(12345);
        assertEquals(12345, plain.contentLength());
        assertTrue(!plain.chunked());
        assertEquals(List.of(new HttpHeader("X-Id", "r1")), plain.headers());
        assertEquals(0, plain.bodyPrefix().length);
    }

    @Test
    void theGatewayQueueWaitSurvivesTheRoundTripAndDecoding() {
        HandoffFrame f = frame(64, 64, Network.OUTBOUND);
        HandoffFrame waited = new HandoffFrame(f.requestId(), f.keepAlive(), f.functionName(), f.functionVersion(),
                f.runtime(), f.modulePath(), f.handler(), f.memoryMb(), f.timeoutMillis(), f.tmpMb(), f.processes(),
                f.network(), f.env(), f.method(), f.path(), f.query(), f.headers(), f.contentLength(), f.bodyPrefix(),
                false, f.callId(), 1_234_567L);

        HandoffFrame decoded = HandoffFrame.decode(payload(waited.encode()));
        assertEquals(1_234_567L, decoded.queueWaitMicros());
        assertEquals(1_234_567L, decoded.decoded(5).queueWaitMicros());
        assertEquals(0, HandoffFrame.decode(payload(f.encode())).queueWaitMicros(), "not parked: 0");
    }

    @Test
    void aFrameWithTheMagicFromBeforeTheQueueWaitIsRefused() {
        byte[] encoded = frame(64, 64, Network.OUTBOUND).encode();
        ByteBuffer.wrap(encoded).putInt(4, 0x46414A34); // "FAJ4": no queue wait at the end

        assertThrows(IllegalArgumentException.class, () -> HandoffFrame.decode(payload(encoded)));
    }

    @Test
    void aFrameWithTheMagicFromBeforeCallIdsIsRefused() {
        byte[] encoded = frame(64, 64, Network.OUTBOUND).encode();
        ByteBuffer.wrap(encoded).putInt(4, 0x46414A33); // "FAJ3": no call id at the end

        assertThrows(IllegalArgumentException.class, () -> HandoffFrame.decode(payload(encoded)));
    }

    @Test
    void theCallIdSurvivesTheRoundTripAndDecodingKeepsIt() {
        HandoffFrame f = withCallId(frame(64, 64, Network.OUTBOUND), "k3x9qd2a-1-2s");

        HandoffFrame decoded = HandoffFrame.decode(payload(f.encode()));

        assertEquals("k3x9qd2a-1-2s", decoded.callId());
        assertEquals("k3x9qd2a-1-2s", decoded.decoded(3).callId());
    }

    @Test
    void aFrameMadeWithoutACallIdGetsOneFromItsRequestId() {
        assertEquals("r16", frame(64, 64, Network.OUTBOUND).callId()); // 42 in base 36
    }

    @Test
    void aMalformedCallIdIsRefusedWhenBuiltAndWhenDecoded() {
        HandoffFrame f = frame(64, 64, Network.OUTBOUND);
        assertThrows(IllegalArgumentException.class, () -> withCallId(f, "bad\r\nSet-Cookie: x"));
        assertThrows(IllegalArgumentException.class, () -> withCallId(f, null));

        // same length as the good id, so only its content is wrong
        byte[] encoded = withCallId(f, "abc-def").encode();
        byte[] id = "abc-def".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy("abc def".getBytes(StandardCharsets.US_ASCII), 0, encoded, indexOf(encoded, id), id.length);
        assertThrows(IllegalArgumentException.class, () -> HandoffFrame.decode(payload(encoded)));
    }

    @Test
    void anUnknownNetworkIsRefused() {
        byte[] encoded = frame(64, 64, Network.NONE).encode();
        byte[] none = "NONE".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(encoded, none);
        System.arraycopy("NOPE".getBytes(StandardCharsets.US_ASCII), 0, encoded, at, none.length);

        assertThrows(IllegalArgumentException.class, () -> HandoffFrame.decode(payload(encoded)));
    }

    @Test
    void aTruncatedFrameIsRefused() {
        byte[] encoded = frame(64, 64, Network.OUTBOUND).encode();
        // cut inside the sandbox fields: magic, id, keep-alive and the strings before them are complete
        byte[] cut = Arrays.copyOf(encoded, indexOf(encoded, "OUTBOUND".getBytes(StandardCharsets.US_ASCII)) - 6);

        assertThrows(RuntimeException.class, () -> HandoffFrame.decode(ByteBuffer.wrap(cut, 4, cut.length - 4)));
    }

    private static HandoffFrame withBody(HandoffFrame f, byte[] body) {
        return new HandoffFrame(f.requestId(), f.keepAlive(), f.functionName(), f.functionVersion(), f.runtime(),
                f.modulePath(), f.handler(), f.memoryMb(), f.timeoutMillis(), f.tmpMb(), f.processes(), f.network(),
                f.env(), f.method(), f.path(), f.query(), f.headers(), f.contentLength(), body, f.chunked(), f.callId());
    }

    private static HandoffFrame withCallId(HandoffFrame f, String callId) {
        return new HandoffFrame(f.requestId(), f.keepAlive(), f.functionName(), f.functionVersion(), f.runtime(),
                f.modulePath(), f.handler(), f.memoryMb(), f.timeoutMillis(), f.tmpMb(), f.processes(), f.network(),
                f.env(), f.method(), f.path(), f.query(), f.headers(), f.contentLength(), f.bodyPrefix(), f.chunked(),
                callId);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not in the frame: " + new String(needle, StandardCharsets.US_ASCII));
    }

    @Test
    void theModeAndConcurrencySurviveTheRoundTripAndDecoding() {
        HandoffFrame f = frame(64, 64, Network.OUTBOUND);
        HandoffFrame handler = new HandoffFrame(f.requestId(), f.keepAlive(), f.functionName(), f.functionVersion(),
                f.runtime(), f.modulePath(), f.handler(), f.memoryMb(), f.timeoutMillis(), f.tmpMb(), f.processes(),
                f.network(), f.env(), f.method(), f.path(), f.query(), f.headers(), f.contentLength(), f.bodyPrefix(),
                false, f.callId(), 0, ExecutionMode.HANDLER, 3);

        HandoffFrame decoded = HandoffFrame.decode(payload(handler.encode()));
        assertEquals(ExecutionMode.HANDLER, decoded.mode());
        assertEquals(3, decoded.concurrency());
        assertEquals(ExecutionMode.HANDLER, decoded.decoded(5).mode());
        assertEquals(ExecutionMode.PROCESS, HandoffFrame.decode(payload(f.encode())).mode(), "the default");
    }

    @Test
    void aFrameWithTheMagicFromBeforeTheModeIsRefused() {
        byte[] encoded = frame(64, 64, Network.OUTBOUND).encode();
        ByteBuffer.wrap(encoded).putInt(4, 0x46414A35); // "FAJ5": no mode at the end

        assertThrows(IllegalArgumentException.class, () -> HandoffFrame.decode(payload(encoded)));
    }

    @Test
    void theAttemptSurvivesTheRoundTripAndDecoding() {
        HandoffFrame retried = withAttempt(frame(64, 64, Network.OUTBOUND), 3);

        HandoffFrame decoded = HandoffFrame.decode(payload(retried.encode()));
        assertEquals(3, decoded.attempt());
        assertEquals(3, decoded.decoded(5).attempt());
        assertEquals(1, HandoffFrame.decode(payload(frame(64, 64, Network.OUTBOUND).encode())).attempt(),
                "a client's own call is its first attempt");
    }

    @Test
    void anAttemptBelowOneIsRefused() {
        HandoffFrame f = frame(64, 64, Network.OUTBOUND);
        assertThrows(IllegalArgumentException.class, () -> withAttempt(f, 0));

        byte[] encoded = f.encode();
        ByteBuffer.wrap(encoded).putInt(encoded.length - 4, -2); // the attempt is the last field
        assertThrows(IllegalArgumentException.class, () -> HandoffFrame.decode(payload(encoded)));
    }

    @Test
    void aFrameWithTheMagicFromBeforeTheAttemptIsRefused() {
        byte[] encoded = frame(64, 64, Network.OUTBOUND).encode();
        ByteBuffer.wrap(encoded).putInt(4, 0x46414A36); // "FAJ6": no attempt at the end

        assertThrows(IllegalArgumentException.class, () -> HandoffFrame.decode(payload(encoded)));
    }

    private static HandoffFrame withAttempt(HandoffFrame f, int attempt) {
        return new HandoffFrame(f.requestId(), f.keepAlive(), f.functionName(), f.functionVersion(), f.runtime(),
                f.modulePath(), f.handler(), f.memoryMb(), f.timeoutMillis(), f.tmpMb(), f.processes(), f.network(),
                f.env(), f.method(), f.path(), f.query(), f.headers(), f.contentLength(), f.bodyPrefix(), f.chunked(),
                f.callId(), f.queueWaitMicros(), f.mode(), f.concurrency(), attempt);
    }
}
