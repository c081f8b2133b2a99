package org.faasj.worker.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

/** The JSON bodies the worker writes itself, produced by Jackson's generator so escaping is always right. */
final class JsonBodies {

    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonBodies() {
    }

    /** {@code {"result":"<output>"}} with the output decoded as UTF-8 (bad bytes become U+FFFD). */
    static byte[] result(byte[] output, int length) {
        String text = decodeUtf8(output, length);
        return write(length + 16, g -> g.writeStringProperty("result", text));
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

    static String decodeUtf8(byte[] bytes, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException impossible) {
            throw new IllegalStateException("REPLACE never throws", impossible);
        }
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
