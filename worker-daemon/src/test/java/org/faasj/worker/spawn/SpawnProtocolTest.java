package org.faasj.worker.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The parts of the fork server's wire format that need no server. */
class SpawnProtocolTest {

    private static byte[] reply(int type, int a, int b, int c) {
        return ByteBuffer.allocate(SpawnProtocol.REPLY_BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(type).putInt(a).putInt(b).putInt(c).array();
    }

    @Test
    void aUsageReplyCarriesPidCpuMicrosAndPeakRss() {
        SpawnProtocol.Reply reply = SpawnProtocol.Reply.decode(reply(SpawnProtocol.REPLY_USAGE, 4242, 51_000, 3_100));

        assertEquals(SpawnProtocol.REPLY_USAGE, reply.type());
        assertEquals(4242, reply.a());
        assertEquals(new ProcessUsage(51_000, 3_100), reply.usage());
    }

    @Test
    void aSaturatedCpuTimeStaysAtInt32Max() {
        SpawnProtocol.Reply reply = SpawnProtocol.Reply.decode(reply(SpawnProtocol.REPLY_USAGE, 1, Integer.MAX_VALUE, 0));

        assertEquals(Integer.MAX_VALUE, reply.usage().cpuMicros());
    }

    @Test
    void everySpawnAsksForUsage() {
        SpawnRequest request = new SpawnRequest(List.of("/bin/true"), List.of(), Path.of("/tmp"), 0, 0, false,
                SandboxLimits.DEFAULT);
        byte[] bytes = SpawnProtocol.spawn(1, request);

        int flags = bytes[4 + 1 + 4 + 8 + 4]; // after length, type, tag, data bytes, cpu seconds
        assertEquals(4, flags & 4);
    }
}
