#!/usr/bin/env bash
# faasj async calls: (1) the enqueue rate, wrk -c16 POSTing a small body to
# /async-function/bench/native-hello (202s per second; every 202 is committed with synchronous=FULL,
# the dispatcher draining at the same time); (2) a backlog drain: N queued calls (default 100,000)
# written straight into async.db while the control plane is stopped, so the whole backlog exists
# before the dispatcher sees it, then the control plane started again: the queue depth and the
# control plane's RSS are sampled until the queue is empty. Writes
# benchmarks/results/async-<date>.{md,json}. See benchmarks/README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"

DURATION=10
WARMUP=10
BACKLOG=100000
WORKERS=4
DRAIN_LIMIT=3600
JAR="$REPO/control-plane/target/control-plane-0.1.0-SNAPSHOT.jar"
RESULTS="$HERE/results"
KEEP=0
EXTRA=()

usage() {
    cat <<USAGE
usage: benchmarks/async.sh [options]
  --duration S        seconds of the wrk enqueue run (default $DURATION)
  --warmup S          seconds of enqueues before it, not measured (default $WARMUP; the JIT is still
                      compiling the relay and MVC path in the first half minute)
  --backlog N         queued calls for the drain (default $BACKLOG)
  --quick             3 s of wrk, a backlog of 5,000 (proves the script works; numbers mean little)
  --workers N         worker processes (default $WORKERS)
  --drain-limit S     give up on a drain after S seconds (default $DRAIN_LIMIT)
  --set NAME=VALUE    an extra control-plane setting, e.g. --set faas.async.max-concurrency=16 (repeatable)
  --jar PATH          control-plane jar (default control-plane/target/control-plane-0.1.0-SNAPSHOT.jar)
  --results DIR       where to write the report (default benchmarks/results)
  --keep              keep the temporary work dir (logs, raw wrk output)
USAGE
}

BENCH_TAG=async-bench
# log, die, starting/stopping platforms, deploy, probe, wrk (shared with run.sh)
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) positive "$1" "${2:-}"; DURATION="$2"; shift ;;
        --warmup) positive "$1" "${2:-}"; WARMUP="$2"; shift ;;
        --backlog) positive "$1" "${2:-}"; BACKLOG="$2"; shift ;;
        --quick) DURATION=3; WARMUP=1; BACKLOG=5000 ;;
        --workers) positive "$1" "${2:-}"; WORKERS="$2"; shift ;;
        --drain-limit) positive "$1" "${2:-}"; DRAIN_LIMIT="$2"; shift ;;
        --set) EXTRA+=("--${2:?--set needs NAME=VALUE}"); shift ;;
        --jar) JAR="$2"; shift ;;
        --results) RESULTS="$2"; shift ;;
        --keep) KEEP=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

bench_require_tools
[ -f "$JAR" ] || die "no jar at $JAR; build it first: mvn -B -q package -DskipTests"
bench_begin async

JAVA_OPTS="${JAVA_OPTS:--Xmx256m}"
export BENCH_WORKERS="$WORKERS"
DATA="$WORK/data"
PORT="$(bench_free_port)"
BASE="http://127.0.0.1:$PORT"
ROUTE=/bench/native-hello
SETTINGS="${EXTRA[*]+"${EXTRA[*]}"}"

start_platform() { # LOG-NAME: starts on DATA and PORT, sets PID, waits until UP
    bench_start_platform "$JAR" "$DATA" "$PORT" "$WORK/$1" "${EXTRA[@]+"${EXTRA[@]}"}"
    PID="$BENCH_STARTED_PID"
    bench_wait_up "$BASE" "$PID" "$WORK/$1"
}

