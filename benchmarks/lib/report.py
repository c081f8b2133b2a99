#!/usr/bin/env python3
"""Turns one suite run's raw files into <stamp>.md, <stamp>.json and <stamp>-latency.svg (and the
latest.* copies). Input (in --work): scenarios.jsonl, ceilings.jsonl, rss-<function>.jsonl.
Plain python3, no third-party modules; the SVG is written as text."""
import argparse
import json
import math
import os
import shutil
from html import escape

CEILING_OF = {"php-ping": "php", "native-hello": "native"}
FUNCTION_LABEL = {
    "php-ping": "PHP ping (GET, process per request)",
    "native-hello": "native C hello (POST, process per request)",
    "wasm-hello": "WASM hello (POST)",
    "unknown-route": "unknown route (gateway only, 404)",
}


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def ceilings(work):
    best = {}
    runs = read_jsonl(os.path.join(work, "ceilings.jsonl"))
    for r in runs:
        t, res = r["target"], r["result"]
        if t not in best or res["starts_per_sec"] > best[t]["starts_per_sec"]:
            best[t] = res
    return best, runs


def adjacent_ceilings(runs):
    """Mean starts/s of the short ceiling runs right before and after each scenario, by scenario name."""
    by_name = {}
    for r in runs:
        when = r.get("when", "")
        if when.startswith("adjacent:"):
            by_name.setdefault(when[len("adjacent:"):], []).append(r["result"]["starts_per_sec"])
    return {name: round(sum(v) / len(v), 1) for name, v in by_name.items()}


def cpu_split(sc):
    """Share of one core used during the scenario by the control plane, the workers (JVMs and their
    faas-spawn fork servers) and the function processes those reaped (their cutime/cstime)."""
    before = {p["pid"]: p for p in sc["before"]["procs"]}
    after = {p["pid"]: p for p in sc["after"]["procs"]}
    ticks = sc["after"]["ticks_per_s"]
    wall = sc["after"]["t"] - sc["before"]["t"]
    if wall <= 0:
        return None
    out = {"control_plane": 0.0, "workers": 0.0, "functions": 0.0}
    for pid, a in after.items():
        b = before.get(pid)
        if b is None:
            continue
        own = (a["utime"] + a["stime"] - b["utime"] - b["stime"]) / ticks / wall
        kids = (a["cutime"] + a["cstime"] - b["cutime"] - b["cstime"]) / ticks / wall
        if a["role"] == "control-plane":
            out["control_plane"] += own
        else:
            out["workers"] += own
            out["functions"] += kids
    return {k: round(v * 100, 1) for k, v in out.items()}


def rss_summary(work, function):
    samples = read_jsonl(os.path.join(work, f"rss-{function}.jsonl"))
    if not samples:
        return None
    per = {}
    for s in samples:
        for p in s["procs"]:
            e = per.setdefault(p["pid"], {"pid": p["pid"], "role": p["role"], "values": []})
            e["values"].append(p["rss_kb"])
    procs = []
    for e in sorted(per.values(), key=lambda e: (e["role"] != "control-plane", e["pid"])):
        v = e["values"]
        procs.append({"pid": e["pid"], "role": e["role"], "samples": len(v),
                      "peak_mb": round(max(v) / 1024, 1), "mean_mb": round(sum(v) / len(v) / 1024, 1)})
    return {"function": function, "samples": len(samples), "processes": procs}


def fmt_ms(us):
    ms = us / 1000
    return f"{ms:.2f}" if ms < 100 else f"{ms:.0f}"


