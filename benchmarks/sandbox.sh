#!/usr/bin/env bash
# faasj sandbox cost: starts the built control-plane jar twice at once, A with the sandbox (the
# default) and B with --faas.sandbox.enabled=false, deploys the same functions to both and runs
# interleaved wrk rounds against A and B, so that the host's drift hits both alike. Writes
# benchmarks/results/sandbox-<date>.{md,json} (and sandbox-latest.*). See benchmarks/README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"

ROUNDS=5
DURATION=8
WARMUP=3
WORKERS=4
SPAWN_COUNT=2000
JAR="$REPO/control-plane/target/control-plane-0.1.0-SNAPSHOT.jar"
RESULTS="$HERE/results"
KEEP=0

usage() {
    cat <<EOF
usage: benchmarks/sandbox.sh [options]
  --rounds N          A/B rounds per function (default $ROUNDS)
  --duration S        seconds per wrk run (default $DURATION)
  --quick             2 rounds of 3 s, 1 s warm-up
  --warmup S          seconds of warm-up per function and platform (default $WARMUP)
  --workers N         worker processes of each platform (default $WORKERS)
  --spawn-count N     starts per mode for faas-spawn --bench (default $SPAWN_COUNT)
  --jar PATH          control-plane jar (default control-plane/target/control-plane-0.1.0-SNAPSHOT.jar)
  --results DIR       where to write the report (default benchmarks/results)
  --keep              keep the temporary work dir (logs, raw wrk output)
EOF
}

BENCH_TAG=sandbox-bench
# log, die, starting/stopping platforms, deploy, probe, wrk (shared with run.sh)
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) positive "$1" "${2:-}"; ROUNDS="$2"; shift ;;
        --duration) positive "$1" "${2:-}"; DURATION="$2"; shift ;;
        --quick) ROUNDS=2; DURATION=3; WARMUP=1 ;;
        --warmup) positive "$1" "${2:-}"; WARMUP="$2"; shift ;;
        --workers) positive "$1" "${2:-}"; WORKERS="$2"; shift ;;
        --spawn-count) positive "$1" "${2:-}"; SPAWN_COUNT="$2"; shift ;;
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

# ---------------------------------------------------------------- cleanup of everything we start
SPAWN_BENCH_PID=""
BOMB_PID=""
bench_begin sbx SPAWN_BENCH_PID BOMB_PID

# ---------------------------------------------------------------- start A (sandbox on) and B (off)
JAVA_OPTS="${JAVA_OPTS:--Xmx256m}"  # as run.sh (override with JAVA_OPTS)
export BENCH_WORKERS="$WORKERS"
# short data dirs: the run dir (sockets) must stay under the sun_path limit to be <data>/run
PORT_A="$(bench_free_port)"
DATA_A="$WORK/a"
log "starting A (sandbox on, the default) on port $PORT_A with $WORKERS workers ($JAVA_OPTS)"
bench_start_platform "$JAR" "$DATA_A" "$PORT_A" "$WORK/control-plane-a.log"
PID_A="$BENCH_STARTED_PID"
PORT_B="$(bench_free_port)"
while [ "$PORT_B" = "$PORT_A" ]; do PORT_B="$(bench_free_port)"; done  # A may not be listening yet
DATA_B="$WORK/b"
log "starting B (--faas.sandbox.enabled=false) on port $PORT_B with $WORKERS workers"
bench_start_platform "$JAR" "$DATA_B" "$PORT_B" "$WORK/control-plane-b.log" --faas.sandbox.enabled=false
PID_B="$BENCH_STARTED_PID"
BASE_A="http://127.0.0.1:$PORT_A"
BASE_B="http://127.0.0.1:$PORT_B"

started=$SECONDS
bench_wait_up "$BASE_A" "$PID_A" "$WORK/control-plane-a.log"
bench_wait_up "$BASE_B" "$PID_B" "$WORK/control-plane-b.log"
log "both UP after $((SECONDS - started)) s (A pid $PID_A, B pid $PID_B)"

# the A/B premise: A really sandboxes, B really does not
HEALTH_A="$(bench_health "$BASE_A")"
HEALTH_B="$(bench_health "$BASE_B")"
MODE_A="$(bench_sandbox_field "$HEALTH_A" mode)"
MODE_B="$(bench_sandbox_field "$HEALTH_B" mode)"
LEVEL_A="$(bench_sandbox_field "$HEALTH_A" level)"
LEVEL_B="$(bench_sandbox_field "$HEALTH_B" level)"
[ "$MODE_A" = on ] || die "A: sandbox mode is '$MODE_A', expected 'on' (health: $HEALTH_A)"
[ "$MODE_B" = off ] || die "B: sandbox mode is '$MODE_B', expected 'off' (health: $HEALTH_B)"
log "A: sandbox mode $MODE_A, level $LEVEL_A; B: sandbox mode $MODE_B, level $LEVEL_B"

