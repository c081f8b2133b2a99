#!/usr/bin/env bash
# faasj benchmark suite: starts the built control-plane jar on a free port with a temporary data
# dir, deploys the functions in benchmarks/functions/, measures the bare process-start ceilings,
# runs the wrk scenarios and writes benchmarks/results/<date>.{md,json} and <date>-latency.svg
# (plus latest.*). See benchmarks/README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"

DURATION=10
WARMUP=3
CEILING_SECONDS=5
ADJACENT_SECONDS=3
WORKERS=4
JAR="$REPO/control-plane/target/control-plane-0.1.0-SNAPSHOT.jar"
ONLY=""
RESULTS="$HERE/results"
KEEP=0

usage() {
    cat <<EOF
usage: benchmarks/run.sh [options]
  --quick             3 s per scenario, 1 s warm-up, 2 s ceilings
  --duration S        seconds per wrk scenario (default $DURATION)
  --warmup S          seconds of warm-up per function (default $WARMUP)
  --ceiling-seconds S seconds per bare-start ceiling run (default $CEILING_SECONDS)
  --adjacent-seconds S seconds per ceiling run next to each process scenario (default $ADJACENT_SECONDS)
  --workers N         worker processes (default $WORKERS)
  --jar PATH          control-plane jar (default control-plane/target/control-plane-0.1.0-SNAPSHOT.jar)
  --only REGEX        run only scenarios whose name matches (grep -E)
  --results DIR       where to write the report (default benchmarks/results)
  --keep              keep the temporary work dir (logs, raw wrk output)
EOF
}

while [ $# -gt 0 ]; do
    case "$1" in
        --quick) DURATION=3; WARMUP=1; CEILING_SECONDS=2; ADJACENT_SECONDS=1 ;;
        --duration) DURATION="$2"; shift ;;
        --warmup) WARMUP="$2"; shift ;;
        --ceiling-seconds) CEILING_SECONDS="$2"; shift ;;
        --adjacent-seconds) ADJACENT_SECONDS="$2"; shift ;;
        --workers) WORKERS="$2"; shift ;;
        --jar) JAR="$2"; shift ;;
        --only) ONLY="$2"; shift ;;
        --results) RESULTS="$2"; shift ;;
        --keep) KEEP=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

# log, die, starting/stopping the platform, deploy, probe, wrk (shared with sandbox.sh)
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"

# ---------------------------------------------------------------- tools (nothing is installed here)
bench_require_tools
if ! command -v clang >/dev/null 2>&1; then
    log "note: clang not found; the WASM scenario can only use the platform's own C-to-WASM build"
fi
if [ ! -f "$JAR" ]; then
    die "no jar at $JAR; build it first: mvn -B -q package -DskipTests"
fi

# ---------------------------------------------------------------- cleanup of everything we start
CP_PID=""
SAMPLER_PID=""
bench_begin bench SAMPLER_PID

# ---------------------------------------------------------------- start the platform
PORT="$(bench_free_port)"
BASE="http://127.0.0.1:$PORT"
DATA="$WORK/data"
mkdir -p "$DATA"
# the same JVM options as the README's start command (override with JAVA_OPTS)
JAVA_OPTS="${JAVA_OPTS:--Xmx256m}"
log "starting $JAR ($JAVA_OPTS) on port $PORT with $WORKERS workers"
BENCH_WORKERS="$WORKERS" bench_start_platform "$JAR" "$DATA" "$PORT" "$WORK/control-plane.log"
CP_PID="$BENCH_STARTED_PID"
started=$SECONDS
bench_wait_up "$BASE" "$CP_PID" "$WORK/control-plane.log"
log "control plane UP (pid $CP_PID) after $((SECONDS - started)) s"
[ -f "$DATA/admin-token" ] || die "no admin token at $DATA/admin-token"
TOKEN="$(cat "$DATA/admin-token")"

