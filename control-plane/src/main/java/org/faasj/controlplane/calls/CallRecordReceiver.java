package org.faasj.controlplane.calls;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

import org.faasj.controlplane.system.DatagramInbox;
import org.faasj.controlplane.system.RunDirectory;
import org.faasj.model.InvocationRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Listens on the Unix datagram socket the workers send their invocation records to, decodes each
 * batch and {@link CallRecords#publish publishes} it. Bound before the workers start (lower
 * lifecycle phase than the supervisor); a datagram that is not a batch is ignored at DEBUG.
 */
@Component
public class CallRecordReceiver implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CallRecordReceiver.class);

    private final CallRecords records;
    private final DatagramInbox inbox;

    @Autowired
    public CallRecordReceiver(RunDirectory runDirectory, CallRecords records) {
        this(runDirectory.callsSocket(), records);
    }

    CallRecordReceiver(Path socket, CallRecords records) {
        this.records = records;
        // one byte more than a batch may have: a datagram that fills it is too long, not a batch
        this.inbox = new DatagramInbox(socket, InvocationRecord.MAX_BATCH_BYTES + 1, "call-record-receiver",
                this::accept);
    }

    @Override
    public void start() {
        inbox.start();
    }

    /** Decodes one datagram and publishes its records; false when it was not a batch. */
    boolean accept(ByteBuffer datagram) {
        if (datagram.remaining() > InvocationRecord.MAX_BATCH_BYTES) {
            log.debug("ignored a datagram longer than an invocation record batch");
            return false;
        }
        List<InvocationRecord> batch;
        try {
            batch = InvocationRecord.decodeBatch(datagram);
        } catch (IllegalArgumentException e) {
            log.debug("ignored a datagram that is not an invocation record batch: {}", e.getMessage());
            return false;
        }
        if (log.isDebugEnabled()) {
            for (InvocationRecord r : batch) {
                log.debug("invocation record {}", r);
            }
        }
        records.publish(batch);
        return true;
    }

    @Override
    public void stop() {
        inbox.stop();
    }

    @Override
    public boolean isRunning() {
        return inbox.isRunning();
    }

    /** After {@link CallRecords} (40), before the workers start. */
    @Override
    public int getPhase() {
        return 50;
    }
}
