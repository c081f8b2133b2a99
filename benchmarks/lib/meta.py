#!/usr/bin/env python3
"""Prints the JSON "meta" object of a benchmark report: the machine and tool versions plus the
run's own fields.

  meta.py REPO [KEY=STRING | KEY:=JSON]...

REPO is the checkout whose commit is recorded; KEY=STRING adds a string, KEY:=JSON a number,
boolean or other JSON value (as in httpie)."""
import json
import platform
import subprocess
import sys


def first_line(cmd, stderr=False):
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        return (done.stderr if stderr else done.stdout).strip().splitlines()[0]
    except Exception:
        return "?"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    repo = sys.argv[1]
    meta = {}
    for arg in sys.argv[2:]:
        if "=" not in arg:
            sys.exit(f"meta.py: not KEY=STRING or KEY:=JSON: {arg}")
        key, value = arg.split("=", 1)
        if key.endswith(":"):
            meta[key[:-1]] = json.loads(value)
        else:
            meta[key] = value
    meta.update({
        "kernel": platform.release(),
        "java": first_line(["java", "-version"], stderr=True),
        "wrk": first_line(["wrk", "-v"]),
        "php": first_line(["php", "-v"]),
        "gcc": first_line(["gcc", "--version"]),
        "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
        "commit": first_line(["git", "-C", repo, "rev-parse", "--short", "HEAD"]),
    })
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
