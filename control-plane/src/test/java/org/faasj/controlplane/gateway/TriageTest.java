package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.faasj.controlplane.routing.Route;
import org.faasj.controlplane.routing.RouteTable;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.FunctionRuntime;
import org.junit.jupiter.api.Test;

class TriageTest {

    private static final long MAX_BODY = 1000;
    private final HttpHeadParser parser = new HttpHeadParser(16 * 1024);
    private final RouteTable routes = new RouteTable();
    private final Route hello = route("POST", "/api/hello");

    TriageTest() {
        routes.put(hello);
        routes.put(route("GET", "/api/hello"));
    }

    private static Route route(String method, String path) {
        return new Route(new FunctionDescriptor("hello", FunctionRuntime.PHP, method, path, "hello.php", null,
                128, 10, 64, 64, null, null, 1), Path.of("/fn/hello.php"));
    }

    private Verdict decide(String raw) throws HttpParseException {
        byte[] b = raw.getBytes(StandardCharsets.ISO_8859_1);
        return Triage.decide(parser.parse(b, parser.findHeadEnd(b, 0, b.length)), routes, MAX_BODY);
    }

    @Test
    void aRoutedRequestIsHandedOffWithItsRoute() throws Exception {
        Verdict v = decide("POST /api/hello HTTP/1.1\r\nContent-Length: 5\r\n\r\n");
        assertThat(v).isEqualTo(new Verdict.HandOff(hello));
    }

    @Test
    void platformPathsAreRelayedEvenWhenNoRouteExists() throws Exception {
        assertThat(decide("GET /actuator/health HTTP/1.1\r\n\r\n")).isSameAs(Verdict.Relay.INSTANCE);
        assertThat(decide("POST /upload HTTP/1.1\r\nContent-Length: 3\r\n\r\n")).isSameAs(Verdict.Relay.INSTANCE);
        assertThat(decide("GET / HTTP/1.1\r\n\r\n")).isSameAs(Verdict.Relay.INSTANCE);
    }

    @Test
    void anUnknownPathIs404AndMayKeepTheConnection() throws Exception {
        GatewayError e = (GatewayError) decide("GET /nope HTTP/1.1\r\n\r\n");
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.mayKeepAlive()).isTrue();
        assertThat(e.extra()).containsEntry("path", "/nope").containsEntry("method", "GET");
    }

    @Test
    void aKnownPathWithAnotherMethodIs405WithAllow() throws Exception {
        GatewayError e = (GatewayError) decide("DELETE /api/hello HTTP/1.1\r\n\r\n");
        assertThat(e.status()).isEqualTo(405);
        assertThat(e.extraHeader()).isEqualTo("Allow: GET, POST");
        assertThat(e.mayKeepAlive()).isTrue();
    }

    @Test
    void aBodyOverTheLimitIs413AndCloses() throws Exception {
        GatewayError e = (GatewayError) decide("POST /api/hello HTTP/1.1\r\nContent-Length: 1001\r\n\r\n");
        assertThat(e.status()).isEqualTo(413);
        assertThat(e.mayKeepAlive()).isFalse();
        assertThat(e.extra()).containsEntry("limit", MAX_BODY);
        assertThat(decide("POST /api/hello HTTP/1.1\r\nContent-Length: 1000\r\n\r\n")).isInstanceOf(Verdict.HandOff.class);
    }

    @Test
    void aChunkedBodyToAFunctionIsHandedOffForTheWorkerToDecode() throws Exception {
        assertThat(decide("POST /api/hello HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"))
                .isEqualTo(new Verdict.HandOff(hello));
    }

    @Test
    void anErrorRendersAsAProblemResponse() {
        String r = new String(GatewayError.closing(408, "late").response(false), StandardCharsets.ISO_8859_1);
        assertThat(r).startsWith("HTTP/1.1 408 Request Timeout\r\n").contains("Connection: close\r\n")
                .contains("\"detail\":\"late\"");
    }

    @Test
    void anAsyncCallOfADeployedRouteIsEnqueuedWithItsRoute() throws Exception {
        assertThat(decide("POST /async-function/api/hello HTTP/1.1\r\nContent-Length: 5\r\n\r\n"))
                .isEqualTo(new Verdict.Enqueue(hello));
        assertThat(decide("GET /async-function/api/hello?x=1 HTTP/1.1\r\n\r\n")).isInstanceOf(Verdict.Enqueue.class);
    }

    @Test
    void anAsyncCallOfNoRouteIs404AtOnceNamingTheRoute() throws Exception {
        GatewayError e = (GatewayError) decide("POST /async-function/api/nope HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.detail()).isEqualTo("no function is deployed at /api/nope");
        assertThat(e.extra()).containsEntry("path", "/api/nope").containsEntry("method", "POST");

        GatewayError bare = (GatewayError) decide("POST /async-function HTTP/1.1\r\n\r\n");
        assertThat(bare.status()).isEqualTo(404);
        assertThat(bare.extra()).containsEntry("path", "/");
        assertThat(((GatewayError) decide("POST /async-function/ HTTP/1.1\r\n\r\n")).status()).isEqualTo(404);
    }

    @Test
    void anAsyncCallWithAMethodTheRouteDoesNotTakeIs405WithAllow() throws Exception {
        GatewayError e = (GatewayError) decide("DELETE /async-function/api/hello HTTP/1.1\r\n\r\n");
        assertThat(e.status()).isEqualTo(405);
        assertThat(e.extraHeader()).isEqualTo("Allow: GET, POST");
    }

    @Test
    void anAsyncCallWithABodyOverTheLimitIs413() throws Exception {
        GatewayError e = (GatewayError) decide("POST /async-function/api/hello HTTP/1.1\r\nContent-Length: 1001\r\n\r\n");
        assertThat(e.status()).isEqualTo(413);
        assertThat(e.mayKeepAlive()).isFalse();
        assertThat(decide("POST /async-function/api/hello HTTP/1.1\r\nContent-Length: 1000\r\n\r\n"))
                .isInstanceOf(Verdict.Enqueue.class);
    }

    @Test
    void aPathThatOnlyBeginsLikeThePrefixIsAnOrdinaryPath() throws Exception {
        routes.put(route("POST", "/async-functions"));
        assertThat(decide("POST /async-functions HTTP/1.1\r\n\r\n")).isInstanceOf(Verdict.HandOff.class);
        assertThat(((GatewayError) decide("POST /async-functionx/api/hello HTTP/1.1\r\n\r\n")).status()).isEqualTo(404);
    }
}
