#!/usr/bin/env python3
"""Samples the control plane and each worker JVM for benchmarks/soak.sh.

  soak_sample.py CP_PID INTERVAL_S PHASE_FILE OUT.csv

Every INTERVAL_S seconds, and at once whenever PHASE_FILE's content (the run's phase) changes, it
appends one CSV row per process: elapsed_s,phase,role,pid,fds,threads,rss_kb (from /proc). Roles
are control-plane and worker-<i> (workers in pid order). Runs until SIGTERM or the control plane exits.
"""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import procstat  # noqa: E402  (same directory)


def status_field(pid, name):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


def row(pid):
    return len(os.listdir(f"/proc/{pid}/fd")), status_field(pid, "Threads"), status_field(pid, "VmRSS")


def main():
    cp, interval, phase_file, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
    running = [True]
    signal.signal(signal.SIGTERM, lambda *_: running.__setitem__(0, False))
    started = time.time()
    last_phase, next_sample = None, 0.0
    with open(out, "w") as f:
        f.write("elapsed_s,phase,role,pid,fds,threads,rss_kb\n")
        while running[0] and os.path.exists(f"/proc/{cp}"):
            try:
                with open(phase_file) as p:
                    phase = p.read().strip() or "start"
            except OSError:
                phase = "start"
            now = time.time()
            if phase != last_phase or now >= next_sample:
                elapsed = round(now - started, 1)
                for role, pid in [("control-plane", cp)] + [("worker-%d" % i, w) for i, w in enumerate(procstat.workers(cp))]:
                    try:
                        fds, threads, rss = row(pid)
                    except OSError:
                        continue  # exited between the listing and the read
                    f.write(f"{elapsed},{phase},{role},{pid},{fds},{threads},{rss}\n")
                f.flush()
                last_phase, next_sample = phase, now + interval
            time.sleep(0.2)


if __name__ == "__main__":
    main()
