package org.faasj.worker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.faasj.model.MetricsDatagram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

class MetricsReporterTest {

    @TempDir
    Path dir;

    @Test
    void sendsADatagramTheControlPlaneCanDecode() throws Exception {
        Path path = dir.resolve("metrics.sock");
        try (AFUNIXDatagramSocket collector = AFUNIXDatagramSocket.newInstance()) {
            collector.bind(AFUNIXSocketAddress.of(path));
            collector.setSoTimeout(2000);
            try (MetricsReporter reporter = new MetricsReporter(3, path, new ProcReader(), () -> 2, () -> 41)) {
                reporter.run();
                DatagramPacket packet = new DatagramPacket(new byte[256], 256);
                collector.receive(packet);
                MetricsDatagram m = MetricsDatagram.decode(ByteBuffer.wrap(packet.getData(), 0, packet.getLength()));
                assertEquals(3, m.workerId());
                assertEquals(ProcessHandle.current().pid(), m.pid());
                assertEquals(2, m.inFlight());
                assertEquals(41, m.completed());
                assertTrue(m.rssBytes() > 1 << 20, "rss " + m.rssBytes());
                assertTrue(m.mem() > 0 && m.score() >= 0);
            }
        }
    }

    @Test
    void nobodyListeningIsIgnoredAndACollectorThatAppearsLaterGetsTheNextTick() throws Exception {
        Path path = dir.resolve("late.sock");
        try (MetricsReporter reporter = new MetricsReporter(5, path, new ProcReader(), () -> 1, () -> 7)) {
            reporter.run(); // nobody there: must neither throw nor break the reporter
            reporter.run();
            try (AFUNIXDatagramSocket collector = AFUNIXDatagramSocket.newInstance()) {
                collector.bind(AFUNIXSocketAddress.of(path));
                collector.setSoTimeout(5000);
                reporter.run();
                DatagramPacket packet = new DatagramPacket(new byte[256], 256);
                collector.receive(packet);
                MetricsDatagram m = MetricsDatagram.decode(ByteBuffer.wrap(packet.getData(), 0, packet.getLength()));
                assertEquals(5, m.workerId());
                assertEquals(1, m.inFlight());
                assertEquals(7, m.completed());
            }
        }
    }

    @Test
    void cpuBurnedBetweenTwoSamplesShowsInTheScore() throws Exception {
        try (MetricsReporter reporter = new MetricsReporter(3, dir.resolve("none.sock"), new ProcReader(), () -> 0, () -> 0)) {
            MetricsDatagram idle = reporter.sample();
            long until = System.nanoTime() + 300_000_000L;
            long spin = 0;
            while (System.nanoTime() < until) {
                spin += Long.numberOfTrailingZeros(spin + System.nanoTime());
            }
            MetricsDatagram busy = reporter.sample();
            assertTrue(spin >= 0);
            assertTrue(busy.cpu() > 0, "cpu after 300 ms of spinning: " + busy.cpu() + " (idle sample " + idle.cpu() + ")");
            assertTrue(busy.sentAtMillis() >= idle.sentAtMillis());
        }
    }
}
