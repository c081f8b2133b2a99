package org.faasj.worker.handler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.faasj.model.ExecutionMode;
import org.faasj.model.FunctionRuntime;
import org.faasj.model.HandoffFrame;
import org.faasj.model.HttpHeader;
import org.faasj.model.Network;
import org.junit.jupiter.api.Test;

class HandlerProtocolTest {

    private static HandoffFrame frame(List<HttpHeader> headers, String query) {
        return new HandoffFrame(1, true, "f", 1, FunctionRuntime.PHP, "/m.php", "main", 128, 1000, 64, 64, Network.OUTBOUND,
                Map.of(), "POST", "/api/f", query, headers, 3, new byte[0], false, "call-1", 0,
                ExecutionMode.HANDLER, 0, 2);
    }

    @Test
    void aRequestIsItsHeadThenItsBodyEachBehindABigEndianLength() {
        byte[] body = {1, 2, 3};
        byte[] bytes = HandlerProtocol.request(frame(List.of(new HttpHeader("X-A", "1"), new HttpHeader("x-a", "2"),
                new HttpHeader("Content-Type", "application/json")), "a=1&b=2"), body);

        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte[] head = new byte[in.getInt()];
        in.get(head);
        String json = new String(head, StandardCharsets.UTF_8);
        assertEquals("{\"method\":\"POST\",\"path\":\"/api/f\",\"query\":\"a=1&b=2\",\"headers\":{\"x-a\":\"1, 2\","
                + "\"content-type\":\"application/json\"},\"callId\":\"call-1\",\"attempt\":2}", json);
        byte[] rest = new byte[in.getInt()];
        in.get(rest);
        assertArrayEquals(body, rest);
        assertFalse(in.hasRemaining());
    }

    @Test
    void aNullQueryIsSentEmpty() {
        byte[] bytes = HandlerProtocol.request(frame(List.of(), null), new byte[0]);
        assertTrue(new String(bytes, StandardCharsets.UTF_8).contains("\"query\":\"\""));
    }

    @Test
    void anAnswerCarriesStatusHeadersAndBody() {
        HandlerProtocol.Answer a = HandlerProtocol.answer(utf8(
                "{\"status\":201,\"headers\":{\"X-A\":\"b\",\"Location\":\"/x\"},\"body\":\"héllo\",\"base64\":false,\"raw\":true}"));
        assertNull(a.failure());
        assertEquals(201, a.status());
        assertEquals(List.of(new HttpHeader("X-A", "b"), new HttpHeader("Location", "/x")), a.headers());
        assertArrayEquals("héllo".getBytes(StandardCharsets.UTF_8), a.body());
        assertTrue(a.raw());
    }

    @Test
    void aBase64BodyIsDecoded() {
        byte[] binary = {(byte) 0xff, 0, (byte) 0x80};
        HandlerProtocol.Answer a = HandlerProtocol.answer(utf8("{\"status\":200,\"body\":\""
                + Base64.getEncoder().encodeToString(binary) + "\",\"base64\":true}"));
        assertArrayEquals(binary, a.body());
    }

    @Test
    void headersThatCouldSplitTheResponseOrThatTheWorkerOwnsAreDropped() {
        HandlerProtocol.Answer a = HandlerProtocol.answer(utf8("{\"status\":200,\"headers\":{\"X-Bad\":\"a\\r\\nSet-Cookie: x\","
                + "\"Content-Length\":\"5\",\"X-Call-Id\":\"forged\",\"Bad Name\":\"v\",\"X-Num\":5,\"X-Ok\":\"fine\"},\"body\":\"\"}"));
        assertEquals(List.of(new HttpHeader("X-Ok", "fine")), a.headers());
    }

    @Test
    void anExceptionAnswerIsAFailure() {
        HandlerProtocol.Answer a = HandlerProtocol.answer(utf8(
                "{\"status\":500,\"exception\":true,\"error\":\"uncaught ValueError in the handler\"}"));
        assertEquals("uncaught ValueError in the handler", a.failure());
    }

    @Test
    void malformedAnswersAndBadStatusesAreFailuresNotExceptions() {
        assertTrue(HandlerProtocol.answer(utf8("not json")).failure().contains("malformed"));
        assertTrue(HandlerProtocol.answer(utf8("[1]")).failure().contains("not a JSON object"));
        assertTrue(HandlerProtocol.answer(utf8("{\"status\":99,\"body\":\"\"}")).failure().contains("invalid status 99"));
        assertTrue(HandlerProtocol.answer(utf8("{\"status\":\"200\"}")).failure().contains("invalid status"));
        assertTrue(HandlerProtocol.answer(utf8("{\"status\":200,\"body\":\"!!\",\"base64\":true}")).failure() != null);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
