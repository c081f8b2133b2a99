#!/usr/bin/env python3
"""Writes the soak's markdown report from its two runs (with and without hostile clients).

  soak_report.py --work DIR --out FILE --meta JSON

DIR holds, per run R in (hostile, quiet): R-samples.csv (soak_sample.py), R-wrk.txt (wrk with
wrk/soak.lua) and, for the hostile run, hostile-stats.json (soak_hostile.py).
Pass criteria: each process's fds, threads and RSS after the measured calls are within +5 % of
their value right after the warm-up (both sampled between calls: under load fds and threads follow
the calls in flight), and the hostile run's p99 is at most 2x the quiet one's.
"""
import argparse
import csv
import json
import os

LIMIT = 1.05


def wrk_result(path):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith("SOAK_JSON "):
                    return json.loads(line.split(" ", 1)[1])
    except OSError:
        pass
    return None


def samples(path):
    with open(path) as f:
        return [dict(r, elapsed_s=float(r["elapsed_s"]), fds=int(r["fds"]), threads=int(r["threads"]),
                     rss_kb=int(r["rss_kb"])) for r in csv.DictReader(f)]


def flatness(rows):
    """Per role and metric: the first measured sample (post-warm-up), the largest later one, growth, pass."""
    out = []
    for role in sorted({r["role"] for r in rows}, key=lambda x: (x != "control-plane", x)):
        mine = [r for r in rows if r["role"] == role]
        measured = [r for r in mine if r["phase"] == "measure"]
        ended = [r for r in mine if r["phase"] == "end"]
        if not measured or not ended:
            continue
        # both taken between calls (the first as the warm-up's calls ended, the other after the measured
        # ones): under load, fds and threads follow the calls in flight, which is not growth
        base, last = measured[0], ended[-1]
        pids = sorted({r["pid"] for r in measured + ended})
        for metric in ("fds", "threads", "rss_kb"):
            peak = max(r[metric] for r in measured + ended)
            growth = (last[metric] / base[metric] - 1) * 100 if base[metric] else 0.0
            out.append({"role": role, "metric": metric, "base": base[metric], "peak": peak,
                        "last": last[metric], "growth_pct": growth,
                        "pass": last[metric] <= base[metric] * LIMIT, "restarted": len(pids) > 1})
    return out


def fmt_us(us):
    return "%.1f ms" % (us / 1000.0)


def run_section(name, work, lines):
    res = wrk_result(os.path.join(work, name + "-wrk.txt"))
    rows = samples(os.path.join(work, name + "-samples.csv"))
    flat = flatness(rows)
    lines.append(f"\n## Run {name}\n")
    if res:
        lines.append(f"{res['requests']:,} requests in {res['duration_s']:.0f} s ({res['rps']:,.0f} req/s); "
                     f"p50 {fmt_us(res['p50_us'])}, p90 {fmt_us(res['p90_us'])}, **p99 {fmt_us(res['p99_us'])}**, "
                     f"p99.9 {fmt_us(res['p999_us'])}, max {fmt_us(res['lat_max_us'])}; answers 2xx {res['ok']:,}, "
                     f"404 {res['not_found']:,}, other >= 400 {res['unexpected_status']:,}; socket errors: connect "
                     f"{res['err_connect']}, read {res['err_read']}, write {res['err_write']}, timeout {res['err_timeout']}.\n")
    else:
        lines.append("wrk gave no result (see the work dir).\n")
    lines.append("'after warm-up' is sampled as the warm-up's calls end, 'after the calls' once the measured calls "
                 "have ended (the hostile clients still connected in the hostile run); growth compares these two, "
                 "both taken between calls. 'peak' is the largest sample, under load included.\n")
    lines.append("| process | metric | after warm-up | peak | after the calls | growth | within +5 % |")
    lines.append("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    for r in flat:
        note = " (restarted)" if r["restarted"] else ""
        lines.append(f"| {r['role']}{note} | {r['metric']} | {r['base']:,} | {r['peak']:,} | {r['last']:,} | "
                     f"{r['growth_pct']:+.1f} % | {'yes' if r['pass'] else '**no**'} |")
    return res, flat, rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--work", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--meta", default="{}")
    a = p.parse_args()
    meta = json.loads(a.meta)
    lines = [f"# Soak {meta.get('stamp', '')}\n",
             f"Mixed calls (60 % unknown route, 23 % WASM, 15 % native C, 2 % PHP; WASM's share goes to the others "
             f"when it could not be deployed) with wrk from 127.0.0.1, first with {meta.get('idle_uploads')} idle "
             f"uploads and {meta.get('slowloris')} slowloris connections from other loopback addresses, then "
             f"the same without them. Samples of fds, threads and RSS every {meta.get('interval')} s.\n",
             "| | |", "| --- | --- |"]
    for k in ("started", "commit", "jar", "cores", "workers", "requests_target", "load_start", "load_end", "note"):
        if meta.get(k) not in (None, ""):
            lines.append(f"| {k} | {meta[k]} |")
    hostile, flat_h, rows_h = run_section("hostile", a.work, lines)
    try:
        with open(os.path.join(a.work, "hostile-stats.json")) as f:
            stats = json.load(f)
        lines.append("\nHostile clients (connections are reopened a second after the server ends them):\n")
        for kind, counts in sorted(stats.get("kinds", {}).items()):
            lines.append(f"- {kind}: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())))
    except OSError:
        pass
    quiet, flat_q, rows_q = run_section("quiet", a.work, lines)

    lines.append("\n## Verdict\n")
    flat_ok = all(r["pass"] for r in flat_h)
    lines.append(f"- fds, threads, RSS within +5 % of their post-warm-up value in the hostile run: "
                 f"**{'pass' if flat_ok else 'FAIL'}**"
                 + ("" if flat_ok else " (" + ", ".join(f"{r['role']} {r['metric']} {r['growth_pct']:+.1f} %"
                                                      for r in flat_h if not r["pass"]) + ")"))
    if hostile and quiet and quiet["p99_us"] > 0:
        ratio = hostile["p99_us"] / quiet["p99_us"]
        lines.append(f"- p99 with hostile clients {fmt_us(hostile['p99_us'])} vs without {fmt_us(quiet['p99_us'])}: "
                     f"{ratio:.2f}x: **{'pass' if ratio <= 2 else 'FAIL'}** (limit 2x)")
    else:
        lines.append("- p99 comparison: missing a wrk result")
    lines.append("\n## Samples\n")
    lines.append("CSV: `elapsed_s,phase,role,pid,fds,threads,rss_kb`; files next to this report.\n")
    for name, rows in (("hostile", rows_h), ("quiet", rows_q)):
        lines.append(f"\n<details><summary>{name} run, {len(rows)} rows</summary>\n\n| s | phase | process | pid | fds | threads | RSS KiB |")
        lines.append("| ---: | --- | --- | ---: | ---: | ---: | ---: |")
        for r in rows:
            lines.append(f"| {r['elapsed_s']:.0f} | {r['phase']} | {r['role']} | {r['pid']} | {r['fds']} | {r['threads']} | {r['rss_kb']:,} |")
        lines.append("\n</details>")
    with open(a.out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
