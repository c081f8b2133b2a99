package org.faasj.controlplane.logs;

import java.util.ArrayList;
import java.util.List;

import org.faasj.controlplane.calls.CallListener;
import org.faasj.model.InvocationRecord;
import org.springframework.stereotype.Component;

/**
 * Turns each record's stderr into log lines. Runs on the records' dispatch thread: a batch is a
 * few appends to files the page cache absorbs, no fsync (these are logs, not deploys).
 */
@Component
class FunctionLogs implements CallListener {

    private final LogFiles files;

    FunctionLogs(LogFiles files) {
        this.files = files;
    }

    @Override
    public void onCalls(List<InvocationRecord> records) {
        List<LogLine> lines = new ArrayList<>();
        for (InvocationRecord record : records) {
            lines.addAll(LogLine.of(record));
        }
        if (!lines.isEmpty()) {
            files.append(lines);
        }
    }
}