# ---------------------------------------------------------------- deploy
# deploy CODE DESCRIPTOR -> prints the HTTP status, the answer goes to $WORK/deploy-<name>.json
deploy() { bench_deploy "$BASE" "$TOKEN" "$1" "$2" "$WORK/deploy-$(basename "$2" .json).json"; }
# probe METHOD PATH -> prints the HTTP status of one call, the answer goes to $WORK/probe.out
probe() { bench_probe "$BASE" "$1" "$2" "$WORK/probe.out"; }

FN="$HERE/functions"
status="$(deploy "$FN/ping.php" "$FN/ping.json")"
[ "$status" = 201 ] || die "deploying ping.php answered $status: $(cat "$WORK/deploy-ping.json")"
status="$(deploy "$FN/hello.c" "$FN/hello.json")"
[ "$status" = 201 ] || die "deploying hello.c answered $status: $(cat "$WORK/deploy-hello.json")"
log "deployed bench-php-ping (GET /bench/php-ping) and bench-native-hello (POST /bench/native-hello)"

WASM=0
WASM_NOTE=""
status="$(deploy "$FN/hello.c" "$FN/hello-wasm.json")"
if [ "$status" = 201 ]; then
    WASM=1
    log "deployed bench-wasm-hello: C compiled to WASM by the platform (target wasm)"
elif [ "$status" = 400 ] || [ "$status" = 503 ]; then
    WASM_NOTE="C to WASM deploy answered $status: $(head -c 300 "$WORK/deploy-hello-wasm.json")"
    log "note: $WASM_NOTE"
    # second way in: a .wasm built here, uploaded with runtime wasm
    if command -v clang >/dev/null 2>&1 && \
        clang --target=wasm32-wasi --sysroot=/usr -O2 -o "$WORK/hello.wasm" "$FN/hello.c" 2>"$WORK/clang.log"; then
        status="$(deploy "$WORK/hello.wasm" "$FN/hello-wasm-prebuilt.json")"
        if [ "$status" = 201 ]; then
            WASM=1
            WASM_NOTE=""
            log "deployed bench-wasm-hello: hello.c built here with clang, uploaded as runtime wasm"
        else
            WASM_NOTE="$WASM_NOTE; .wasm upload answered $status: $(head -c 300 "$WORK/deploy-hello-wasm-prebuilt.json")"
        fi
    else
        WASM_NOTE="$WASM_NOTE; no local clang wasm32-wasi build to upload instead"
    fi
else
    die "deploying the WASM hello answered $status: $(cat "$WORK/deploy-hello-wasm.json")"
fi
if [ "$WASM" = 1 ]; then
    status="$(probe POST /bench/wasm-hello)"
    if [ "$status" != 200 ]; then
        WASM=0
        WASM_NOTE="WASM hello deployed but a call answered $status: $(head -c 300 "$WORK/probe.out")"
    fi
fi
[ "$WASM" = 1 ] || log "SKIPPING the WASM scenarios: $WASM_NOTE"

for fn in "GET /bench/php-ping" "POST /bench/native-hello"; do
    status="$(probe $fn)"
    [ "$status" = 200 ] || die "$fn answered $status: $(cat "$WORK/probe.out")"
done
status="$(probe GET /bench/no-such-route)"
[ "$status" = 404 ] || die "the unknown route answered $status, expected 404"
log "all functions answer"

# ---------------------------------------------------------------- ceilings: bare process starts
log "compiling ceiling/spawn_loop.c"
gcc -O2 -pthread -o "$WORK/spawn_loop" "$HERE/ceiling/spawn_loop.c"
PHP_SCRIPT="$(find "$DATA" -name function.php -path '*bench-php-ping*' | head -1)"
NATIVE_BIN="$(find "$DATA" -name module.bin -path '*bench-native-hello*' | head -1)"
[ -n "$PHP_SCRIPT" ] || PHP_SCRIPT="$FN/ping.php"
if [ -z "$NATIVE_BIN" ]; then
    gcc -O2 -o "$WORK/hello.bin" "$FN/hello.c"
    NATIVE_BIN="$WORK/hello.bin"
