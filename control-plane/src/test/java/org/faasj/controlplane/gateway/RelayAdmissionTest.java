package org.faasj.controlplane.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.faasj.controlplane.system.FaasProperties;
import org.faasj.model.HttpHeader;
import org.junit.jupiter.api.Test;

class RelayAdmissionTest {

    private static final FaasProperties.Relay LIMITS =
            new FaasProperties.Relay(Duration.ofSeconds(10), Duration.ofSeconds(120), 4, 2, 3, 1, 2);

    @Test
    void lanesFollowMethodPathAndBody() {
        assertEquals(RelayAdmission.Lane.HEALTH, RelayAdmission.Lane.of(head("GET", "/actuator/health", 0)));
        assertEquals(RelayAdmission.Lane.HEALTH, RelayAdmission.Lane.of(head("GET", "/actuator/health/readiness", 0)));
        assertEquals(RelayAdmission.Lane.HEALTH, RelayAdmission.Lane.of(head("GET", "/actuator/prometheus", 0)));
        assertEquals(RelayAdmission.Lane.PLAIN, RelayAdmission.Lane.of(head("GET", "/actuator/metrics", 0)));
        assertEquals(RelayAdmission.Lane.PLAIN, RelayAdmission.Lane.of(head("GET", "/actuator/healthy", 0)));
        assertEquals(RelayAdmission.Lane.UPLOAD, RelayAdmission.Lane.of(head("POST", "/actuator/health", 5)));
        assertEquals(RelayAdmission.Lane.PLAIN, RelayAdmission.Lane.of(head("GET", "/", 0)));
        assertEquals(RelayAdmission.Lane.UPLOAD, RelayAdmission.Lane.of(head("POST", "/upload", 11_000_000)));
    }

    @Test
    void oneClientGets429PastItsCapOthersStillGetIn() throws Exception {
        RelayAdmission admission = new RelayAdmission(LIMITS);
        InetAddress a = InetAddress.getByName("127.0.0.2");
        List<RelayAdmission.Ticket> taken = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            taken.add(admission.admit(a, RelayAdmission.Lane.PLAIN, true).ticket());
        }
        RelayAdmission.Decision fourth = admission.admit(a, RelayAdmission.Lane.PLAIN, true);
        assertNull(fourth.ticket());
        assertEquals(429, fourth.status());
        assertNotNull(admission.admit(InetAddress.getByName("127.0.0.3"), RelayAdmission.Lane.PLAIN, true).ticket());
        taken.get(0).release();
        taken.get(0).release(); // twice is once
        assertNotNull(admission.admit(a, RelayAdmission.Lane.PLAIN, true).ticket());
        assertNull(admission.admit(a, RelayAdmission.Lane.PLAIN, true).ticket());
        // a request with the admin token is not capped per client, only by the places
        taken.get(1).release();
        assertNotNull(admission.admit(a, RelayAdmission.Lane.PLAIN, false).ticket());
        assertEquals(503, admission.admit(a, RelayAdmission.Lane.PLAIN, false).status());
    }

    @Test
    void uploadsTakeOnlyTheirShareAndHealthChecksHavePlacesOfTheirOwn() throws Exception {
        RelayAdmission admission = new RelayAdmission(LIMITS);
        InetAddress[] clients = {InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.2"),
                InetAddress.getByName("10.0.0.3")};
        assertNotNull(admission.admit(clients[0], RelayAdmission.Lane.UPLOAD, true).ticket());
        assertNotNull(admission.admit(clients[1], RelayAdmission.Lane.UPLOAD, true).ticket());
        RelayAdmission.Decision third = admission.admit(clients[2], RelayAdmission.Lane.UPLOAD, true);
        assertEquals(503, third.status());
        assertNotNull(admission.admit(clients[2], RelayAdmission.Lane.PLAIN, true).ticket());
        assertNotNull(admission.admit(clients[2], RelayAdmission.Lane.PLAIN, true).ticket());
        assertEquals(503, admission.admit(clients[1], RelayAdmission.Lane.PLAIN, true).status()); // all 4 taken
        RelayAdmission.Ticket probe = admission.admit(clients[0], RelayAdmission.Lane.HEALTH, true).ticket();
        assertNotNull(probe);
        assertEquals(503, admission.admit(clients[0], RelayAdmission.Lane.HEALTH, true).status());
        probe.release();
        assertNotNull(admission.admit(clients[0], RelayAdmission.Lane.HEALTH, true).ticket());
    }

    @Test
    void asyncEnqueuesHaveTheirOwnBucketNotCappedPerClient() throws Exception {
        RelayAdmission admission = new RelayAdmission(LIMITS);
        InetAddress one = InetAddress.getByName("10.0.0.9");
        for (int i = 0; i < 4; i++) { // the console's places are all taken...
            assertNotNull(admission.admit(InetAddress.getByName("10.0.1." + i), RelayAdmission.Lane.PLAIN, true).ticket());
        }
        RelayAdmission.Ticket first = admission.admit(one, RelayAdmission.Lane.ASYNC, true).ticket();
        assertNotNull(first, "...and enqueues still get in");
        assertNotNull(admission.admit(one, RelayAdmission.Lane.ASYNC, true).ticket(), "one address may hold more than one");
        RelayAdmission.Decision third = admission.admit(InetAddress.getByName("10.0.0.10"), RelayAdmission.Lane.ASYNC, true);
        assertNull(third.ticket());
        assertEquals(429, third.status());
        assertTrue(third.detail().contains("faas.gateway.relay.max-async-enqueues"), third.detail());
        first.release();
        assertNotNull(admission.admit(one, RelayAdmission.Lane.ASYNC, true).ticket());
    }

    private static RequestHead head(String method, String path, long contentLength) {
        return new RequestHead(method, path, "", true, List.of(new HttpHeader("Host", "x")), contentLength,
                false, true, false, 40);
    }
}
