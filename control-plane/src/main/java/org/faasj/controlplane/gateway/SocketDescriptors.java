package org.faasj.controlplane.gateway;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.SocketChannel;

/**
 * Takes the OS descriptor out of a JDK {@link SocketChannel}, which the JDK has no public API for.
 * {@code sun.nio.ch.SelChImpl#getFD()} is a public method of a non-exported package; the jar's
 * manifest carries {@code Add-Exports: java.base/sun.nio.ch} so that this lookup is allowed.
 */
final class SocketDescriptors {

    private static final MethodHandle GET_FD = lookupGetFd();

    private SocketDescriptors() {
    }

    static FileDescriptor of(SocketChannel channel) {
        try {
            return (FileDescriptor) GET_FD.invoke(channel);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read the descriptor of " + channel, e);
        }
    }

    private static MethodHandle lookupGetFd() {
        try {
            Class<?> selCh = Class.forName("sun.nio.ch.SelChImpl");
            return MethodHandles.lookup().findVirtual(selCh, "getFD", MethodType.methodType(FileDescriptor.class));
        } catch (ReflectiveOperationException | IllegalAccessError e) {
            throw new IllegalStateException(
                    "cannot reach sun.nio.ch.SelChImpl#getFD; start the JVM with --add-exports java.base/sun.nio.ch=ALL-UNNAMED", e);
        }
    }
}
