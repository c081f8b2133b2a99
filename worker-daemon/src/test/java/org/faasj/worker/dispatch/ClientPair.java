package org.faasj.worker.dispatch;

import java.io.Closeable;
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
 * A connected loopback TCP pair as a hand-off sees it: the client's socket, the gateway's side, and
 * a duplicate of the gateway side's descriptor (what the worker gets). Closing closes all three.
 */
record ClientPair(Socket client, SocketChannel server, FileDescriptor workerCopy, FileDescriptor serverFd)
        implements Closeable {

    static ClientPair connect(ServerSocketChannel listener) throws Throwable {
        Socket client = new Socket();
        client.connect(listener.getLocalAddress());
        client.setSoTimeout(20_000);
        SocketChannel server = listener.accept();
        FileDescriptor fd = (FileDescriptor) MethodHandles.lookup().findVirtual(Class.forName("sun.nio.ch.SelChImpl"),
                "getFD", MethodType.methodType(FileDescriptor.class)).invoke(server);
        return new ClientPair(client, server, FileDescriptorCast.duplicating(fd).getFileDescriptor(), fd);
    }

    static ServerSocketChannel listen() throws IOException {
        return ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @Override
    public void close() throws IOException {
        server.close();
        client.close();
    }
}
