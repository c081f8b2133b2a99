#!/usr/bin/env python3
"""Turns one sandbox.sh run into sandbox-<stamp>.md and .json (and the sandbox-latest.* copies).
Input (in --work): runs.jsonl (one wrk run per line: function, round, side a|b, sandbox, wrk),
spawn-bench.json (the BENCH_SPAWN object, empty if there was none) and spawn-bench.out (what
faas-spawn --bench printed). Plain python3, no third-party modules."""
import argparse
import json
import os
import shutil
import statistics

# sandbox on must reach this fraction of sandbox off (req/s), judged on the median round
TARGETS = {"native-hello": 0.85, "php-ping": 0.90}
# native hello's p99 while a fork bomb runs next door, at most this many times its quiet p99
NEIGHBOUR_P99_MAX = 2.0
LABEL = {
    "native-hello": "native C hello (POST, JSON body, process per request)",
    "php-ping": "PHP ping (GET, process per request)",
}


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def read_text(path):
    if not os.path.exists(path):
        return ""
    with open(path, errors="replace") as f:
        return f.read()


def side(run):
    w = run["wrk"]
    if not w:
        return None
    return {"rps": w["rps"], "p50_ms": round(w["p50_us"] / 1000, 3), "p99_ms": round(w["p99_us"] / 1000, 3),
            "requests": w["requests"], "errors": w["errors"], "load1": run.get("load1")}


def summarize(fn, runs):
    by_round = {}
    for r in runs:
        by_round.setdefault(r["round"], {})[r["side"]] = r
    rounds = []
    for n in sorted(by_round):
        pair = by_round[n]
        a, b = pair.get("a"), pair.get("b")
        on, off = (side(a) if a else None), (side(b) if b else None)
        first = min(pair.values(), key=lambda r: r["position"])["side"]
        ratio = round(on["rps"] / off["rps"], 3) if (on and off and off["rps"] > 0) else None
        rounds.append({"round": n, "first": "on" if first == "a" else "off", "on": on, "off": off, "ratio": ratio})
    ratios = [r["ratio"] for r in rounds if r["ratio"] is not None]
    errors = sum((r[k] or {}).get("errors", 0) for r in rounds for k in ("on", "off"))
    failed_runs = sum(1 for r in rounds for k in ("on", "off") if r[k] is None)
    target = TARGETS[fn]
    out = {
        "function": fn, "target": target, "rounds": rounds,
        "ratio_mean": round(statistics.mean(ratios), 3) if ratios else None,
        "ratio_median": round(statistics.median(ratios), 3) if ratios else None,
        "ratio_min": min(ratios) if ratios else None,
        "ratio_max": max(ratios) if ratios else None,
        "median_rps_on": round(statistics.median(r["on"]["rps"] for r in rounds if r["on"]), 1) if any(r["on"] for r in rounds) else None,
        "median_rps_off": round(statistics.median(r["off"]["rps"] for r in rounds if r["off"]), 1) if any(r["off"] for r in rounds) else None,
        "errors": errors, "failed_runs": failed_runs,
    }
    if not ratios:
        out["pass"], out["verdict"] = False, "FAIL: no complete round"
    elif failed_runs:
        out["pass"], out["verdict"] = False, f"FAIL: {failed_runs} wrk run(s) gave no result"
    elif errors:
        out["pass"], out["verdict"] = False, f"FAIL: {errors} errors (req/s of failing answers proves nothing)"
    elif out["ratio_median"] >= target:
        out["pass"], out["verdict"] = True, f"PASS: median {out['ratio_median']:.3f} >= {target:.2f}"
    else:
        out["pass"], out["verdict"] = False, f"FAIL: median {out['ratio_median']:.3f} < {target:.2f}"
    return out


def neighbour_summary(rows):
    """Per round the quiet and the bomb run of native hello on A, and p99 bomb / p99 quiet."""
    rounds = {}
    for r in rows:
        rounds.setdefault(r["round"], {})[r["phase"]] = side(r)
    table = []
    for n in sorted(rounds):
        q, b = rounds[n].get("quiet"), rounds[n].get("bomb")
        ratio = round(b["p99_ms"] / q["p99_ms"], 3) if q and b and q["p99_ms"] > 0 else None
        table.append({"round": n, "quiet": q, "bomb": b, "p99_ratio": ratio})
    ratios = [t["p99_ratio"] for t in table if t["p99_ratio"] is not None]
    median = round(statistics.median(ratios), 3) if ratios else None
    if median is None:
        verdict = "not measured"
    elif median <= NEIGHBOUR_P99_MAX:
        verdict = f"PASS: median {median:.3f} <= {NEIGHBOUR_P99_MAX:.1f}"
    else:
        verdict = f"FAIL: median {median:.3f} > {NEIGHBOUR_P99_MAX:.1f}"
    return {"rounds": table, "p99_ratio_median": median, "target": NEIGHBOUR_P99_MAX, "verdict": verdict}