fi
printf '{"name":"bench","pad":"x"}' >"$WORK/body-small.json"
: >"$WORK/ceilings.jsonl"
ceiling() { # WHEN TARGET-NAME MODE-FLAG CMD...
    local when="$1" name="$2" flag="$3"
    shift 3
    local line
    line="$("$WORK/spawn_loop" -t "$NPROC" -d "$CEILING_SECONDS" -i "$WORK/body-small.json" $flag -- "$@")"
    echo "{\"target\":\"$name\",\"when\":\"$when\",\"load1\":$(cut -d' ' -f1 /proc/loadavg),\"result\":$line}" >>"$WORK/ceilings.jsonl"
    log "ceiling ($when) $name $(echo "$line" | python3 "$HERE/lib/fmt.py" ceiling)"
}
# measured before and again after the scenarios: on a shared machine the load moves, and the
# report divides by the best of the runs (so a fraction is, if anything, too low)
ceilings() {
    ceiling "$1" php "" "$(command -v php)" "$PHP_SCRIPT"
    ceiling "$1" php -s "$(command -v php)" "$PHP_SCRIPT"
    ceiling "$1" native "" "$NATIVE_BIN"
    ceiling "$1" native -s "$NATIVE_BIN"
}
ceilings before
# the machine's speed drifts by tens of percent within minutes (shared hosts), so each process
# scenario is also bracketed by two short ceiling runs of its own target, in the mode that was
# faster above; the report divides by their mean too ("of adjacent ceiling")
best_mode() { # TARGET-NAME -> "" (fork) or "-s" (posix_spawn)
    python3 -c '
import json, sys
runs = [r["result"] for r in map(json.loads, filter(str.strip, open(sys.argv[1]))) if r["target"] == sys.argv[2]]
print("-s" if max(runs, key=lambda r: r["starts_per_sec"])["mode"] == "posix_spawn" else "")' "$WORK/ceilings.jsonl" "$1"
}
PHP_MODE="$(best_mode php)"
NATIVE_MODE="$(best_mode native)"
adjacent_ceiling() { # SCENARIO-NAME FUNCTION
    case "$2" in
        php-ping) CEILING_SECONDS="$ADJACENT_SECONDS" ceiling "adjacent:$1" php "$PHP_MODE" "$(command -v php)" "$PHP_SCRIPT" ;;
        native-hello) CEILING_SECONDS="$ADJACENT_SECONDS" ceiling "adjacent:$1" native "$NATIVE_MODE" "$NATIVE_BIN" ;;
    esac
}

# ---------------------------------------------------------------- scenarios
# name|function|method|path|connections|close|body bytes|sample RSS
SCEN=()
add_fn() { # FUNCTION METHOD PATH
    for c in 1 16 64; do
        SCEN+=("$1 c$c keep-alive|$1|$2|$3|$c|0|0|$([ $c = 16 ] && echo 1 || echo 0)")
        SCEN+=("$1 c$c close|$1|$2|$3|$c|1|0|0")
    done
}
add_fn php-ping GET /bench/php-ping
add_fn native-hello POST /bench/native-hello
SCEN+=("native-hello c16 keep-alive body 1KiB|native-hello|POST|/bench/native-hello|16|0|1024|0")
SCEN+=("native-hello c16 keep-alive body 1MiB|native-hello|POST|/bench/native-hello|16|0|1048576|0")
[ "$WASM" = 1 ] && add_fn wasm-hello POST /bench/wasm-hello
for c in 1 16 64; do
    SCEN+=("unknown-route c$c keep-alive|unknown-route|GET|/bench/no-such-route|$c|0|0|$([ $c = 16 ] && echo 1 || echo 0)")
done
SCEN+=("unknown-route c16 close|unknown-route|GET|/bench/no-such-route|16|1|0|0")

if [ -n "$ONLY" ]; then
    filtered=()
    for s in "${SCEN[@]}"; do
        if echo "${s%%|*}" | grep -Eq -- "$ONLY"; then filtered+=("$s"); fi
    done
    SCEN=("${filtered[@]+"${filtered[@]}"}")
