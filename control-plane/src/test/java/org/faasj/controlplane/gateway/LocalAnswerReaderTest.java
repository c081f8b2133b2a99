package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LocalAnswerReaderTest {

    private static LocalAnswer read(String raw, long cap) throws IOException {
        return read(raw, cap, false);
    }

    private static LocalAnswer read(String raw, long cap, boolean head) throws IOException {
        return new LocalAnswerReader(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)), cap).read(head);
    }

    private static String text(LocalAnswer a) {
        return new String(a.body(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aBodyOfKnownLengthIsReadToItsLengthAndNoFurther() throws IOException {
        LocalAnswer a = read("HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nX-Call-Id: a-1\r\n\r\nhelloEXTRA", 100);

        assertThat(a.status()).isEqualTo(201);
        assertThat(text(a)).isEqualTo("hello");
        assertThat(a.truncated()).isFalse();
        assertThat(a.header("x-call-id")).isEqualTo("a-1");
        assertThat(a.headers()).containsExactly(Map.entry("Content-Type", "text/plain"), Map.entry("X-Call-Id", "a-1"));
    }

    @Test
    void aChunkedBodyIsDecodedWithExtensionsAndTrailersDropped() throws IOException {
        LocalAnswer a = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=x\r\nhello\r\n1A\r\n" + "b".repeat(26) + "\r\n0\r\nX-Trailer: t\r\n\r\n", 100);

        assertThat(text(a)).isEqualTo("hello" + "b".repeat(26));
        assertThat(a.header("Transfer-Encoding")).isNull();
        assertThat(a.header("X-Trailer")).isNull();
    }

    @Test
    void withoutLengthOrChunksTheBodyEndsWithTheConnection() throws IOException {
        LocalAnswer a = read("HTTP/1.0 200 OK\r\nConnection: close\r\n\r\nall of it\nuntil EOF", 100);

        assertThat(text(a)).isEqualTo("all of it\nuntil EOF");
        assertThat(a.header("Connection")).isNull();
    }

    @Test
    void aBodyOverTheCapIsCutThereAndTheRestReadAndDropped() throws IOException {
        String body = "x".repeat(10_000);
        LocalAnswer sized = read("HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n" + body, 10);
        LocalAnswer chunked = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2710\r\n" + body + "\r\n0\r\n\r\n", 10);
        LocalAnswer untilEof = read("HTTP/1.1 200 OK\r\n\r\n" + body, 10);
        LocalAnswer exact = read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", 10);

        for (LocalAnswer a : new LocalAnswer[] {sized, chunked, untilEof}) {
            assertThat(a.body()).hasSize(10);
            assertThat(a.truncated()).isTrue();
        }
        assertThat(exact.truncated()).as("exactly at the cap is whole").isFalse();
        assertThat(read("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", 0).body()).isEmpty();
    }

    @Test
    void interimAnswersAreSkipped() throws IOException {
        LocalAnswer a = read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok", 100);

        assertThat(a.status()).isEqualTo(202);
        assertThat(text(a)).isEqualTo("ok");
    }

    @Test
    void headAnd204And304HaveNoBodyWhateverTheirLength() throws IOException {
        assertThat(read("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", 100, true).body()).isEmpty();
        assertThat(read("HTTP/1.1 204 No Content\r\nContent-Length: 99\r\n\r\n", 100).body()).isEmpty();
        assertThat(read("HTTP/1.1 304 Not Modified\r\n\r\n", 100).body()).isEmpty();
    }

    @Test
    void aBareLfAndAMissingReasonAreTolerated() throws IOException {
        LocalAnswer a = read("HTTP/1.1 404\nContent-Length: 1\n\nx", 100);

        assertThat(a.status()).isEqualTo(404);
        assertThat(text(a)).isEqualTo("x");
    }

    @Test
    void anAnswerCutShortIsAnErrorNamingWhere() {
        assertThatThrownBy(() -> read("", 100)).isInstanceOf(IOException.class).hasMessageContaining("status line");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Ty", 100))
                .isInstanceOf(IOException.class).hasMessageContaining("header");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 100))
                .isInstanceOf(IOException.class).hasMessageContaining("after 3 of 10 body bytes");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 100))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", 100))
                .isInstanceOf(IOException.class).hasMessageContaining("chunk size");
    }

    @Test
    void malformedAnswersAreErrorsSayingWhatWasWrong() {
        assertThatThrownBy(() -> read("SSH-2.0-OpenSSH\r\n\r\n", 100)).hasMessageContaining("bad status line 'SSH-2.0-OpenSSH'");
        assertThatThrownBy(() -> read("HTTP/1.1 2x0 OK\r\n\r\n", 100)).hasMessageContaining("bad status line");
        assertThatThrownBy(() -> read("HTTP/1.1 099 Odd\r\n\r\n", 100)).hasMessageContaining("status 99");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", 100)).hasMessageContaining("bad header line");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 100)).hasMessageContaining("bad Content-Length");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", 100))
                .hasMessageContaining("conflicting Content-Length");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 100))
                .hasMessageContaining("bad chunk size 'zz'");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", 100))
                .hasMessageContaining("longer than its size");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 100))
                .hasMessageContaining("unsupported Transfer-Encoding");
    }

    @Test
    void anEndlessHeadIsRefusedNotBuffered() {
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nX: " + "a".repeat(LocalAnswerReader.MAX_LINE_BYTES) + "\r\n\r\n", 100))
                .hasMessageContaining("longer than");
        String many = "X-A: 1\r\n".repeat(LocalAnswerReader.MAX_HEADERS + 1);
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\n" + many + "\r\n", 100)).hasMessageContaining("more than");
    }
}
