package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ClientWritesTest {

    private static final GatewayError MAY_KEEP = new GatewayError(404, "none", Map.of(), null, true);
    private static final GatewayError CLOSING = GatewayError.closing(400, "bad");
    private final HttpHeadParser parser = new HttpHeadParser(16 * 1024);

    private RequestHead head(String raw) throws HttpParseException {
        byte[] b = raw.getBytes(StandardCharsets.ISO_8859_1);
        return parser.parse(b, parser.findHeadEnd(b, 0, b.length));
    }

    @Test
    void aKeepAliveRequestWholeInTheBufferKeepsTheConnection() throws Exception {
        RequestHead get = head("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(ClientWrites.mayKeepOpen(MAY_KEEP, get, true, get.headLength())).isTrue();
    }

    @Test
    void anyReasonToCloseCloses() throws Exception {
        RequestHead get = head("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
        int all = get.headLength();
        assertThat(ClientWrites.mayKeepOpen(CLOSING, get, true, all)).as("the error closes").isFalse();
        assertThat(ClientWrites.mayKeepOpen(MAY_KEEP, get, false, all)).as("draining loop").isFalse();
        assertThat(ClientWrites.mayKeepOpen(MAY_KEEP, null, true, all)).as("no head").isFalse();
        RequestHead close = head("GET /x HTTP/1.1\r\nConnection: close\r\n\r\n");
        assertThat(ClientWrites.mayKeepOpen(MAY_KEEP, close, true, close.headLength())).as("client closes").isFalse();
        RequestHead headMethod = head("HEAD /x HTTP/1.1\r\n\r\n");
        assertThat(ClientWrites.mayKeepOpen(MAY_KEEP, headMethod, true, headMethod.headLength())).as("HEAD").isFalse();
    }

    @Test
    void aBodyNotYetReadOrChunkedCloses() throws Exception {
        RequestHead post = head("POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\n");
        assertThat(ClientWrites.mayKeepOpen(MAY_KEEP, post, true, post.headLength() + 9)).isFalse();
        assertThat(ClientWrites.mayKeepOpen(MAY_KEEP, post, true, post.headLength() + 10)).isTrue();
        RequestHead chunked = head("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertThat(ClientWrites.mayKeepOpen(MAY_KEEP, chunked, true, chunked.headLength() + 100)).isFalse();
    }
}
