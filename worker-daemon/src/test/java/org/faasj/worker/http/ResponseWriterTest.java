package org.faasj.worker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ResponseWriterTest {

    @Test
    void writesHeadAndBodyInOneGo() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HttpResponse r = HttpResponse.of(503, HttpResponse.PROBLEM_JSON, "{}".getBytes()).withHeader("Retry-After", "1");

        assertTrue(new ResponseWriter(3).write(out, r, false, "k3x9qd2a-0-1"));

        assertEquals("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
                + "Content-Length: 2\r\nConnection: close\r\nX-Faas-Worker: 3\r\nX-Call-Id: k3x9qd2a-0-1\r\n"
                + "Retry-After: 1\r\n\r\n{}",
                out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void reportsAClientThatIsGone() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        assertFalse(new ResponseWriter(0).write(broken, HttpResponse.of(200, HttpResponse.JSON, new byte[1]), true,
                "c1"));
    }
}
