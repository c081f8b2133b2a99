#!/usr/bin/env python3
"""One-line progress text for run.sh: fmt.py ceiling|wrk < one JSON object."""
import json
import sys

d = json.load(sys.stdin)
if sys.argv[1] == "ceiling":
    print(f"{d['mode']}: {d['starts_per_sec']:.0f} starts/s ({d['threads']} threads, mean {d['mean_ms']:.2f} ms per start)")
else:
    print(f"{d['rps']:9.1f} req/s  p50 {d['p50_us'] / 1000:7.2f} ms  p99 {d['p99_us'] / 1000:7.2f} ms  errors {d['errors']}")
