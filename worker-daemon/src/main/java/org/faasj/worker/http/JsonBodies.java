package org.faasj.worker.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

/** The JSON bodies the worker writes itself, produced by Jackson's generator so escaping is always right. */
final class JsonBodies {

    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonBodies() {
    }

    /**
     * {@code {"result":"<output>"}} with the output decoded as UTF-8 (bad bytes become U+FFFD),
     * written straight into one buffer of {@link #resultBound} bytes: no intermediate String, no
     * growth, no final copy, so a large output costs its own size once more, and not several times.
     */
    static HttpResponse resultResponse(byte[] output, int length) {
        Exposed out = new Exposed(resultBound(output, length));
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeName("result");
            // InputStreamReader replaces malformed input with U+FFFD
            g.writeString(new InputStreamReader(new ByteArrayInputStream(output, 0, length), StandardCharsets.UTF_8), -1);
            g.writeEndObject();
        }
        return new HttpResponse(200, HttpResponse.JSON, out.bytes(), out.size(), List.of());
    }

    /**
     * Most bytes {@link #resultResponse} can need: a control byte becomes a six-byte unicode escape, a quote
     * or backslash 2, a byte of broken UTF-8 U+FFFD (3), anything else itself.
     */
    static int resultBound(byte[] output, int length) {
        long bound = 16;
        for (int i = 0; i < length; i++) {
            int b = output[i] & 0xFF;
            bound += b < 0x20 ? 6 : b == '"' || b == '\\' ? 2 : b >= 0x80 ? 3 : 1;
        }
        return (int) Math.min(Integer.MAX_VALUE - 16, bound);
    }

    /** A byte stream whose buffer is handed out as it is. */
    private static final class Exposed extends ByteArrayOutputStream {
        Exposed(int size) {
            super(size);
        }

        byte[] bytes() {
            return buf;
        }
    }

    /** An RFC 9457 problem document; {@code extras} adds members after the standard ones. */
    static byte[] problem(int status, String title, String detail, Consumer<JsonGenerator> extras) {
        return write(256, g -> {
            g.writeStringProperty("type", "about:blank");
            g.writeStringProperty("title", title);
            g.writeNumberProperty("status", status);
            g.writeStringProperty("detail", detail);
            extras.accept(g);
        });
    }

    private static byte[] write(int sizeHint, Consumer<JsonGenerator> members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            members.accept(g);
            g.writeEndObject();
        }
        return out.toByteArray();
    }
}
