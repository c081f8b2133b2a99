package org.faasj.worker.http;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import org.newsclub.net.unix.FileDescriptorCast;

/**
 * A real loopback TCP connection as the platform holds one: the client's socket, the gateway's
 * channel, and worker-side duplicates of the gateway's descriptor (what the hand-off delivers).
 */
final class LoopbackConnection implements AutoCloseable {

    final Socket client;
    /** The gateway's side of the connection. */
    final SocketChannel gateway;
    private final ServerSocketChannel listener;

    LoopbackConnection() throws IOException {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = new Socket();
        client.connect(listener.getLocalAddress());
        client.setSoTimeout(10_000);
        gateway = listener.accept();
    }

    /** A new duplicate of the gateway's descriptor, held as a worker holds a handed-off client. */
    ClientConnection workerDuplicate() throws Throwable {
        FileDescriptor fd = (FileDescriptor) MethodHandles.lookup().findVirtual(Class.forName("sun.nio.ch.SelChImpl"),
                "getFD", MethodType.methodType(FileDescriptor.class)).invoke(gateway);
        return ClientConnection.adopt(FileDescriptorCast.duplicating(fd).getFileDescriptor());
    }

    @Override
    public void close() throws IOException {
        client.close();
        gateway.close();
        listener.close();
    }
}