def svg_chart(rows, title):
    """One panel per function: p50 (circles) and p99 (squares) against connections, keep-alive
    solid and Connection: close dashed (hollow markers); each panel has its own log y axis in ms."""
    groups = {}
    for r in rows:
        if r["rps"] is None or r["body_bytes"] != 0:
            continue
        groups.setdefault(r["function"], []).append(r)
    order = [f for f in FUNCTION_LABEL if f in groups]
    cols = 2
    rows = max(1, math.ceil(len(order) / cols))
    pw, ph = 440, 280
    ml, mr, mt, mb = 62, 16, 34, 46
    width, height = cols * pw, rows * ph + 70
    conns = [1, 16, 64]
    colors = {"p50": "#1f6feb", "p99": "#d9480f"}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">{escape(title)}</text>']
    for i, fn in enumerate(order):
        ox, oy = (i % cols) * pw, 34 + (i // cols) * ph
        x0, x1, y0, y1 = ox + ml, ox + pw - mr, oy + mt, oy + ph - mb
        pts = groups[fn]
        values = [r[k] for r in pts for k in ("p50_ms", "p99_ms") if r[k] > 0]
        lo = math.floor(math.log10(min(values))) if values else -1
        hi = math.ceil(math.log10(max(values))) if values else 0
        if hi <= lo:
            hi = lo + 1

        def X(c):
            return x0 + (x1 - x0) * (conns.index(c) + 0.5) / len(conns)

        def Y(ms):  # log scale: p50 of a fraction of a ms and p99 of seconds in one panel
            v = math.log10(max(ms, 10 ** lo))
            return y1 - (y1 - y0) * (v - lo) / (hi - lo)

        out.append(f'<text x="{(x0 + x1) / 2}" y="{oy + 20}" text-anchor="middle" font-weight="bold">'
                   f'{escape(FUNCTION_LABEL[fn])}</text>')
        out.append(f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="none" stroke="#999"/>')
        for e in range(lo, hi + 1):
            for m in (1, 2, 5):
                v = m * 10.0 ** e
                if v > 10.0 ** hi:
                    break
                y = Y(v)
                grid = "#ddd" if m == 1 else "#f3f3f3"
                out.append(f'<line x1="{x0}" x2="{x1}" y1="{y:.1f}" y2="{y:.1f}" stroke="{grid}"/>')
                if m == 1:
                    out.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>')
                elif hi - lo <= 3:  # 2 and 5 labelled only while they fit
                    out.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#888" font-size="10">{v:g}</text>')
        out.append(f'<text transform="translate({ox + 16},{(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">latency (ms, log scale)</text>')
        for c in conns:
            out.append(f'<text x="{X(c):.1f}" y="{y1 + 16}" text-anchor="middle">{c}</text>')
        out.append(f'<text x="{(x0 + x1) / 2}" y="{y1 + 34}" text-anchor="middle">connections</text>')
        for close in (False, True):
            for pct, key in (("p50", "p50_ms"), ("p99", "p99_ms")):
                series = sorted(((r["connections"], r[key]) for r in pts
                                 if r["keep_alive"] != close and r["connections"] in conns))
                if not series:
                    continue
                dx = 5 if close else -5  # side by side where the two overlap
                path = " ".join(f"{X(c) + dx:.1f},{Y(ms):.1f}" for c, ms in series)
                dash = ' stroke-dasharray="5,4"' if close else ""
                out.append(f'<polyline points="{path}" fill="none" stroke="{colors[pct]}" stroke-width="2"{dash}/>')
                fill = "white" if close else colors[pct]  # hollow markers for Connection: close
                for c, ms in series:
                    tip = f'<title>{fn} c{c} {"close" if close else "keep-alive"} {pct} {ms:.2f} ms</title>'
                    if pct == "p50":
                        out.append(f'<circle cx="{X(c) + dx:.1f}" cy="{Y(ms):.1f}" r="3.5" fill="{fill}" '
                                   f'stroke="{colors[pct]}" stroke-width="1.5">{tip}</circle>')
                    else:
                        out.append(f'<rect x="{X(c) + dx - 3.5:.1f}" y="{Y(ms) - 3.5:.1f}" width="7" height="7" '
                                   f'fill="{fill}" stroke="{colors[pct]}" stroke-width="1.5">{tip}</rect>')
    ly = height - 22
    lx = width / 2 - 350
    legend = [("p50 keep-alive", colors["p50"], ""), ("p99 keep-alive", colors["p99"], ""),
              ("p50 Connection: close", colors["p50"], "5,4"), ("p99 Connection: close", colors["p99"], "5,4")]
    for j, (text, color, dash) in enumerate(legend):
        x = lx + j * 180
        d = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{x}" x2="{x + 28}" y1="{ly}" y2="{ly}" stroke="{color}" stroke-width="2"{d}/>')
        out.append(f'<text x="{x + 34}" y="{ly + 4}">{escape(text)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def chart_title(stamp, meta):
    return (f"faasj latency vs connections ({stamp}, {meta['cores']} cores, "
            f"load {meta['load_start'].split()[0]} to {meta['load_end'].split()[0]})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work")
    ap.add_argument("--out")
    ap.add_argument("--stamp")
    ap.add_argument("--meta")
    ap.add_argument("--redraw", metavar="RESULT_JSON", help="only redraw <stamp>-latency.svg from a result JSON")
    args = ap.parse_args()
    if args.redraw:
        with open(args.redraw) as f:
            data = json.load(f)
        stamp = os.path.basename(args.redraw)[:-len(".json")]
        meta = data["meta"]
        svg = svg_chart(data["scenarios"], chart_title(stamp, meta))
        target = os.path.join(os.path.dirname(args.redraw), ("latest" if stamp == "latest" else stamp + "-latency") + ".svg")
        with open(target, "w") as f:
            f.write(svg)
        print(f"wrote {target}")
        return
    if not (args.work and args.out and args.stamp and args.meta):
        ap.error("--work, --out, --stamp and --meta are required (or --redraw)")
    meta = json.loads(args.meta)
    best, ceiling_runs = ceilings(args.work)
    scenarios = read_jsonl(os.path.join(args.work, "scenarios.jsonl"))
    adjacent = adjacent_ceilings(ceiling_runs)

    rows = []
    for sc in scenarios:
        w = sc["wrk"]
        ceil_target = CEILING_OF.get(sc["function"])
        ceil = best.get(ceil_target, {}).get("starts_per_sec") if ceil_target else None
        row = {
            "scenario": sc["name"], "function": sc["function"], "method": sc["method"], "path": sc["path"],
            "connections": sc["connections"], "keep_alive": not sc["close"], "body_bytes": sc["body_bytes"],
            "duration_s": sc["duration_s"],
            "rps": w["rps"] if w else None,
            "p50_ms": round(w["p50_us"] / 1000, 3) if w else None,
            "p90_ms": round(w["p90_us"] / 1000, 3) if w else None,
            "p99_ms": round(w["p99_us"] / 1000, 3) if w else None,
            "mean_ms": round(w["lat_mean_us"] / 1000, 3) if w else None,
            "requests": w["requests"] if w else None,
            "errors": w["errors"] if w else None,
            "errors_detail": {k[4:]: w[k] for k in ("err_status", "err_connect", "err_read", "err_write", "err_timeout")} if w else None,
            "ceiling": ceil_target,
            "ceiling_starts_per_s": ceil,
            "fraction_of_ceiling": round(w["rps"] / ceil, 3) if (w and ceil) else None,
            "adjacent_ceiling_starts_per_s": adjacent.get(sc["name"]),
            "fraction_of_adjacent_ceiling": round(w["rps"] / adjacent[sc["name"]], 3)
            if (w and adjacent.get(sc["name"])) else None,
            "cpu_percent_of_one_core": cpu_split(sc),
            "load1": sc.get("load1"),
        }
        rows.append(row)
    rss = [r for r in (rss_summary(args.work, f) for f in FUNCTION_LABEL) if r]

    data = {"meta": meta, "ceilings": {k: v for k, v in best.items()}, "ceiling_runs": ceiling_runs,
            "scenarios": rows, "rss_during_c16_keepalive": rss}

    md = []
    md.append(f"# faasj benchmark run {args.stamp}")
    md.append("")
    md.append(f"Started {meta['started']} on {meta['cores']} cores ({meta['cpu']}), kernel {meta['kernel']}, "
              f"{meta['java']}, {meta['php']}, {meta['wrk'].split(' [')[0]}; commit {meta['commit']}; "
              f"{meta['workers']} workers; {meta['duration_s']:g} s per scenario after {meta['warmup_s']:g} s "
              f"warm-up per function.")
    md.append("")
    md.append(f"**Shared, noisy machine**: load average (1/5/15 min) {meta['load_start']} at the start and "
              f"{meta['load_end']} at the end, from other engineers' builds and tests as well as this run; "
              f"wrk runs on the same cores as the platform. Compare ratios (fraction of ceiling) rather "
              f"than absolute numbers, and repeat before trusting a small difference.")
    md.append("")
    md.append("## Ceilings: bare process starts on all cores")
    md.append("")
    md.append("`ceiling/spawn_loop.c`, one thread per core, each starting the deployed artifact over and "
              "over (pipes for stdin/stdout, exec, write a small body, read stdout to EOF, waitpid).")
    md.append("")
    md.append("Measured before the scenarios and again after them (the load moves on a shared machine); "
              "\"of ceiling\" below divides by the best run. Each PHP and native scenario is also "
              "bracketed by two short runs of its own target (in the faster mode), and \"of adjacent\" "
              "divides by their mean: the host's speed drifts within minutes, and this ratio compares "
              "the platform with the bare starts of the same moment.")
    md.append("")
    md.append("| target | when | load (1 min) | fork+exec starts/s | posix_spawn starts/s |")
    md.append("| --- | --- | ---: | ---: | ---: |")
    for t in ("php", "native"):
        label = "`php ping.php`" if t == "php" else "native hello (`gcc -O2`)"
        for when in ("before", "after"):
            runs = [r for r in ceiling_runs if r["target"] == t and r.get("when", "before") == when]
            if not runs:
                continue
            by_mode = {r["result"]["mode"]: r["result"]["starts_per_sec"] for r in runs}
            f, s = by_mode.get("fork"), by_mode.get("posix_spawn")
            md.append(f"| {label} | {when} | {runs[0].get('load1', '?')} | "
                      f"{f:,.0f} | {s:,.0f} |" if f is not None and s is not None else f"| {label} | {when} | | | |")
    md.append("")
    md.append("Ceilings used: " + ", ".join(f"{t} {best[t]['starts_per_sec']:,.0f} starts/s" for t in ("php", "native") if t in best) + ".")
    md.append("")
    md.append("## Scenarios")
    md.append("")
    md.append("Errors are socket errors (connect, read, write, timeout) plus answers with status >= 400 "
              "(for the unknown route: any status other than 404). CPU is % of one core over the "
              "scenario: control plane / worker JVMs / function processes. Load is the 1-minute load "
              "average right after the scenario (this run's own wrk and platform included).")
    md.append("")
    md.append("| scenario | req/s | p50 ms | p99 ms | errors | of ceiling | of adjacent | CPU % cp / workers / functions | load (1 min) |")
    md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        if r["rps"] is None:
            md.append(f"| {r['scenario']} | wrk failed | | | | | | | |")
            continue
        frac = f"{r['fraction_of_ceiling'] * 100:.0f}%" if r["fraction_of_ceiling"] is not None else "n/a"
        adj = r.get("fraction_of_adjacent_ceiling")
        adj_s = f"{adj * 100:.0f}% of {r['adjacent_ceiling_starts_per_s']:,.0f}" if adj is not None else "n/a"
        cpu = r["cpu_percent_of_one_core"]
        cpu_s = f"{cpu['control_plane']:.0f} / {cpu['workers']:.0f} / {cpu['functions']:.0f}" if cpu else ""
        md.append(f"| {r['scenario']} | {r['rps']:,.1f} | {fmt_ms(r['p50_ms'] * 1000)} | {fmt_ms(r['p99_ms'] * 1000)} "
                  f"| {r['errors']:,} | {frac} | {adj_s} | {cpu_s} | {r['load1'] if r['load1'] is not None else ''} |")
    if meta.get("wasm_note"):
        md.append("")
        md.append(f"WASM hello skipped: {meta['wasm_note']}")
    md.append("")
    md.append("WASM runs inside the worker JVM (no process start), so it has no bare-start ceiling; "
              "the unknown route never reaches a worker.")
    md.append("")
    md.append("## Memory (RSS, sampled every 0.5 s during each 16-connection keep-alive scenario)")
    md.append("")
    for r in rss:
        cp = [p for p in r["processes"] if p["role"] == "control-plane"]
        ws = [p for p in r["processes"] if p["role"] == "worker"]
        parts = []
        if cp:
            parts.append(f"control plane peak {cp[0]['peak_mb']:.0f} MB (mean {cp[0]['mean_mb']:.0f})")
        if ws:
            parts.append("workers peak " + ", ".join(f"{w['peak_mb']:.0f}" for w in ws) + " MB "
                         "(mean " + ", ".join(f"{w['mean_mb']:.0f}" for w in ws) + ")")
        md.append(f"- {r['function']} c16 keep-alive: " + "; ".join(parts))
    md.append("")
    md.append(f"![latency vs connections]({args.stamp}-latency.svg)")
    md.append("")
    md.append("For comparison, the original C platform on a 2-core machine (seed FINDINGS.md, wrk -t2 -c16): "
              "PHP ping 81 req/s, native hello 1,051 req/s, unknown route 5,253 req/s.")
    md_text = "\n".join(md) + "\n"

    os.makedirs(args.out, exist_ok=True)
    svg = svg_chart(rows, chart_title(args.stamp, meta))
    files = {
        f"{args.stamp}.md": md_text,
        f"{args.stamp}.json": json.dumps(data, indent=2) + "\n",
        f"{args.stamp}-latency.svg": svg,
    }
    for name, text in files.items():
        with open(os.path.join(args.out, name), "w") as f:
            f.write(text)
    # stable copies for README.md; latest.md points at latest.svg
    with open(os.path.join(args.out, "latest.md"), "w") as f:
        f.write(md_text.replace(f"({args.stamp}-latency.svg)", "(latest.svg)"))
    shutil.copyfile(os.path.join(args.out, f"{args.stamp}.json"), os.path.join(args.out, "latest.json"))
    shutil.copyfile(os.path.join(args.out, f"{args.stamp}-latency.svg"), os.path.join(args.out, "latest.svg"))
    print(md_text)


if __name__ == "__main__":
    main()
