package org.faasj.controlplane.async;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * The HTTP client callbacks are POSTed with. Its connections go only to addresses that one lookup
 * of the callback's host returned and that passed the SSRF rule ({@link CallbackUrls#isPrivate}):
 * the check and the connection share that lookup, so a name that answers differently the second
 * time (DNS rebinding) cannot steer the POST into the host or its network. No redirects, no proxy
 * from the environment, no connection reuse (callbacks go to many hosts, rarely twice in a row),
 * and each POST ends within its timeout however slowly the other side answers.
 */
final class CallbackClient implements AutoCloseable {

    /** A callback host that resolved to an address the SSRF rule refuses: not retried. */
    static final class RefusedAddress extends UnknownHostException {
        RefusedAddress(String message) {
            super(message);
        }
    }

    private final CloseableHttpClient http;
    private final Duration timeout;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "async-callback-deadlines");
        t.setDaemon(true);
        return t;
    });

    CallbackClient(Duration timeout, boolean allowPrivate) {
        this(timeout, allowPrivate, SystemDefaultDnsResolver.INSTANCE);
    }

    /** With the lookup to vet (tests give one that answers for made-up names). */
    CallbackClient(Duration timeout, boolean allowPrivate, DnsResolver lookup) {
        this.timeout = timeout;
        Timeout t = Timeout.of(timeout);
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new VettingResolver(lookup, allowPrivate))
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(t).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableConnectionState()
                .setConnectionReuseStrategy((request, response, context) -> false)
                .build();
    }

    /** POSTs {@code body} with {@code headers}; returns the answer's status. */
    int post(URI uri, List<Map.Entry<String, String>> headers, byte[] body) throws IOException {
        HttpPost post = new HttpPost(uri);
        headers.forEach(h -> post.addHeader(h.getKey(), h.getValue()));
        post.setEntity(new ByteArrayEntity(body == null ? new byte[0] : body, null));
        ScheduledFuture<?> deadline = deadlines.schedule(post::cancel, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return http.execute(post, response -> response.getCode());
        } finally {
            deadline.cancel(false);
        }
    }

    @Override
    public void close() throws IOException {
        deadlines.shutdownNow();
        http.close();
    }

    /** Resolves with {@code lookup} and refuses the whole answer if any address is not public. */
    static final class VettingResolver implements DnsResolver {

        private final DnsResolver lookup;
        private final boolean allowPrivate;

        VettingResolver(DnsResolver lookup, boolean allowPrivate) {
            this.lookup = lookup;
            this.allowPrivate = allowPrivate;
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            InetAddress[] addresses = lookup.resolve(host);
            if (!allowPrivate) {
                for (InetAddress a : addresses) {
                    if (CallbackUrls.isPrivate(a)) {
                        throw new RefusedAddress("callback host " + host + " resolves to the non-public address "
                                + a.getHostAddress() + " (faas.async.callback-allow-private is off)");
                    }
                }
            }
            return addresses;
        }

        @Override
        public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
            List<InetSocketAddress> out = new ArrayList<>();
            for (InetAddress a : resolve(host)) {
                out.add(new InetSocketAddress(a, port));
            }
            return out;
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
            return lookup.resolveCanonicalHostname(host);
        }
    }
}
