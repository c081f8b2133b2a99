#!/usr/bin/env bash
# faasj metrics cost: starts the built control-plane jar twice at once, A with metrics on (the
# default) and B with --faas.metrics.enabled=false, deploys the native C hello and the WASM hello
# to both and runs interleaved wrk rounds against an unknown route (the gateway's 404: its answer
# counter is all the metrics cost there), the native hello and the WASM hello (in-flight count,
# invocation records turned into meters; in-process WASM shows a per-call cost most) on A and B. Prints req/s of each and the on/off ratio; writes
# benchmarks/results/metrics-<date>.{md,json} (and metrics-latest.*). See benchmarks/README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"

ROUNDS=5
DURATION=8
WARMUP=3
WORKERS=4
JAR="$REPO/control-plane/target/control-plane-0.1.0-SNAPSHOT.jar"
RESULTS="$HERE/results"
KEEP=0

usage() {
    cat <<EOF
usage: benchmarks/metrics.sh [options]
  --rounds N          A/B rounds per target (default $ROUNDS)
  --duration S        seconds per wrk run (default $DURATION)
  --quick             1 round of 3 s, 1 s warm-up (proves the script works; numbers mean little)
  --warmup S          seconds of warm-up per target and platform (default $WARMUP)
  --workers N         worker processes of each platform (default $WORKERS)
  --jar PATH          control-plane jar (default control-plane/target/control-plane-0.1.0-SNAPSHOT.jar)
  --results DIR       where to write the report (default benchmarks/results)
  --keep              keep the temporary work dir (logs, raw wrk output)
EOF
}

BENCH_TAG=metrics-bench
# log, die, starting/stopping platforms, deploy, probe, wrk (shared with run.sh)
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) positive "$1" "${2:-}"; ROUNDS="$2"; shift ;;
        --duration) positive "$1" "${2:-}"; DURATION="$2"; shift ;;
        --quick) ROUNDS=1; DURATION=3; WARMUP=1 ;;
        --warmup) positive "$1" "${2:-}"; WARMUP="$2"; shift ;;
        --workers) positive "$1" "${2:-}"; WORKERS="$2"; shift ;;
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

bench_begin met

# ---------------------------------------------------------------- start A (metrics on) and B (off)
JAVA_OPTS="${JAVA_OPTS:--Xmx256m}"  # as run.sh (override with JAVA_OPTS)
export BENCH_WORKERS="$WORKERS"
PORT_A="$(bench_free_port)"
DATA_A="$WORK/a"
log "starting A (metrics on, the default) on port $PORT_A with $WORKERS workers ($JAVA_OPTS)"
bench_start_platform "$JAR" "$DATA_A" "$PORT_A" "$WORK/control-plane-a.log"
PID_A="$BENCH_STARTED_PID"
PORT_B="$(bench_free_port)"
while [ "$PORT_B" = "$PORT_A" ]; do PORT_B="$(bench_free_port)"; done  # A may not be listening yet
DATA_B="$WORK/b"
log "starting B (--faas.metrics.enabled=false) on port $PORT_B with $WORKERS workers"
bench_start_platform "$JAR" "$DATA_B" "$PORT_B" "$WORK/control-plane-b.log" --faas.metrics.enabled=false
PID_B="$BENCH_STARTED_PID"
BASE_A="http://127.0.0.1:$PORT_A"
BASE_B="http://127.0.0.1:$PORT_B"

started=$SECONDS
bench_wait_up "$BASE_A" "$PID_A" "$WORK/control-plane-a.log"
bench_wait_up "$BASE_B" "$PID_B" "$WORK/control-plane-b.log"
log "both UP after $((SECONDS - started)) s (A pid $PID_A, B pid $PID_B)"

# the A/B premise: A exports faasj's meters, B only the JVM's
faasj_series() { curl -s --max-time 10 "$1/actuator/prometheus" | grep -c '^faasj_' || true; }
SERIES_A="$(faasj_series "$BASE_A")"
SERIES_B="$(faasj_series "$BASE_B")"
[ "${SERIES_A:-0}" -gt 0 ] || die "A exports no faasj_ series: is this jar from before metrics?"
[ "${SERIES_B:-0}" = 0 ] || die "B exports $SERIES_B faasj_ series with metrics off"
log "A exports $SERIES_A faasj_ series, B none"

# ---------------------------------------------------------------- deploy the native and WASM hellos to both
FN="$HERE/functions"
# the WASM hello runs in the worker's JVM in ~25 µs, so its rate shows the platform's per-call cost
# (and what the metrics add to it) far more than the native hello's process start does
if clang --target=wasm32-wasi --sysroot=/usr -O2 -o "$WORK/hello.wasm" "$FN/hello.c" 2>"$WORK/clang.log"; then
    WASM_CODE="$WORK/hello.wasm"; WASM_DESCRIPTOR="$FN/hello-wasm-prebuilt.json"
else
    log "note: no local wasm32-wasi clang; the platforms build hello.c for WASM themselves"
    WASM_CODE="$FN/hello.c"; WASM_DESCRIPTOR="$FN/hello-wasm.json"
