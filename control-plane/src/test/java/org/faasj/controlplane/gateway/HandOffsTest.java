package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.faasj.controlplane.routing.Route;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.FunctionRuntime;
import org.faasj.model.HandoffFrame;
import org.junit.jupiter.api.Test;

class HandOffsTest {

    private final HttpHeadParser parser = new HttpHeadParser(16 * 1024);

    private RequestHead head(String raw) throws HttpParseException {
        byte[] b = raw.getBytes(StandardCharsets.ISO_8859_1);
        return parser.parse(b, parser.findHeadEnd(b, 0, b.length));
    }

    @Test
    void aBodyOfKnownLengthGetsAtMostItsLengthTheRestIsTheNextRequest() throws Exception {
        RequestHead post = head("POST /f HTTP/1.1\r\nContent-Length: 5\r\n\r\n");
        assertThat(HandOffs.prefixLength(post, 0)).isZero();
        assertThat(HandOffs.prefixLength(post, 3)).isEqualTo(3);
        assertThat(HandOffs.prefixLength(post, 5)).isEqualTo(5);
        assertThat(HandOffs.prefixLength(post, 40)).isEqualTo(5);
        assertThat(HandOffs.prefixLength(head("GET /f HTTP/1.1\r\n\r\n"), 30)).isZero();
    }

    @Test
    void aChunkedBodyGetsEverythingReadAfterTheHead() throws Exception {
        RequestHead chunked = head("POST /f HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertThat(HandOffs.prefixLength(chunked, 0)).isZero();
        assertThat(HandOffs.prefixLength(chunked, 4000)).isEqualTo(4000);
    }

    @Test
    void continueIsOwedOnlyToAClientThatAskedAndHasNotSentTheBody() throws Exception {
        RequestHead expecting = head("POST /f HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        assertThat(HandOffs.owesContinue(expecting, 0)).isTrue();
        assertThat(HandOffs.owesContinue(expecting, 4)).isTrue();
        assertThat(HandOffs.owesContinue(expecting, 5)).isFalse();
        assertThat(HandOffs.owesContinue(head("POST /f HTTP/1.1\r\nContent-Length: 5\r\n\r\n"), 0)).isFalse();

        RequestHead chunked = head("POST /f HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n");
        assertThat(HandOffs.owesContinue(chunked, 0)).isTrue();
        assertThat(HandOffs.owesContinue(chunked, 1)).isFalse(); // the client already sends its chunks
    }

    @Test
    void theFrameCarriesTheRouteTheHeadAndThePrefix() throws Exception {
        Route route = new Route(new FunctionDescriptor("hello", FunctionRuntime.PHP, "POST", "/f", "hello.php", "main",
                256, 7, 32, 16, null, null, 3), Path.of("/fn/hello.php"));
        RequestHead head = head("POST /f?x=1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n");
        byte[] prefix = "5\r\nhello".getBytes(StandardCharsets.ISO_8859_1);

        byte[] encoded = HandOffs.frame(42L, true, route, head, prefix, "abc-0-1", 2_500, 4);
        HandoffFrame frame = HandoffFrame.decode(ByteBuffer.wrap(encoded, 4, encoded.length - 4));

        assertThat(frame.requestId()).isEqualTo(42L);
        assertThat(frame.queueWaitMicros()).isEqualTo(2_500);
        assertThat(frame.keepAlive()).isTrue();
        assertThat(frame.functionName()).isEqualTo("hello");
        assertThat(frame.functionVersion()).isEqualTo(3);
        assertThat(frame.modulePath()).isEqualTo(Path.of("/fn/hello.php").toString());
        assertThat(frame.handler()).isEqualTo("main");
        assertThat(frame.memoryMb()).isEqualTo(256);
        assertThat(frame.timeoutMillis()).isEqualTo(7000);
        assertThat(frame.method()).isEqualTo("POST");
        assertThat(frame.path()).isEqualTo("/f");
        assertThat(frame.query()).isEqualTo("x=1");
        assertThat(frame.headers()).isEqualTo(head.headers());
        assertThat(frame.chunked()).isTrue();
        assertThat(frame.bodyPrefix()).isEqualTo(prefix);
        assertThat(frame.callId()).isEqualTo("abc-0-1");
        assertThat(frame.attempt()).isEqualTo(4);
    }

    @Test
    void theAttemptIsBelievedOnlyOnTheInternalEntry() throws Exception {
        RequestHead retry = head("POST /f HTTP/1.1\r\nX-Faas-Attempt: 3\r\n\r\n");
        assertThat(HandOffs.attemptOf(retry, true)).isEqualTo(3);
        assertThat(HandOffs.attemptOf(retry, false)).as("a client's header").isEqualTo(1);
        assertThat(HandOffs.attemptOf(head("POST /f HTTP/1.1\r\n\r\n"), true)).isEqualTo(1);
    }

    @Test
    void aMalformedOrAbsurdAttemptCountsAsTheFirst() throws Exception {
        for (String value : new String[] {"0", "-2", "x", "3a", "", "1000001", "99999999999"}) {
            RequestHead h = head("POST /f HTTP/1.1\r\nX-Faas-Attempt: " + value + "\r\n\r\n");
            assertThat(HandOffs.attemptOf(h, true)).as(value).isEqualTo(1);
        }
        assertThat(HandOffs.attemptOf(head("POST /f HTTP/1.1\r\nX-Faas-Attempt: 1000000\r\n\r\n"), true))
                .isEqualTo(HandOffs.MAX_ATTEMPT);
    }
}
