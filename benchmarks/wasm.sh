#!/usr/bin/env bash
# faasj WASM hello: starts each given control-plane jar in turn (default: the built one) on a free
# port with a temporary data dir, uploads examples' hello.c built for wasm32-wasi (or lets the
# platform build it), warms up, then runs wrk keep-alive (threads = cores, 16 connections) against
# POST /bench/wasm-hello and reports req/s, p50 and p99 per jar. Pass --jar twice to compare a
# before and an after build in one run. Writes benchmarks/results/wasm-<date>.{md,json} (and
# wasm-latest.*). See benchmarks/README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"

DURATION=10
WARMUP=5
CONNECTIONS=16
WORKERS=4
JARS=()
RESULTS="$HERE/results"
KEEP=0

usage() {
    cat <<EOF
usage: benchmarks/wasm.sh [options]
  --duration S        seconds of the measured wrk run per jar (default $DURATION)
  --warmup S          seconds of warm-up per jar (default $WARMUP)
  --connections N     wrk connections (default $CONNECTIONS)
  --workers N         worker processes (default $WORKERS)
  --jar PATH          a control-plane jar to measure; repeat to compare (default the built one)
  --results DIR       where to write the report (default benchmarks/results)
  --keep              keep the temporary work dir (logs, raw wrk output)
EOF
}

BENCH_TAG=wasm-bench
# log, die, starting/stopping platforms, deploy, probe, wrk (shared with run.sh)
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) positive "$1" "${2:-}"; DURATION="$2"; shift ;;
        --warmup) positive "$1" "${2:-}"; WARMUP="$2"; shift ;;
        --connections) positive "$1" "${2:-}"; CONNECTIONS="$2"; shift ;;
        --workers) positive "$1" "${2:-}"; WORKERS="$2"; shift ;;
        --jar) JARS+=("$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift ;;
        --results) RESULTS="$2"; shift ;;
        --keep) KEEP=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
