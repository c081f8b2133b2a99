#!/usr/bin/env python3
"""Reads the control plane's and its workers' memory and CPU from /proc.

  procstat.py snapshot CP_PID            one JSON line: per process rss_kb and cpu ticks
  procstat.py sample CP_PID SECONDS OUT  RSS every 0.5 s for SECONDS, one JSON line per sample, to OUT
  procstat.py workers CP_PID             the worker JVMs' process ids, space-separated

Workers are the control plane's direct child processes that are JVMs. Each worker starts its
function processes through its fork server, faas-spawn (a child of the worker), which reaps them:
their CPU is counted through faas-spawn's cutime/cstime (time of reaped children).
"""
import json
import os
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        raw = f.read()
    comm = raw[raw.index("(") + 1:raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2:].split()
    # fields[0] is state (field 3); utime is field 14 -> index 11
    return {
        "comm": comm,
        "ppid": int(fields[1]),
        "utime": int(fields[11]),
        "stime": int(fields[12]),
        "cutime": int(fields[13]),
        "cstime": int(fields[14]),
    }


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def children(parents, comm):
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            s = stat(int(name))
            if s["ppid"] in parents and s["comm"] == comm:
                found.append(int(name))
        except (OSError, ValueError):
            pass
    return sorted(found)


def workers(cp_pid):
    return children({cp_pid}, "java")


def one(pid, role):
    s = stat(pid)
    return {"pid": pid, "role": role, "rss_kb": rss_kb(pid), "utime": s["utime"], "stime": s["stime"],
            "cutime": s["cutime"], "cstime": s["cstime"]}


def snapshot(cp_pid):
    procs = []
    worker_pids = workers(cp_pid)
    spawners = children(set(worker_pids), "faas-spawn")
    roles = [(cp_pid, "control-plane")] + [(w, "worker") for w in worker_pids] + [(s, "spawner") for s in spawners]
    for pid, role in roles:
        try:
            procs.append(one(pid, role))
        except OSError:
            pass
    return {"t": time.time(), "ticks_per_s": TICKS, "procs": procs}


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "snapshot":
        print(json.dumps(snapshot(int(sys.argv[2]))))
    elif len(sys.argv) == 3 and sys.argv[1] == "workers":
        print(" ".join(str(p) for p in workers(int(sys.argv[2]))))
    elif len(sys.argv) == 5 and sys.argv[1] == "sample":
        cp_pid, seconds, out = int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
        end = time.time() + seconds
        with open(out, "a") as f:
            while time.time() < end:
                f.write(json.dumps(snapshot(cp_pid)) + "\n")
                f.flush()
                time.sleep(0.5)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
