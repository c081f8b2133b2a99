package org.faasj.controlplane.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.faasj.model.InvocationOutcome;
import org.faasj.model.InvocationRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

class CallRecordReceiverTest {

    private final BlockingQueue<List<InvocationRecord>> delivered = new LinkedBlockingQueue<>();
    private final CallRecords records = new CallRecords(List.of(delivered::add));
    private final CallRecordReceiver receiver = new CallRecordReceiver(Path.of("unused.sock"), records);

    @AfterEach
    void stop() {
        records.stop();
    }

    private static InvocationRecord record(String callId, InvocationOutcome outcome, int status, int exitCode) {
        return new InvocationRecord(callId, "fn", 2, 1, 1_000, 50, 3, status, outcome, exitCode, false, -1, -1, "err\n");
    }

    @Test
    void aBatchIsDecodedAndPublished() throws InterruptedException {
        records.start();
        List<InvocationRecord> batch = List.of(record("a", InvocationOutcome.OK, 200, 0),
                record("b", InvocationOutcome.EXIT_NONZERO, 500, 3));
        assertThat(receiver.accept(ByteBuffer.wrap(InvocationRecord.encodeBatch(batch)))).isTrue();
        assertThat(delivered.poll(20, TimeUnit.SECONDS)).isEqualTo(batch);
    }

    @Test
    void aDatagramThatIsNotABatchIsIgnored() throws InterruptedException {
        records.start();
        assertThat(receiver.accept(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)))).isFalse();
        byte[] good = InvocationRecord.encodeBatch(List.of(record("c", InvocationOutcome.OK, 200, 0)));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        assertThat(receiver.accept(ByteBuffer.wrap(truncated))).isFalse();
        assertThat(receiver.accept(ByteBuffer.allocate(InvocationRecord.MAX_BATCH_BYTES + 1))).isFalse();
        assertThat(delivered.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aBatchSentToTheSocketArrives(@TempDir Path dir) throws Exception {
        records.start();
        Path socket = dir.resolve("calls.sock");
        CallRecordReceiver bound = new CallRecordReceiver(socket, records);
        bound.start();
        try (AFUNIXDatagramSocket sender = AFUNIXDatagramSocket.newInstance()) {
            List<InvocationRecord> batch = List.of(record("over-the-wire", InvocationOutcome.OK, 200, 0));
            byte[] bytes = InvocationRecord.encodeBatch(batch);
            sender.getChannel().send(ByteBuffer.wrap(bytes), AFUNIXSocketAddress.of(socket));
            assertThat(delivered.poll(20, TimeUnit.SECONDS)).isEqualTo(batch);
        } finally {
            bound.stop();
        }
        assertThat(bound.isRunning()).isFalse();
    }
}
