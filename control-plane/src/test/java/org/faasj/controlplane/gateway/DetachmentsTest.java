package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DetachmentsTest {

    private final List<Throwable> failures = new ArrayList<>();
    private final Detachments detachments = new Detachments(new ConnectionCloser(new ConnectionCaps(10, 10, 10)),
            (c, e) -> failures.add(e));
    private Selector selector;
    private ServerSocketChannel server;
    private SocketChannel client;
    private Connection c;

    @BeforeEach
    void open() throws IOException {
        selector = Selector.open();
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept();
        accepted.configureBlocking(false);
        c = new Connection(accepted, null, 512, 512);
        c.key = accepted.register(selector, SelectionKey.OP_READ, c);
    }

    @AfterEach
    void close() throws IOException {
        c.channel.close();
        client.close();
        server.close();
        selector.close();
    }

    @Test
    void theFollowUpRunsAtOnceInBlockingModeWithoutASelect() {
        List<Boolean> blocking = new ArrayList<>();
        detachments.detach(c, () -> blocking.add(c.channel.isBlocking()));
        assertThat(blocking).containsExactly(true);
        assertThat(c.key).isNull();
        assertThat(detachments.size()).isZero();
        assertThat(failures).isEmpty();
    }

    /** Back in the round it left (a hand-off that failed at once): registered after the deregistration, not thrown out. */
    @Test
    void aConnectionComingBackInTheSameRoundIsRegisteredAfterTheNextFinish() throws IOException {
        detachments.detach(c, () -> detachments.whenDeregistered(c, selector, this::registerAgain));
        assertThat(c.key).as("its old key is still being deregistered").isNull();
        assertThat(detachments.size()).isOne();

        detachments.finish(selector);

        assertThat(c.key).isNotNull();
        assertThat(c.key.isValid()).isTrue();
        assertThat(detachments.size()).isZero();
        assertThat(failures).isEmpty();
    }

    @Test
    void aConnectionComingBackAfterASelectIsRegisteredAtOnce() throws IOException {
        detachments.detach(c, () -> { });
        selector.selectNow();
        detachments.whenDeregistered(c, selector, this::registerAgain);
        assertThat(c.key).isNotNull();
        assertThat(c.key.isValid()).isTrue();
        assertThat(detachments.size()).isZero();
    }

    private void registerAgain() {
        try {
            c.channel.configureBlocking(false);
            c.key = c.channel.register(selector, SelectionKey.OP_READ, c);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
