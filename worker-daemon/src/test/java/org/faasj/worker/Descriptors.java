package org.faasj.worker;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.SocketChannel;

/**
 * Takes the descriptor out of a JDK socket channel, as the gateway does: through the public
 * {@code sun.nio.ch.SelChImpl#getFD()} (needs {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}).
 */
final class Descriptors {

    private static final MethodHandle GET_FD = selChImplGetFd();

    private Descriptors() {
    }

    static FileDescriptor of(SocketChannel channel) {
        try {
            return (FileDescriptor) GET_FD.invoke(channel);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot take the descriptor of a socket channel", e);
        }
    }

    private static MethodHandle selChImplGetFd() {
        try {
            Class<?> selChImpl = Class.forName("sun.nio.ch.SelChImpl");
            return MethodHandles.lookup().findVirtual(selChImpl, "getFD", MethodType.methodType(FileDescriptor.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
