package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ConnectionTest {

    @Test
    void theBufferStartsSmallAndDoublesUpToTheMaximumKeepingItsBytes() {
        Connection c = new Connection(null, null, 2048, 5000);
        assertThat(c.buffer.capacity()).isEqualTo(2048);
        c.buffer.put("GET /x HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
        c.scanned = 10;
        assertThat(c.grow()).isTrue();
        assertThat(c.buffer.capacity()).isEqualTo(4096);
        assertThat(c.grow()).isTrue();
        assertThat(c.buffer.capacity()).isEqualTo(5000);
        assertThat(c.grow()).isFalse();
        assertThat(new String(c.buffer.array(), 0, c.buffer.position(), StandardCharsets.ISO_8859_1))
                .isEqualTo("GET /x HTTP/1.1\r\n");
        assertThat(c.scanned).isEqualTo(10);
    }

    @Test
    void anEmptyGrownBufferShrinksBackButOneWithBytesDoesNot() {
        Connection c = new Connection(null, null, 1024, 8192);
        c.grow();
        c.buffer.put((byte) 'G');
        c.shrinkIfEmpty();
        assertThat(c.buffer.capacity()).isEqualTo(2048);
        c.consume(1);
        c.shrinkIfEmpty();
        assertThat(c.buffer.capacity()).isEqualTo(1024);
    }

    @Test
    void consumingKeepsAPipelinedRequest() {
        Connection c = new Connection(null, null, 64, 64);
        c.buffer.put("AAAABB".getBytes(StandardCharsets.ISO_8859_1));
        c.consume(4);
        assertThat(c.buffer.position()).isEqualTo(2);
        assertThat(c.buffer.get(0)).isEqualTo((byte) 'B');
    }
}