# ---------------------------------------------------------------- deploy the same functions to both
FN="$HERE/functions"
for side in a b; do
    if [ $side = a ]; then base="$BASE_A" data="$DATA_A"; else base="$BASE_B" data="$DATA_B"; fi
    [ -f "$data/admin-token" ] || die "no admin token at $data/admin-token"
    token="$(cat "$data/admin-token")"
    for f in "ping.php ping" "hello.c hello"; do
        read -r code descriptor <<<"$f"
        out="$WORK/deploy-$side-$descriptor.json"
        status="$(bench_deploy "$base" "$token" "$FN/$code" "$FN/$descriptor.json" "$out")"
        [ "$status" = 201 ] || die "${side^^}: deploying $code answered $status: $(cat "$out")"
    done
    for f in "GET /bench/php-ping" "POST /bench/native-hello"; do
        read -r method path <<<"$f"
        status="$(bench_probe "$base" "$method" "$path" "$WORK/probe.out")"
        [ "$status" = 200 ] || die "${side^^}: $f answered $status: $(cat "$WORK/probe.out")"
    done
done
log "deployed bench-php-ping (GET /bench/php-ping) and bench-native-hello (POST /bench/native-hello) to both; all answer"

# ---------------------------------------------------------------- interleaved A/B rounds
# function|method|path|body bytes; the native body is the ceiling's {"name":"bench","pad":"x"}
FUNCTIONS=("native-hello|POST|/bench/native-hello|26" "php-ping|GET|/bench/php-ping|0")
CONNS=16
THREADS=2

run_one() { # SIDE METHOD PATH BODY SECONDS OUT-FILE
    local base="$BASE_A"
    [ "$1" = b ] && base="$BASE_B"
    BENCH_METHOD="$2" BENCH_CLOSE=0 BENCH_BODY_BYTES="$4" BENCH_EXPECT="" \
        bench_wrk "$base$3" "$5" "$THREADS" "$CONNS" "$6"
}

log "warming up ($WARMUP s per function and platform, $CONNS connections)"
for f in "${FUNCTIONS[@]}"; do
    IFS='|' read -r fn method path body <<<"$f"
    for side in a b; do run_one "$side" "$method" "$path" "$body" "$WARMUP" "$WORK/warmup.txt"; done
done