def fmt_ms(ms):
    return f"{ms:.2f}" if ms < 100 else f"{ms:.0f}"


def rps(v):
    return f"{v:,.1f}"


def cell(s, key, fmt):
    return fmt(s[key]) if s else "wrk failed"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--stamp", required=True)
    ap.add_argument("--meta", required=True)
    args = ap.parse_args()
    meta = json.loads(args.meta)
    runs = read_jsonl(os.path.join(args.work, "runs.jsonl"))
    functions = {}
    for fn in TARGETS:
        mine = [r for r in runs if r["function"] == fn]
        if mine:
            functions[fn] = summarize(fn, mine)
    spawn_raw = read_text(os.path.join(args.work, "spawn-bench.out"))
    spawn_json = read_text(os.path.join(args.work, "spawn-bench.json")).strip()
    spawn = {"count": meta.get("spawn_bench_count"),
             "result": json.loads(spawn_json) if spawn_json else None,
             "note": meta.get("spawn_bench_note") or None,
             "output": spawn_raw[-4000:]}
    neighbour_rows = read_jsonl(os.path.join(args.work, "neighbour.jsonl"))
    neighbour = neighbour_summary(neighbour_rows) if neighbour_rows else None
    data = {"meta": meta, "targets": TARGETS, "functions": functions, "spawn_bench": spawn,
            "fork_bomb_neighbour": neighbour, "runs": runs}

    md = [f"# faasj sandbox cost {args.stamp}", ""]
    md.append(f"Started {meta['started']} on {meta['cores']} cores ({meta['cpu']}), kernel {meta['kernel']}, "
              f"{meta['java']}, {meta['php']}, {meta['wrk'].split(' [')[0]}; commit {meta['commit']}; "
              f"the same jar twice, {meta['workers']} workers each, `{meta['java_opts']}`.")
    md.append("")
    md.append(f"- **A**: defaults, sandbox `{meta['sandbox_a']}` (level `{meta['sandbox_a_level']}`)")
    md.append(f"- **B**: `--faas.sandbox.enabled=false`, sandbox `{meta['sandbox_b']}` (level `{meta['sandbox_b_level']}`)")
    md.append("")
    md.append(f"Per function {meta['rounds']} rounds; each round is one `wrk -t{meta['threads']} -c{meta['connections']} "
              f"-d{meta['duration_s']}s` keep-alive run against A and one against B, back to back, the order "
              f"alternating (odd rounds A first); {meta['warmup_s']} s warm-up per function and platform before. "
              f"Both platforms run the whole time, so each run shares the host with the other, idle, platform.")
    md.append("")
    md.append(f"Load average (1/5/15 min) {meta['load_start']} at the start and {meta['load_end']} at the end. "
              f"On a shared machine absolute req/s move by tens of percent within minutes; the ratio of "
              f"the two runs of one round is what this report is about.")
    md.append("")
    md.append("## Verdict")
    md.append("")
    md.append("Ratio = req/s with the sandbox / req/s without it, per round; the target is met when the "
              "median round's ratio reaches it and no run had errors.")
    md.append("")
    md.append("| function | target | median ratio | mean ratio | min – max | median req/s on / off | verdict |")
    md.append("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for fn, s in functions.items():
        if s["ratio_median"] is None:
            md.append(f"| {fn} | ≥ {s['target']:.2f} | | | | | {s['verdict']} |")
            continue
        md.append(f"| {fn} | ≥ {s['target']:.2f} | {s['ratio_median']:.3f} | {s['ratio_mean']:.3f} | "
                  f"{s['ratio_min']:.3f} – {s['ratio_max']:.3f} | "
                  f"{s['median_rps_on'] or 0:,.1f} / {s['median_rps_off'] or 0:,.1f} | **{s['verdict']}** |")
    for fn, s in functions.items():
        md.append("")
        md.append(f"## {LABEL[fn]}")
        md.append("")
        md.append("| round | first | on req/s | off req/s | ratio | on p50 ms | off p50 ms | on p99 ms | off p99 ms | errors on / off | load (1 min) on / off |")
        md.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in s["rounds"]:
            on, off = r["on"], r["off"]
            ratio = f"{r['ratio']:.3f}" if r["ratio"] is not None else ""
            md.append(f"| {r['round']} | {r['first']} | {cell(on, 'rps', rps)} | {cell(off, 'rps', rps)} | {ratio} | "
                      f"{cell(on, 'p50_ms', fmt_ms)} | {cell(off, 'p50_ms', fmt_ms)} | "
                      f"{cell(on, 'p99_ms', fmt_ms)} | {cell(off, 'p99_ms', fmt_ms)} | "
                      f"{cell(on, 'errors', str)} / {cell(off, 'errors', str)} | "
                      f"{on['load1'] if on else ''} / {off['load1'] if off else ''} |")
        if s["ratio_median"] is not None:
            md.append("")
            md.append(f"Ratio mean {s['ratio_mean']:.3f}, median {s['ratio_median']:.3f} "
                      f"(target ≥ {s['target']:.2f}): {s['verdict']}.")
    md.append("")
    md.append("## A fork bomb next door (A only)")
    md.append("")
    if neighbour is None:
        md.append("Not measured (see the run's log).")
    else:
        md.append(f"Native hello on A (`wrk -t{meta['threads']} -c{meta['connections']} -d{meta['duration_s']}s`), "
                  "quiet, then while a fork bomb (`fork()` forever, `processes` 64, `timeout` 2 s) is called back "
                  "to back on the same platform. Target: p99 with the bomb at most "
                  f"{NEIGHBOUR_P99_MAX:.0f}x the quiet p99; {neighbour['verdict']}.")
        md.append("")
        md.append("| round | quiet req/s | bomb req/s | quiet p99 ms | bomb p99 ms | p99 bomb / quiet |")
        md.append("| ---: | ---: | ---: | ---: | ---: | ---: |")
        for t in neighbour["rounds"]:
            q, b = t["quiet"], t["bomb"]
            md.append(f"| {t['round']} | {cell(q, 'rps', rps)} | {cell(b, 'rps', rps)} | {cell(q, 'p99_ms', fmt_ms)} | "
                      f"{cell(b, 'p99_ms', fmt_ms)} | {t['p99_ratio'] if t['p99_ratio'] is not None else ''} |")
    md.append("")
    md.append("## Fork server alone: `faas-spawn --bench`")
    md.append("")
    md.append(f"`<data-dir>/run/worker-0/faas-spawn --bench <tmp>/bench-root {spawn['count']} "
              f"<deployed native hello>`, after the wrk rounds: the per-start cost with and without the "
              f"sandbox, without HTTP and JVMs in the way.")
    md.append("")
    if spawn["result"] is not None:
        result = spawn["result"]
        if isinstance(result, dict):
            md.append("| field | value |")
            md.append("| --- | ---: |")
            for k, v in result.items():
                md.append(f"| {k} | {v if not isinstance(v, (dict, list)) else json.dumps(v)} |")
        md.append("")
        md.append(f"`BENCH_SPAWN {json.dumps(result)}`")
    else:
        md.append(f"Not measured: {spawn['note'] or 'no result'}.")
    md_text = "\n".join(md) + "\n"

    os.makedirs(args.out, exist_ok=True)
    base = os.path.join(args.out, f"sandbox-{args.stamp}")
    with open(base + ".md", "w") as f:
        f.write(md_text)
    with open(base + ".json", "w") as f:
        f.write(json.dumps(data, indent=2) + "\n")
    shutil.copyfile(base + ".md", os.path.join(args.out, "sandbox-latest.md"))
    shutil.copyfile(base + ".json", os.path.join(args.out, "sandbox-latest.json"))
    print(md_text)
    for fn, s in functions.items():
        if s["ratio_median"] is None:
            print(f"SANDBOX_RESULT {fn}: {s['verdict']}")
        else:
            print(f"SANDBOX_RESULT {fn}: ratios {' '.join(f'{r:.3f}' for r in (x['ratio'] for x in s['rounds']) if r is not None)}"
                  f"; mean {s['ratio_mean']:.3f}, median {s['ratio_median']:.3f}; {s['verdict']}")
    if neighbour is not None:
        print(f"SANDBOX_RESULT fork-bomb-neighbour: p99 ratios "
              f"{' '.join(str(t['p99_ratio']) for t in neighbour['rounds'])}; {neighbour['verdict']}")


if __name__ == "__main__":
    main()