fi
for side in a b; do
    if [ $side = a ]; then base="$BASE_A" data="$DATA_A"; else base="$BASE_B" data="$DATA_B"; fi
    [ -f "$data/admin-token" ] || die "no admin token at $data/admin-token"
    out="$WORK/deploy-$side-hello.json"
    status="$(bench_deploy "$base" "$(cat "$data/admin-token")" "$FN/hello.c" "$FN/hello.json" "$out")"
    [ "$status" = 201 ] || die "${side^^}: deploying hello.c answered $status: $(cat "$out")"
    status="$(bench_probe "$base" POST /bench/native-hello "$WORK/probe.out")"
    [ "$status" = 200 ] || die "${side^^}: POST /bench/native-hello answered $status: $(cat "$WORK/probe.out")"
    out="$WORK/deploy-$side-wasm.json"
    status="$(bench_deploy "$base" "$(cat "$data/admin-token")" "$WASM_CODE" "$WASM_DESCRIPTOR" "$out")"
    [ "$status" = 201 ] || die "${side^^}: deploying the WASM hello answered $status: $(cat "$out")"
    status="$(bench_probe "$base" POST /bench/wasm-hello "$WORK/probe.out")"
    [ "$status" = 200 ] || die "${side^^}: POST /bench/wasm-hello answered $status: $(cat "$WORK/probe.out")"
done
log "deployed bench-native-hello and bench-wasm-hello (POST /bench/{native,wasm}-hello) to both; all answer"

# ---------------------------------------------------------------- interleaved A/B rounds
# target|method|path|body bytes|expected status
TARGETS=("unknown-route|GET|/bench/no-such-function|0|404" "native-hello|POST|/bench/native-hello|26|"
         "wasm-hello|POST|/bench/wasm-hello|26|")
CONNS=16
THREADS=2

run_one() { # SIDE METHOD PATH BODY EXPECT SECONDS OUT-FILE
    local base="$BASE_A"
    [ "$1" = b ] && base="$BASE_B"
    BENCH_METHOD="$2" BENCH_CLOSE=0 BENCH_BODY_BYTES="$4" BENCH_EXPECT="$5" \
        bench_wrk "$base$3" "$6" "$THREADS" "$CONNS" "$7"
}

log "warming up ($WARMUP s per target and platform, $CONNS connections)"
for t in "${TARGETS[@]}"; do
    IFS='|' read -r name method path body expect <<<"$t"
    for side in a b; do run_one "$side" "$method" "$path" "$body" "$expect" "$WARMUP" "$WORK/warmup.txt"; done
done

: >"$WORK/runs.jsonl"
total=$(( ${#TARGETS[@]} * ROUNDS * 2 ))
log "running $total wrk runs of $DURATION s (wrk -t$THREADS -c$CONNS, keep-alive; about $(( total * (DURATION + 1) / 60 + 1 )) min)"
i=0
for t in "${TARGETS[@]}"; do
    IFS='|' read -r name method path body expect <<<"$t"
    for round in $(seq 1 "$ROUNDS"); do
        # odd rounds A first, even rounds B first: whatever drifts within a round hits both orders
        if [ $((round % 2)) = 1 ]; then order="a b"; else order="b a"; fi
        for side in $order; do
            i=$((i + 1))
            pid="$PID_A"; [ $side = b ] && pid="$PID_B"
            kill -0 "$pid" 2>/dev/null || die "platform ${side^^} died before $name round $round (log: $WORK/control-plane-$side.log)"
            label="$([ $side = a ] && echo "A metrics on " || echo "B metrics off")"
            printf '[%s %s] [%2d/%d] %-13s round %d  %s ' "$BENCH_TAG" "$(date +%H:%M:%S)" "$i" "$total" "$name" "$round" "$label"
            raw="$WORK/wrk-$name-$round-$side.txt"
            run_one "$side" "$method" "$path" "$body" "$expect" "$DURATION" "$raw"
            result="$(bench_wrk_result "$raw")"
            if [ "$result" = null ]; then
                echo "wrk gave no result (see below)"
                sed 's/^/    /' "$raw" | tail -5
            else
                echo "$result" | python3 "$HERE/lib/fmt.py" wrk
            fi
            printf '{"target":"%s","method":"%s","path":"%s","round":%s,"side":"%s","metrics":%s,"load1":%s,"wrk":%s}\n' \
                "$name" "$method" "$path" "$round" "$side" "$([ $side = a ] && echo true || echo false)" \
                "$(cut -d' ' -f1 /proc/loadavg)" "$result" >>"$WORK/runs.jsonl"
            sleep 1
        done
    done
done

# what A counted, as a check that its meters really ran under the load
curl -s --max-time 10 "$BASE_A/actuator/prometheus" \
    | grep -E '^(faasj_gateway_answers_total\{code="404"\}|faasj_function_invocations_total|faasj_call_records_dropped_total)' \
    >"$WORK/scrape-a.txt" || true

# ---------------------------------------------------------------- report
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
log "load average at end $LOAD_END; writing the report"
python3 -B "$HERE/lib/metrics_report.py" --work "$WORK" --out "$RESULTS" --stamp "$STAMP" \
    --meta "$(python3 "$HERE/lib/meta.py" "$REPO" started="$STARTED_AT" load_start="$LOAD_START" \
        load_end="$LOAD_END" cores:="$NPROC" workers:="$WORKERS" rounds:="$ROUNDS" duration_s:="$DURATION" \
        warmup_s:="$WARMUP" threads:="$THREADS" connections:="$CONNS" java_opts="$JAVA_OPTS" jar="$JAR")"
log "done: $RESULTS/metrics-$STAMP.md"