fi
[ ${#SCEN[@]} -gt 0 ] || die "no scenario matches --only '$ONLY'"

run_wrk() { # SECONDS CONNECTIONS METHOD PATH CLOSE BODY OUTFILE
    local threads=$(( $2 < NPROC ? $2 : NPROC )) expect=""
    [ "$4" = /bench/no-such-route ] && expect=404
    BENCH_METHOD="$3" BENCH_CLOSE="$5" BENCH_BODY_BYTES="$6" BENCH_EXPECT="$expect" \
        bench_wrk "$BASE$4" "$1" "$threads" "$2" "$7"
}

log "warming up ($WARMUP s per function, 16 connections)"
for w in "GET /bench/php-ping" "POST /bench/native-hello" "GET /bench/no-such-route"; do
    run_wrk "$WARMUP" 16 ${w% *} "${w#* }" 0 0 "$WORK/warmup.txt"
done
[ "$WASM" = 1 ] && run_wrk "$WARMUP" 16 POST /bench/wasm-hello 0 0 "$WORK/warmup.txt"

: >"$WORK/scenarios.jsonl"
: >"$WORK/rss.jsonl"
total=${#SCEN[@]}
log "running $total scenarios of $DURATION s (about $(( total * (DURATION + 2) / 60 + 1 )) min)"
i=0
for s in "${SCEN[@]}"; do
    i=$((i + 1))
    IFS='|' read -r name fn method path conns close body sample <<<"$s"
    kill -0 "$CP_PID" 2>/dev/null || die "control plane died before '$name' (log: $WORK/control-plane.log)"
    adjacent_ceiling "$name" "$fn" >/dev/null
    printf '[bench %s] [%2d/%d] %-42s ' "$(date +%H:%M:%S)" "$i" "$total" "$name"
    raw="$WORK/wrk-$i.txt"
    before="$(python3 "$HERE/lib/procstat.py" snapshot "$CP_PID")"
    if [ "$sample" = 1 ]; then
        python3 "$HERE/lib/procstat.py" sample "$CP_PID" "$((DURATION - 1))" "$WORK/rss-$fn.jsonl" &
        SAMPLER_PID=$!
    fi
    run_wrk "$DURATION" "$conns" "$method" "$path" "$close" "$body" "$raw"
    if [ -n "$SAMPLER_PID" ]; then wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""; fi
    after="$(python3 "$HERE/lib/procstat.py" snapshot "$CP_PID")"
    result="$(bench_wrk_result "$raw")"
    if [ "$result" = null ]; then
        echo "wrk gave no result (see below)"
        sed 's/^/    /' "$raw" | tail -5
    else
        echo "$result" | python3 "$HERE/lib/fmt.py" wrk
    fi
    printf '{"name":"%s","function":"%s","method":"%s","path":"%s","connections":%s,"close":%s,"body_bytes":%s,"duration_s":%s,"load1":%s,"wrk":%s,"before":%s,"after":%s}\n' \
        "$name" "$fn" "$method" "$path" "$conns" "$([ "$close" = 1 ] && echo true || echo false)" "$body" "$DURATION" \
        "$(cut -d' ' -f1 /proc/loadavg)" "$result" "$before" "$after" >>"$WORK/scenarios.jsonl"
    adjacent_ceiling "$name" "$fn" >/dev/null
    sleep 1
done

# ---------------------------------------------------------------- report
ceilings after
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
log "load average at end $LOAD_END; writing the report"
python3 "$HERE/lib/report.py" --work "$WORK" --out "$RESULTS" --stamp "$STAMP" \
    --meta "$(python3 "$HERE/lib/meta.py" "$REPO" started="$STARTED_AT" load_start="$LOAD_START" \
        load_end="$LOAD_END" cores:="$NPROC" workers:="$WORKERS" duration_s:="$DURATION" warmup_s:="$WARMUP" \
        ceiling_s:="$CEILING_SECONDS" wasm_note="$WASM_NOTE" jar="$JAR")"
log "done: $RESULTS/$STAMP.md"
