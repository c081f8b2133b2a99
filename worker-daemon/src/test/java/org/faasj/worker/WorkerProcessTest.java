package org.faasj.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.faasj.model.FunctionRuntime;
import org.faasj.model.HandoffFrame;
import org.faasj.model.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** The worker as the control plane runs it: its own JVM, a 48 MB heap, and a stdin pipe that ends. */
class WorkerProcessTest {

    @TempDir
    Path dir;

    @Test
    void endOfStdinStopsTheWorkerAndKillsRunningFunctions() throws Exception {
        Path socket = dir.resolve("worker-0.sock");
        Process worker = startWorker(socket);
        try (ServerSocketChannel tcp = ServerSocketChannel.open().bind(null);
             SocketChannel client = SocketChannel.open(tcp.getLocalAddress());
             SocketChannel accepted = tcp.accept()) {
            awaitFile(socket);
            Path pidFile = dir.resolve("fn.pid");
            Path fn = executable("forever.sh", "#!/bin/sh\necho $$ > " + pidFile + ".tmp\nmv " + pidFile + ".tmp " + pidFile
                    + "\nexec sleep 60\n");
            try (AFUNIXSocket gateway = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(socket))) {
                gateway.setOutboundFileDescriptors(Descriptors.of(accepted));
                gateway.getOutputStream().write(new HandoffFrame(1, false, "forever", 1, FunctionRuntime.NATIVE, fn.toString(),
                        "main", 32, 60_000, 64, 64, Network.OUTBOUND, Map.of(), "GET", "/", "", List.of(), 0,
                        new byte[0]).encode());
                awaitFile(pidFile);
                long fnPid = Long.parseLong(Files.readString(pidFile).trim());
                assertTrue(TestProcesses.runs(fnPid));

                worker.getOutputStream().close(); // the control plane is gone

                assertTrue(worker.waitFor(5, TimeUnit.SECONDS), "worker did not exit after stdin EOF");
                assertEquals(0, worker.exitValue(), Files.readString(dir.resolve("worker.log")));
                awaitGone(fnPid);
            }
        } finally {
            worker.destroyForcibly();
        }
    }

    private Process startWorker(Path socket) throws IOException {
        return new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx48m",
                "-cp", System.getProperty("java.class.path"),
                "org.faasj.worker.WorkerMain", "--id", "0", "--socket", socket.toString(),
                "--metrics", dir.resolve("metrics.sock").toString(), "--scratch", dir.resolve("worker-0").toString(),
                "--max-concurrency", "4", "--max-queued", "8", "--output-cap", "65536", "--metrics-interval-ms", "100"))
                .redirectError(dir.resolve("worker.log").toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private Path executable(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private static void awaitFile(Path file) throws InterruptedException {
        for (int i = 0; i < 400 && !Files.exists(file); i++) {
            Thread.sleep(25);
        }
        assertTrue(Files.exists(file), file + " never appeared");
    }

    private static void awaitGone(long pid) throws InterruptedException {
        for (int i = 0; i < 100 && TestProcesses.runs(pid); i++) {
            Thread.sleep(20);
        }
        assertTrue(!TestProcesses.runs(pid), "function " + pid + " outlived its worker");
    }

}
