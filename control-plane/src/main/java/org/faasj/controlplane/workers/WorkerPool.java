package org.faasj.controlplane.workers;

import java.util.List;

import org.faasj.controlplane.system.FaasProperties;
import org.faasj.model.CompletionAck;
import org.springframework.stereotype.Component;

/** The fixed set of worker slots, one per configured worker. */
@Component
public class WorkerPool {

    private final WorkerSlot[] slots;
    private volatile HandoffListener listener = new HandoffListener() {
        @Override
        public void completed(WorkerSlot slot, CompletionAck ack) {
            if (!ack.isResponseStart()) {
                slot.requestEnded();
            }
        }

        @Override
        public void lost(WorkerSlot slot, boolean workerDied) {
        }
    };

    /** The gateway registers here to learn about completed and lost requests. */
    public void listen(HandoffListener newListener) {
        listener = newListener;
    }

    /** What links report to: forwards to whoever listens now. */
    HandoffListener events() {
        return new HandoffListener() {
            @Override
            public void completed(WorkerSlot slot, CompletionAck ack) {
                listener.completed(slot, ack);
            }

            @Override
            public void lost(WorkerSlot slot, boolean workerDied) {
                listener.lost(slot, workerDied);
            }
        };
    }

    public WorkerPool(FaasProperties properties) {
        int count = properties.workers().count();
        if (count < 1) {
            throw new IllegalArgumentException("faas.workers.count must be at least 1, was " + count);
        }
        slots = new WorkerSlot[count];
        for (int i = 0; i < count; i++) {
            slots[i] = new WorkerSlot(i);
        }
    }

    /** The slots; the array is shared, never modify it. */
    public WorkerSlot[] slots() {
        return slots;
    }

    public WorkerSlot slot(int id) {
        return id >= 0 && id < slots.length ? slots[id] : null;
    }

    public List<WorkerSlot> all() {
        return List.of(slots);
    }

    public List<WorkerStatus> statuses() {
        return all().stream().map(WorkerStatus::of).toList();
    }

    /** See {@link WorkerSlot#announceDrain()}. */
    public void announceDrain() {
        for (WorkerSlot s : slots) {
            s.announceDrain();
        }
    }

    public long readyCount() {
        int n = 0;
        for (WorkerSlot s : slots) {
            if (s.isReady()) {
                n++;
            }
        }
        return n;
    }
}