[ ${#JARS[@]} -gt 0 ] || JARS=("$REPO/control-plane/target/control-plane-0.1.0-SNAPSHOT.jar")


bench_require_tools
for jar in "${JARS[@]}"; do
    [ -f "$jar" ] || die "no jar at $jar; build it first: mvn -B -q package -DskipTests"
done
bench_begin wasm
FN="$HERE/functions"
if command -v clang >/dev/null 2>&1 && \
    clang --target=wasm32-wasi --sysroot=/usr -O2 -o "$WORK/hello.wasm" "$FN/hello.c" 2>"$WORK/clang.log"; then
    CODE="$WORK/hello.wasm"; DESCRIPTOR="$FN/hello-wasm-prebuilt.json"
else
    log "note: no local wasm32-wasi clang; the platform builds hello.c for WASM itself"
    CODE="$FN/hello.c"; DESCRIPTOR="$FN/hello-wasm.json"
fi
THREADS=$(( CONNECTIONS < NPROC ? CONNECTIONS : NPROC ))

# measure JAR INDEX: one platform up, deploy, warm up, measure, down; appends to results.jsonl
measure() {
    local jar="$1" i="$2" port base data token status
    port="$(bench_free_port)"
    base="http://127.0.0.1:$port"
    data="$WORK/data-$i"
    log "starting $jar (${JAVA_OPTS:--Xmx256m}) on port $port with $WORKERS workers"
    BENCH_WORKERS="$WORKERS" bench_start_platform "$jar" "$data" "$port" "$WORK/control-plane-$i.log"
    bench_wait_up "$base" "$BENCH_STARTED_PID" "$WORK/control-plane-$i.log"
    token="$(cat "$data/admin-token")"
    status="$(bench_deploy "$base" "$token" "$CODE" "$DESCRIPTOR" "$WORK/deploy-$i.json")"
    [ "$status" = 201 ] || die "deploying the WASM hello answered $status: $(cat "$WORK/deploy-$i.json")"
    status="$(bench_probe "$base" POST /bench/wasm-hello "$WORK/probe-$i.out")"
    [ "$status" = 200 ] || die "a first call answered $status: $(head -c 300 "$WORK/probe-$i.out")"
    log "warming up $WARMUP s"
    BENCH_METHOD=POST BENCH_CLOSE=0 BENCH_BODY_BYTES=0 BENCH_EXPECT="" \
        bench_wrk "$base/bench/wasm-hello" "$WARMUP" "$THREADS" "$CONNECTIONS" "$WORK/warmup-$i.txt"
    local result before after
    before="$(python3 "$HERE/lib/procstat.py" snapshot "$BENCH_STARTED_PID")"
    BENCH_METHOD=POST BENCH_CLOSE=0 BENCH_BODY_BYTES=0 BENCH_EXPECT="" \
        bench_wrk "$base/bench/wasm-hello" "$DURATION" "$THREADS" "$CONNECTIONS" "$WORK/wrk-$i.txt"
    after="$(python3 "$HERE/lib/procstat.py" snapshot "$BENCH_STARTED_PID")"
    result="$(bench_wrk_result "$WORK/wrk-$i.txt")"
    [ "$result" != null ] || die "wrk gave no result: $(tail -5 "$WORK/wrk-$i.txt")"
    printf '{"jar":"%s","load1":%s,"wrk":%s,"before":%s,"after":%s}\n' "$jar" "$(cut -d' ' -f1 /proc/loadavg)" \
        "$result" "$before" "$after" >>"$WORK/results.jsonl"
    echo "$result" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("  %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors" % (r["rps"], r["p50_us"]/1e3, r["p99_us"]/1e3, r["errors"]))'
    bench_stop_platforms
}

: >"$WORK/results.jsonl"
i=0
for jar in "${JARS[@]}"; do
    i=$((i + 1))
    measure "$jar" "$i"
done

mkdir -p "$RESULTS"
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$WORK/results.jsonl" "$RESULTS/wasm-$STAMP" "$STARTED_AT" "$LOAD_START" "$LOAD_END" "$NPROC" \
    "$WORKERS" "$DURATION" "$CONNECTIONS" "$THREADS" "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]


def cpu_per_request(r):
    """CPU µs per request of the control plane and of the workers (JVMs and fork servers) over the run."""
    before = {p["pid"]: p for p in r["before"]["procs"]}
    ticks = r["after"]["ticks_per_s"]
    out = {"control_plane": 0.0, "workers": 0.0}
    for a in r["after"]["procs"]:
        b = before.get(a["pid"])
        if b is not None:
            used = (a["utime"] + a["stime"] - b["utime"] - b["stime"]) / ticks
            out["control_plane" if a["role"] == "control-plane" else "workers"] += used
    requests = max(1, r["wrk"]["requests"])
    return {k: round(v * 1e6 / requests, 1) for k, v in out.items()}


for r in rows:
    r["cpu_us_per_request"] = cpu_per_request(r)
out, started, load_start, load_end, cores, workers, duration, conns, threads, commit = sys.argv[2:]
meta = dict(started=started, load_start=load_start, load_end=load_end, cores=int(cores), workers=int(workers),
            duration_s=int(duration), connections=int(conns), threads=int(threads), commit=commit)
json.dump(dict(meta=meta, runs=rows), open(out + ".json", "w"), indent=1)
lines = [f"# WASM hello, {started}", "",
         f"wrk -t{threads} -c{conns} keep-alive, {duration} s per jar after a warm-up, POST /bench/wasm-hello; "
         f"{cores} cores, {workers} workers; load average {load_start} at start, {load_end} at end; commit {commit}.", "",
         "CPU µs per request: the control plane's and the workers' (JVMs and fork servers) CPU time over the "
         "measured run divided by its requests (wrk's own CPU is not counted).", "",
         "| jar | req/s | p50 ms | p99 ms | errors | CPU µs/req control plane / workers | load1 |",
         "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
for r in rows:
    w = r["wrk"]
    c = r["cpu_us_per_request"]
    lines.append(f"| {r['jar']} | {w['rps']:.0f} | {w['p50_us']/1e3:.2f} | {w['p99_us']/1e3:.2f} | {w['errors']} "
                 f"| {c['control_plane']:.0f} / {c['workers']:.0f} | {r['load1']} |")
open(out + ".md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
cp "$RESULTS/wasm-$STAMP.md" "$RESULTS/wasm-latest.md"
cp "$RESULTS/wasm-$STAMP.json" "$RESULTS/wasm-latest.json"
log "done: $RESULTS/wasm-$STAMP.md"
