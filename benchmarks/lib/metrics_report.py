#!/usr/bin/env python3
"""Turns one metrics.sh run into metrics-<stamp>.md and .json (and the metrics-latest.* copies),
and prints the summary. Input (in --work): runs.jsonl (one wrk run per line: target, round,
side a|b, metrics on|off, wrk) and scrape-a.txt (what A counted). Plain python3."""
import argparse
import json
import os
import shutil
import statistics

LABEL = {
    "unknown-route": "unknown route (GET, the gateway's own 404; its answer counter)",
    "native-hello": "native C hello (POST, process per request; in flight, invocation records)",
    "wasm-hello": "WASM hello (POST, in the worker's JVM; the platform's per-call cost shows most here)",
}


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def summarize(target, runs):
    by_round = {}
    for r in runs:
        by_round.setdefault(r["round"], {})[r["side"]] = r["wrk"]
    rounds = []
    for n in sorted(by_round):
        on, off = by_round[n].get("a"), by_round[n].get("b")
        ratio = round(on["rps"] / off["rps"], 3) if (on and off and off["rps"] > 0) else None
        rounds.append({"round": n, "on_rps": on and on["rps"], "off_rps": off and off["rps"],
                       "on_p99_ms": on and round(on["p99_us"] / 1000, 2), "off_p99_ms": off and round(off["p99_us"] / 1000, 2),
                       "errors": (on or {}).get("errors", 0) + (off or {}).get("errors", 0), "ratio": ratio})
    on = [r["on_rps"] for r in rounds if r["on_rps"] is not None]
    off = [r["off_rps"] for r in rounds if r["off_rps"] is not None]
    ratios = [r["ratio"] for r in rounds if r["ratio"] is not None]
    return {"target": target, "label": LABEL.get(target, target), "rounds": rounds,
            "on_rps_mean": round(statistics.mean(on), 1) if on else None,
            "off_rps_mean": round(statistics.mean(off), 1) if off else None,
            "ratio_median": round(statistics.median(ratios), 3) if ratios else None,
            "ratio_min": min(ratios) if ratios else None, "ratio_max": max(ratios) if ratios else None,
            "errors": sum(r["errors"] for r in rounds)}


def markdown(meta, summaries, scrape):
    lines = [f"# Metrics cost, {meta.get('started', '?')}", "",
             "Same jar started twice at once: **on** with the defaults, **off** with "
             "`--faas.metrics.enabled=false`; interleaved wrk rounds "
             f"(-t{meta.get('threads')} -c{meta.get('connections')}, {meta.get('duration_s')} s each, "
             f"{meta.get('rounds')} rounds, keep-alive) on {meta.get('cores')} cores, {meta.get('workers')} workers each. "
             "Ratio = on / off req/s of the same round; below 1 is what the metrics cost.", "",
             "| target | on req/s (mean) | off req/s (mean) | on/off (median of rounds) | range | errors |",
             "| --- | --- | --- | --- | --- | --- |"]
    for s in summaries:
        lines.append(f"| {s['label']} | {s['on_rps_mean']} | {s['off_rps_mean']} | {s['ratio_median']} | "
                     f"{s['ratio_min']}–{s['ratio_max']} | {s['errors']} |")
    lines += ["", "## Rounds", "", "| target | round | on req/s | off req/s | on p99 ms | off p99 ms | ratio |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for s in summaries:
        for r in s["rounds"]:
            lines.append(f"| {s['target']} | {r['round']} | {r['on_rps']} | {r['off_rps']} | {r['on_p99_ms']} | "
                         f"{r['off_p99_ms']} | {r['ratio']} |")
    lines += ["", "## What A counted (its scrape after the runs)", "", "```", scrape.strip() or "(nothing)", "```", "",
              f"Load average {meta.get('load_start')} at the start, {meta.get('load_end')} at the end; "
              f"commit {meta.get('commit', '?')}; {meta.get('java', '?')}; {meta.get('wrk', '?')}.", ""]
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--work", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--stamp", required=True)
    p.add_argument("--meta", required=True)
    args = p.parse_args()
    meta = json.loads(args.meta)
    runs = read_jsonl(os.path.join(args.work, "runs.jsonl"))
    targets = list(dict.fromkeys(r["target"] for r in runs))
    summaries = [summarize(t, [r for r in runs if r["target"] == t and r["wrk"]]) for t in targets]
    scrape_path = os.path.join(args.work, "scrape-a.txt")
    scrape = open(scrape_path).read() if os.path.exists(scrape_path) else ""
    os.makedirs(args.out, exist_ok=True)
    base = os.path.join(args.out, f"metrics-{args.stamp}")
    with open(base + ".json", "w") as f:
        json.dump({"meta": meta, "targets": summaries}, f, indent=2)
    with open(base + ".md", "w") as f:
        f.write(markdown(meta, summaries, scrape))
    for ext in (".json", ".md"):
        shutil.copyfile(base + ext, os.path.join(args.out, "metrics-latest" + ext))
    for s in summaries:
        print(f"{s['target']:14s} on {s['on_rps_mean']} req/s, off {s['off_rps_mean']} req/s, "
              f"on/off {s['ratio_median']} (rounds {s['ratio_min']}-{s['ratio_max']}), errors {s['errors']}")


if __name__ == "__main__":
    main()
