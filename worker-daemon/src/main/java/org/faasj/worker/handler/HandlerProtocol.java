package org.faasj.worker.handler;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.faasj.model.HandoffFrame;
import org.faasj.model.HttpHeader;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * The frames between the worker and a handler process (see the bootstraps in resources
 * {@code handler/}). Lengths are u32 big endian, which PHP's {@code pack('N')} and Python's
 * {@code struct '>I'} write without thought. A request is the length and JSON of its head
 * ({@code method, path, query, headers, callId, attempt}; header names lower-cased, repeated ones joined
 * with ", "), then the length and bytes of its body. An answer is the length and JSON of
 * {@code {status, headers, body, base64, raw, exception, error}}.
 */
final class HandlerProtocol {

    /** The worker writes these itself; a handler cannot set them. */
    private static final Set<String> RESERVED_HEADERS = Set.of("content-length", "connection", "transfer-encoding",
            "keep-alive", "x-faas-worker", "x-call-id");
    private static final JsonFactory FACTORY = new JsonFactory();

    /** What a handler process answered. {@code failure} non-null: it failed (and exits); status and body mean nothing. */
    record Answer(int status, List<HttpHeader> headers, byte[] body, boolean raw, String failure) {

        static Answer failed(String why) {
            return new Answer(500, List.of(), new byte[0], false, why);
        }
    }

    private HandlerProtocol() {
    }

    /** The request frame for this call: head and body, each behind its length. */
    static byte[] request(HandoffFrame frame, byte[] body) {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(head)) {
            g.writeStartObject();
            g.writeStringProperty("method", frame.method());
            g.writeStringProperty("path", frame.path());
            g.writeStringProperty("query", frame.query() == null ? "" : frame.query());
            g.writeName("headers");
            g.writeStartObject();
            for (Map.Entry<String, String> h : headerMap(frame.headers()).entrySet()) {
                g.writeStringProperty(h.getKey(), h.getValue());
            }
            g.writeEndObject();
            g.writeStringProperty("callId", frame.callId());
            g.writeNumberProperty("attempt", frame.attempt());
            g.writeEndObject();
        }
        ByteBuffer out = ByteBuffer.allocate(8 + head.size() + body.length);
        out.putInt(head.size()).put(head.toByteArray()).putInt(body.length).put(body);
        return out.array();
    }

    static Map<String, String> headerMap(List<HttpHeader> headers) {
        Map<String, String> map = new LinkedHashMap<>();
        for (HttpHeader h : headers) {
            map.merge(h.name().toLowerCase(Locale.ROOT), h.value(), (a, b) -> a + ", " + b);
        }
        return map;
    }

    /** Reads an answer's JSON; anything malformed is a failed answer, never an exception. */
    static Answer answer(byte[] json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Answer.failed("the handler process sent an answer that is not a JSON object");
            }
            int status = 200;
            List<HttpHeader> headers = List.of();
            String body = "";
            boolean base64 = false;
            boolean raw = false;
            boolean exception = false;
            String error = null;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "status" -> status = value == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1;
                    case "headers" -> headers = headers(p, value);
                    case "body" -> body = value == JsonToken.VALUE_STRING ? p.getString() : "";
                    case "base64" -> base64 = value == JsonToken.VALUE_TRUE;
                    case "raw" -> raw = value == JsonToken.VALUE_TRUE;
                    case "exception" -> exception = value == JsonToken.VALUE_TRUE;
                    case "error" -> error = value == JsonToken.VALUE_STRING ? p.getString() : null;
                    default -> p.skipChildren();
                }
            }
            if (exception) {
                return Answer.failed(error == null ? "the handler failed" : error);
            }
            if (status < 100 || status > 599) {
                return Answer.failed("the handler set an invalid status " + status);
            }
            byte[] bytes = base64 ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
            return new Answer(status, headers, bytes, raw, null);
        } catch (JacksonException | IllegalArgumentException e) {
            return Answer.failed("the handler process sent a malformed answer: " + e.getMessage());
        }
    }

    /** An object of string values; names and values that cannot go into a response head are dropped. */
    private static List<HttpHeader> headers(JsonParser p, JsonToken start) {
        if (start != JsonToken.START_OBJECT) {
            p.skipChildren();
            return List.of();
        }
        List<HttpHeader> headers = new ArrayList<>();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (value != JsonToken.VALUE_STRING) {
                p.skipChildren();
                continue;
            }
            String text = p.getString();
            if (isToken(name) && isFieldValue(text) && !RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                headers.add(new HttpHeader(name, text));
            }
        }
        return headers;
    }

    private static boolean isToken(String name) {
        if (name.isEmpty() || name.length() > 256) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** No CR, LF or NUL (response splitting), and only what a header can carry. */
    private static boolean isFieldValue(String value) {
        if (value.length() > 8192) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                return false;
            }
        }
        return true;
    }
}