: >"$WORK/runs.jsonl"
total=$(( ${#FUNCTIONS[@]} * ROUNDS * 2 ))
log "running $total wrk runs of $DURATION s (wrk -t$THREADS -c$CONNS, keep-alive; about $(( total * (DURATION + 1) / 60 + 1 )) min)"
i=0
for f in "${FUNCTIONS[@]}"; do
    IFS='|' read -r fn method path body <<<"$f"
    for round in $(seq 1 "$ROUNDS"); do
        # odd rounds A first, even rounds B first: whatever drifts within a round hits both orders
        if [ $((round % 2)) = 1 ]; then order="a b"; else order="b a"; fi
        position=0
        for side in $order; do
            i=$((i + 1)); position=$((position + 1))
            pid="$PID_A"; [ $side = b ] && pid="$PID_B"
            kill -0 "$pid" 2>/dev/null || die "platform ${side^^} died before $fn round $round (log: $WORK/control-plane-$side.log)"
            label="$([ $side = a ] && echo "A sandbox on " || echo "B sandbox off")"
            printf '[%s %s] [%2d/%d] %-12s round %d  %s ' "$BENCH_TAG" "$(date +%H:%M:%S)" "$i" "$total" "$fn" "$round" "$label"
            raw="$WORK/wrk-$fn-$round-$side.txt"
            run_one "$side" "$method" "$path" "$body" "$DURATION" "$raw"
            result="$(bench_wrk_result "$raw")"
            if [ "$result" = null ]; then
                echo "wrk gave no result (see below)"
                sed 's/^/    /' "$raw" | tail -5
            else
                echo "$result" | python3 "$HERE/lib/fmt.py" wrk
            fi
            printf '{"function":"%s","method":"%s","path":"%s","body_bytes":%s,"round":%s,"side":"%s","sandbox":%s,"position":%s,"duration_s":%s,"load1":%s,"wrk":%s}\n' \
                "$fn" "$method" "$path" "$body" "$round" "$side" "$([ $side = a ] && echo true || echo false)" \
                "$position" "$DURATION" "$(cut -d' ' -f1 /proc/loadavg)" "$result" >>"$WORK/runs.jsonl"
            sleep 1
        done
    done
done

# ---------------------------------------------------------------- a fork bomb next door (A only)
# Native hello on A, quiet and then while a fork bomb is called over and over on the same
# platform: the bomb hits its process cap (64) and its 2 s timeout each time. The issue's target:
# the neighbour's p99 stays within 2x of quiet. Never deployed to B, which has no process cap.
token_a="$(cat "$DATA_A/admin-token")"
status="$(bench_deploy "$BASE_A" "$token_a" "$FN/fork-bomb.c" "$FN/fork-bomb.json" "$WORK/deploy-a-bomb.json")"
: >"$WORK/neighbour.jsonl"
if [ "$status" != 201 ]; then
    log "note: deploying the fork bomb to A answered $status; no neighbour scenario: $(cat "$WORK/deploy-a-bomb.json")"
else
    bomb_loop() { # SECONDS: calls the bomb back to back (each call ends by its 2 s timeout)
        local until=$(( $(date +%s) + $1 ))
        while [ "$(date +%s)" -lt "$until" ]; do
            curl -s -o /dev/null --max-time 10 -X POST "$BASE_A/bench/fork-bomb" || true
        done
    }
    for round in $(seq 1 "$ROUNDS"); do
        for phase in quiet bomb; do
            if [ $phase = bomb ]; then
                bomb_loop $((DURATION + 2)) & BOMB_PID=$!
                sleep 1 # the first bomb is at its cap before wrk starts
            fi
            raw="$WORK/wrk-neighbour-$round-$phase.txt"
            run_one a POST /bench/native-hello 26 "$DURATION" "$raw"
            if [ $phase = bomb ]; then wait "$BOMB_PID" || true; BOMB_PID=""; fi
            result="$(bench_wrk_result "$raw")"
            printf '[%s %s] neighbour round %d %-5s ' "$BENCH_TAG" "$(date +%H:%M:%S)" "$round" "$phase"
            echo "$result" | python3 "$HERE/lib/fmt.py" wrk
            printf '{"round":%s,"phase":"%s","load1":%s,"wrk":%s}\n' "$round" "$phase" \
                "$(cut -d' ' -f1 /proc/loadavg)" "$result" >>"$WORK/neighbour.jsonl"
            sleep 1
        done
    done
fi

# ---------------------------------------------------------------- faas-spawn --bench (if it has it)
# per-start cost of the fork server with and without the sandbox, without HTTP and JVMs in the way
SPAWN_BIN="$DATA_A/run/worker-0/faas-spawn"
[ -x "$SPAWN_BIN" ] || SPAWN_BIN="$(find "$DATA_A/run" -path '*/worker-*/faas-spawn' -type f 2>/dev/null | head -1)"
NATIVE_BIN="$(find "$DATA_A/functions" -name module.bin -path '*bench-native-hello*' 2>/dev/null | head -1)"
: >"$WORK/spawn-bench.json"
if [ -z "$SPAWN_BIN" ] || [ ! -x "$SPAWN_BIN" ]; then
    SPAWN_NOTE="no extracted faas-spawn under $DATA_A/run/worker-*/"
elif [ -z "$NATIVE_BIN" ]; then
    SPAWN_NOTE="no deployed native hello binary (module.bin) under $DATA_A/functions/"
else
    log "faas-spawn --bench $WORK/bench-root $SPAWN_COUNT $NATIVE_BIN"
    rc=0
    # in the background so that Ctrl-C reaches the trap at once; bounded by timeout
    timeout 600 "$SPAWN_BIN" --bench "$WORK/bench-root" "$SPAWN_COUNT" "$NATIVE_BIN" \
        </dev/null >"$WORK/spawn-bench.out" 2>&1 &
    SPAWN_BENCH_PID=$!
    wait "$SPAWN_BENCH_PID" || rc=$?
    SPAWN_BENCH_PID=""
    line="$(grep '^BENCH_SPAWN ' "$WORK/spawn-bench.out" | tail -1 | cut -d' ' -f2- || true)"
    if [ -n "$line" ] && python3 -c 'import json,sys; json.loads(sys.argv[1])' "$line" 2>/dev/null; then
        echo "$line" >"$WORK/spawn-bench.json"
        SPAWN_NOTE=""
        log "BENCH_SPAWN $line"
    elif [ "$rc" = 2 ] || grep -qi '^usage' "$WORK/spawn-bench.out"; then
        SPAWN_NOTE="this faas-spawn has no --bench mode (exit code $rc: $(head -c 300 "$WORK/spawn-bench.out" | tr '\n' ' '))"
    elif [ "$rc" = 124 ]; then
        SPAWN_NOTE="faas-spawn --bench did not finish within 600 s"
    else
        SPAWN_NOTE="faas-spawn --bench exited with code $rc without a BENCH_SPAWN line: $(tail -c 300 "$WORK/spawn-bench.out" | tr '\n' ' ')"
    fi
fi
[ -z "$SPAWN_NOTE" ] || log "note: $SPAWN_NOTE"

# ---------------------------------------------------------------- report
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
log "load average at end $LOAD_END; writing the report"
python3 -B "$HERE/lib/sandbox_report.py" --work "$WORK" --out "$RESULTS" --stamp "$STAMP" \
    --meta "$(python3 "$HERE/lib/meta.py" "$REPO" started="$STARTED_AT" load_start="$LOAD_START" \
        load_end="$LOAD_END" cores:="$NPROC" workers:="$WORKERS" rounds:="$ROUNDS" duration_s:="$DURATION" \
        warmup_s:="$WARMUP" threads:="$THREADS" connections:="$CONNS" java_opts="$JAVA_OPTS" jar="$JAR" \
        sandbox_a="$MODE_A" sandbox_a_level="$LEVEL_A" sandbox_b="$MODE_B" sandbox_b_level="$LEVEL_B" \
        spawn_bench_count:="$SPAWN_COUNT" spawn_bench_note="$SPAWN_NOTE")"
log "done: $RESULTS/sandbox-$STAMP.md"
