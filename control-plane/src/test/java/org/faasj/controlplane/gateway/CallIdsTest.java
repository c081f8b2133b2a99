package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import org.faasj.model.CallId;
import org.junit.jupiter.api.Test;

class CallIdsTest {

    private final HttpHeadParser parser = new HttpHeadParser(16 * 1024);

    private RequestHead head(String headers) throws HttpParseException {
        byte[] b = ("POST /api/f HTTP/1.1\r\nHost: a\r\n" + headers + "Content-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        return parser.parse(b, parser.findHeadEnd(b, 0, b.length));
    }

    @Test
    void aWellFormedClientIdIsKept() throws Exception {
        long id = new InFlightCalls<String>(0).nextId();
        assertThat(CallIds.forCall(head("X-Call-Id: order-17.retry_2\r\n"), id)).isEqualTo("order-17.retry_2");
        assertThat(CallIds.forCall(head("x-call-id: abc\r\n"), id)).isEqualTo("abc");
    }

    @Test
    void aMissingOrMalformedClientIdIsReplacedByAGeneratedOne() throws Exception {
        long id = new InFlightCalls<String>(2).nextId();
        String generated = CallIds.generated(CallIds.processPrefix(), id);
        assertThat(CallIds.forCall(head(""), id)).isEqualTo(generated);
        assertThat(CallIds.forCall(head("X-Call-Id: two words\r\n"), id)).isEqualTo(generated);
        assertThat(CallIds.forCall(head("X-Call-Id: " + "x".repeat(65) + "\r\n"), id)).isEqualTo(generated);
        assertThat(CallIds.forCall(head("X-Call-Id: a/b\r\n"), id)).isEqualTo(generated);
    }

    @Test
    void generatedIdsAreCompactWellFormedAndCarryTheProcessPrefixTheLoopAndTheSequence() {
        assertThat(CallIds.processPrefix()).matches("[a-z2-7]{8}-");
        InFlightCalls<String> loop = new InFlightCalls<>(17);
        String first = CallIds.generated(CallIds.processPrefix(), loop.nextId());
        assertThat(first).isEqualTo(CallIds.processPrefix() + "h-1"); // loop 17 and sequence 1 in base 36
        assertThat(CallId.isWellFormed(first)).isTrue();
        String far = CallIds.generated("abcdefgh-", (255L << 56) | 0x00FF_FFFF_FFFF_FFFFL);
        assertThat(far).isEqualTo("abcdefgh-73-" + Long.toString(0x00FF_FFFF_FFFF_FFFFL, 36));
        assertThat(far.length()).isLessThanOrEqualTo(CallId.MAX_LENGTH);
    }

    @Test
    void idsOfDifferentLoopsAndSequencesDiffer() {
        Set<String> seen = new HashSet<>();
        for (int loop = 0; loop < 40; loop++) {
            InFlightCalls<String> calls = new InFlightCalls<>(loop);
            for (int i = 0; i < 100; i++) {
                assertThat(seen.add(CallIds.generated(CallIds.processPrefix(), calls.nextId()))).isTrue();
            }
        }
    }
}
