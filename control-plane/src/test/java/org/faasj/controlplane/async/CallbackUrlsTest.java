package org.faasj.controlplane.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallbackUrlsTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com/hook", "https://hooks.example.com:8443/a?b=c", "HTTP://example.com"})
    void httpAndHttpsUrlsWithAHostAreAccepted(String url) {
        assertThat(CallbackUrls.parse(url).getHost()).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/x", "file:///etc/passwd", "gopher://x", "/relative/path", "example.com/x",
            "http:///nohost", "http://user:pw@example.com/", "http://exa mple.com/", "javascript:alert(1)"})
    void otherUrlsAreRefusedWithAReason(String url) {
        assertThatThrownBy(() -> CallbackUrls.parse(url)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("X-Callback-Url");
    }

    @Test
    void anOverlongUrlIsRefused() {
        String url = "http://example.com/" + "a".repeat(CallbackUrls.MAX_LENGTH);
        assertThatThrownBy(() -> CallbackUrls.parse(url)).hasMessageContaining("longer than");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
            "fe80::1", "fd00::1", "100.64.0.1", "0.0.0.0", "224.0.0.1"})
    void hostAndPrivateAddressesArePrivate(String address) throws Exception {
        assertThat(CallbackUrls.isPrivate(InetAddress.getByName(address))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "2606:4700::1111", "100.128.0.1", "172.32.0.1"})
    void publicAddressesAreNot(String address) throws Exception {
        assertThat(CallbackUrls.isPrivate(InetAddress.getByName(address))).isFalse();
    }
}