# queued calls now, from the scrape (as an integer; 0 when the gauge is absent)
depth() {
    curl -s --max-time 10 "$BASE/actuator/prometheus" \
        | awk '$1 == "faasj_async_queue_depth" {printf "%d\n", $2; found = 1} END {if (!found) print 0}'
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# waits until the queue is empty or DRAIN_LIMIT passed, sampling depth and RSS every 2 s into FILE
drain() { # FILE
    local t0=$SECONDS d
    : >"$1"
    while :; do
        d="$(depth)"
        printf '{"t":%d,"depth":%d,"rss_kb":%d,"load1":%s}\n' $((SECONDS - t0)) "$d" "$(rss_kb "$PID")" \
            "$(cut -d' ' -f1 /proc/loadavg)" >>"$1"
        [ "$d" = 0 ] && return 0
        [ $((SECONDS - t0)) -lt "$DRAIN_LIMIT" ] || { log "queue not empty after $DRAIN_LIMIT s"; return 0; }
        sleep 2
    done
}

# ---------------------------------------------------------------- start, deploy the native hello
log "starting the control plane on port $PORT with $WORKERS workers ($JAVA_OPTS${SETTINGS:+ $SETTINGS})"
start_platform control-plane-1.log
TOKEN="$(cat "$DATA/admin-token")"
status="$(bench_deploy "$BASE" "$TOKEN" "$HERE/functions/hello.c" "$HERE/functions/hello.json" "$WORK/deploy.json")"
[ "$status" = 201 ] || die "deploying hello.c answered $status: $(cat "$WORK/deploy.json")"
status="$(bench_probe "$BASE" POST "/async-function$ROUTE" "$WORK/probe.out")"
[ "$status" = 202 ] || die "POST /async-function$ROUTE answered $status: $(cat "$WORK/probe.out")"

# ---------------------------------------------------------------- (1) enqueue rate
log "warm-up: ${WARMUP} s of the same enqueues, not measured"
BENCH_METHOD=POST BENCH_CLOSE=0 BENCH_BODY_BYTES=26 BENCH_EXPECT=202 \
    bench_wrk "$BASE/async-function$ROUTE" "$WARMUP" 2 16 "$WORK/wrk-warmup.txt"
log "enqueue rate: wrk -t2 -c16 -d${DURATION}s POST /async-function$ROUTE (26-byte body), every answer must be 202"
BENCH_METHOD=POST BENCH_CLOSE=0 BENCH_BODY_BYTES=26 BENCH_EXPECT=202 \
    bench_wrk "$BASE/async-function$ROUTE" "$DURATION" 2 16 "$WORK/wrk-enqueue.txt"
ENQUEUE="$(bench_wrk_result "$WORK/wrk-enqueue.txt")"
[ "$ENQUEUE" != null ] || die "wrk printed no result: $(tail -5 "$WORK/wrk-enqueue.txt")"
log "enqueue: $(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print("%.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors" % (r["rps"], r["p50_us"]/1000, r["p99_us"]/1000, r["errors"]))' "$ENQUEUE")"
log "draining what wrk queued ($(depth) calls)"
drain "$WORK/drain-wrk.jsonl"
bench_stop_platforms

# ---------------------------------------------------------------- (2) backlog drain
log "writing a backlog of $BACKLOG queued calls into async.db (control plane stopped)"
python3 - "$DATA/async.db" "$BACKLOG" <<'PY'
import sqlite3, sys, time
db, n = sys.argv[1], int(sys.argv[2])
c = sqlite3.connect(db)
now = int(time.time() * 1000)
# copies of a call the benchmark really enqueued (its function, path and headers), each with a body
c.execute("""WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
    INSERT INTO async_calls (call_id, function_name, method, path, query, headers, body, callback_url, state,
        attempts, max_attempts, next_run_at, enqueued_at, callback_attempts)
    SELECT 'backlog-' || i, t.function_name, t.method, t.path, t.query, t.headers, CAST('{"name":"backlog"}' AS BLOB),
        NULL, 'queued', 0, 3, ?, ?, 0 FROM seq, (SELECT * FROM async_calls LIMIT 1) t""", (n, now, now))
c.commit()
PY
log "restarting on the same data dir; sampling queue depth and control-plane RSS every 2 s"
start_platform control-plane-2.log
drain "$WORK/drain.jsonl"
curl -s --max-time 10 "$BASE/actuator/prometheus" | grep -E '^faasj_async_' >"$WORK/scrape.txt" || true

# ---------------------------------------------------------------- report
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p "$RESULTS"
python3 - "$WORK" "$RESULTS/async-$STAMP" "$ENQUEUE" "$BACKLOG" \
    "$(python3 "$HERE/lib/meta.py" "$REPO" started="$STARTED_AT" load_start="$LOAD_START" load_end="$LOAD_END" \
        cores:="$NPROC" workers:="$WORKERS" duration_s:="$DURATION" java_opts="$JAVA_OPTS" jar="$JAR" \
        settings="$SETTINGS")" <<'PY'
import json, sys

work, out, enqueue, backlog, meta = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4]), json.loads(sys.argv[5])


def summary(file):
    samples = [json.loads(line) for line in open(file)]
    first, last = samples[0], samples[-1]
    seconds = max(1, last["t"] - first["t"])
    rss = [s["rss_kb"] for s in samples]
    return {"first_depth": first["depth"], "last_depth": last["depth"], "seconds": seconds,
            "calls_per_s": (first["depth"] - last["depth"]) / seconds,
            "rss_kb_first": rss[0], "rss_kb_max": max(rss), "rss_kb_last": rss[-1], "samples": samples}


after_wrk, drain = summary(f"{work}/drain-wrk.jsonl"), summary(f"{work}/drain.jsonl")
json.dump({"meta": meta, "enqueue": enqueue, "drain_after_wrk": after_wrk, "backlog": backlog, "drain": drain},
          open(out + ".json", "w"), indent=1)


def row(d):
    return (f"| {d['first_depth']} | {d['last_depth']} | {d['seconds']} | {d['calls_per_s']:.0f} "
            f"| {d['rss_kb_first'] / 1024:.0f} MB | {d['rss_kb_max'] / 1024:.0f} MB | {d['rss_kb_last'] / 1024:.0f} MB |")


md = f"""# async calls, {meta.get('started', '')}

{meta.get('cores')} cores, load {meta.get('load_start')} at the start and {meta.get('load_end')} at the end
(on a shared machine the numbers are noise). {meta.get('workers')} workers; JVM {meta.get('java_opts')};
settings: {meta.get('settings') or 'defaults'}.

## Enqueue: wrk -t2 -c16 -d{meta.get('duration_s')}s, POST /async-function/bench/native-hello, 26-byte body

| 202/s | p50 | p99 | errors |
| --- | --- | --- | --- |
| {enqueue['rps']:.0f} | {enqueue['p50_us'] / 1000:.2f} ms | {enqueue['p99_us'] / 1000:.2f} ms | {enqueue['errors']} |

## Drains: what wrk queued, then a backlog of {backlog} written before the start

| run | depth at first sample | at last | seconds | calls/s | control-plane RSS first | max | last |
| --- | --- | --- | --- | --- | --- | --- | --- |
| after wrk {row(after_wrk)}
| backlog {row(drain)}
"""
open(out + ".md", "w").write(md)
print(md)
PY
log "done: $RESULTS/async-$STAMP.md"
