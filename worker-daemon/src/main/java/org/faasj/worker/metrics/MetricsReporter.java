package org.faasj.worker.metrics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import org.faasj.model.MetricsDatagram;
import org.faasj.model.ScoreModel;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the worker's load and sends one datagram per tick to the control plane. Runs on a
 * single scheduler thread, which owns the score model. Nobody listening is normal (the control
 * plane may be restarting) and is ignored.
 */
public final class MetricsReporter implements Runnable, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsReporter.class);

    private final int workerId;
    private final ProcReader reader;
    private final ScoreModel score = new ScoreModel();
    private final IntSupplier inFlight;
    private final LongSupplier completed;
    private final AFUNIXDatagramSocket socket;
    private final AFUNIXSocketAddress target;
    private final int cores = Runtime.getRuntime().availableProcessors();
    private ProcCounters previous;

    public MetricsReporter(int workerId, Path target, ProcReader reader, IntSupplier inFlight, LongSupplier completed)
            throws IOException {
        this.workerId = workerId;
        this.reader = reader;
        this.inFlight = inFlight;
        this.completed = completed;
        this.socket = AFUNIXDatagramSocket.newInstance();
        this.target = AFUNIXSocketAddress.of(target);
        this.previous = reader.read();
    }

    @Override
    public void run() {
        try {
            send(sample());
        } catch (RuntimeException e) {
            log.warn("metrics sample failed: {}", e.toString());
        }
    }

    MetricsDatagram sample() {
        ProcCounters now = reader.read();
        LoadRates rates = LoadRates.between(previous, now, ProcReader.TICKS_PER_SECOND, cores);
        previous = now;
        score.sample(rates.cpuPercent(), rates.rssMb(), rates.ioKbPerS());
        return new MetricsDatagram(workerId, ProcessHandle.current().pid(), System.currentTimeMillis(),
                score.cpu(), score.mem(), score.io(), score.score(), inFlight.getAsInt(), completed.getAsLong(),
                now.rssBytes());
    }

    private void send(MetricsDatagram datagram) {
        try {
            // through the channel: a DatagramPacket refuses a Unix address as "unresolved"
            socket.getChannel().send(ByteBuffer.wrap(datagram.encode()), target);
        } catch (IOException nobodyListening) {
            log.trace("metrics not delivered: {}", nobodyListening.toString());
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
