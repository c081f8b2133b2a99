package org.faasj.controlplane.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reading HTTP answers off a raw socket, for tests that must control every byte a client sends. */
public final class RawResponses {

    private RawResponses() {
    }

    /**
     * Reads one response, head plus its Content-Length body, and nothing past it, so a test can
     * read the next pipelined or keep-alive answer from the same stream.
     */
    public static String readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        return head + new String(in.readNBytes(contentLength(head)), StandardCharsets.UTF_8);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            last4 = (last4 << 8) | b;
            if (last4 == 0x0D0A0D0A) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return 0;
    }
}
