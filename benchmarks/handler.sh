#!/usr/bin/env bash
# faasj handler mode (issue 11): the PHP handler hello (examples/handler/hello.php) against the same
# greeting in process mode (examples/hello.php), and the Python handler hello, on one platform
# started from the built jar; wrk -t2 -c16 keep-alive, POST {"name":"bench",...}. Prints req/s,
# p50/p99 and the PHP ratio, with the handler processes' RSS; writes nothing else. Python is
# skipped with a note when its deploy fails (python3 first on PATH outside /usr, e.g. pyenv: run
# with PATH=/usr/bin:$PATH).
#
#   benchmarks/handler.sh [--duration S] [--warmup S] [--workers N] [--jar PATH] [--keep]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"

DURATION=10
WARMUP=3
WORKERS=4
JAR="$REPO/control-plane/target/control-plane-0.1.0-SNAPSHOT.jar"
KEEP=0

while [ $# -gt 0 ]; do
    case "$1" in
        --duration) DURATION="$2"; shift ;;
        --warmup) WARMUP="$2"; shift ;;
        --workers) WORKERS="$2"; shift ;;
        --jar) JAR="$2"; shift ;;
        --keep) KEEP=1 ;;
        -h|--help) sed -n 2,7p "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done

BENCH_TAG=handler-bench
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"
bench_require_tools
[ -f "$JAR" ] || die "no jar at $JAR; build it first: mvn -B -q package -DskipTests"
bench_begin handler

export BENCH_WORKERS="$WORKERS"
JAVA_OPTS="${JAVA_OPTS:--Xmx256m}"
PORT="$(bench_free_port)"
DATA="$WORK/d"
log "starting the platform on port $PORT with $WORKERS workers"
bench_start_platform "$JAR" "$DATA" "$PORT" "$WORK/control-plane.log"
PID="$BENCH_STARTED_PID"
BASE="http://127.0.0.1:$PORT"
bench_wait_up "$BASE" "$PID" "$WORK/control-plane.log"
TOKEN="$(cat "$DATA/admin-token")"

# name|code|descriptor JSON (route POST /bench/<name>)
TARGETS=(
    "php-handler|$REPO/examples/handler/hello.php|{\"name\":\"php-handler\",\"runtime\":\"php\",\"mode\":\"handler\",\"route\":\"/bench/php-handler\",\"memory\":64,\"timeout\":10}"
    "php-process|$REPO/examples/hello.php|{\"name\":\"php-process\",\"runtime\":\"php\",\"route\":\"/bench/php-process\",\"memory\":64,\"timeout\":10}"
    "python-handler|$REPO/examples/handler/hello.py|{\"name\":\"python-handler\",\"runtime\":\"python\",\"mode\":\"handler\",\"route\":\"/bench/python-handler\",\"memory\":64,\"timeout\":10}"
)
READY=()
for t in "${TARGETS[@]}"; do
    IFS='|' read -r name code descriptor <<<"$t"
    printf '%s' "$descriptor" >"$WORK/$name.json"
    status="$(bench_deploy "$BASE" "$TOKEN" "$code" "$WORK/$name.json" "$WORK/deploy-$name.out")"
    if [ "$status" != 201 ] && [ "$name" = python-handler ]; then
        # e.g. python3 found first outside /usr (pyenv): run with PATH=/usr/bin:$PATH
        log "note: deploying $name answered $status, skipped: $(cat "$WORK/deploy-$name.out")"
        continue
    fi
    [ "$status" = 201 ] || die "deploying $name answered $status: $(cat "$WORK/deploy-$name.out")"
    status="$(bench_probe "$BASE" POST "/bench/$name" "$WORK/probe.out")"
    [ "$status" = 200 ] || die "POST /bench/$name answered $status: $(cat "$WORK/probe.out")"
    READY+=("$t")
done
TARGETS=("${READY[@]}")

declare -A RPS P99
for t in "${TARGETS[@]}"; do
    IFS='|' read -r name _ _ <<<"$t"
    BENCH_METHOD=POST BENCH_CLOSE=0 BENCH_BODY_BYTES=26 BENCH_EXPECT="" \
        bench_wrk "$BASE/bench/$name" "$WARMUP" 2 16 "$WORK/warmup.txt"
    BENCH_METHOD=POST BENCH_CLOSE=0 BENCH_BODY_BYTES=26 BENCH_EXPECT="" \
        bench_wrk "$BASE/bench/$name" "$DURATION" 2 16 "$WORK/wrk-$name.txt"
    result="$(bench_wrk_result "$WORK/wrk-$name.txt")"
    [ "$result" != null ] || die "wrk gave no result for $name: $(tail -5 "$WORK/wrk-$name.txt")"
    read -r rps p50 p99 errors <<<"$(python3 -c '
import json, sys
r = json.loads(sys.argv[1])
print(r["rps"], r["p50_us"] / 1000, r["p99_us"] / 1000, r.get("errors", 0))' "$result")"
    RPS[$name]="$rps"; P99[$name]="$p99"
    log "$(printf '%-15s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %s  (load %s)' "$name" "$rps" "$p50" "$p99" "$errors" "$(cut -d' ' -f1 /proc/loadavg)")"
done
ratio="$(python3 -c "import sys; print('%.1f' % (float(sys.argv[1]) / max(1e-9, float(sys.argv[2]))))" "${RPS[php-handler]}" "${RPS[php-process]}")"
log "PHP handler / process mode: ${ratio}x (targets: PHP handler >= 5000 req/s, p99 <= 15 ms, >= 30x; Python handler >= 4000 req/s)"
rss="$(for p in /proc/[0-9]*; do
        if { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -q 'faas[-_]handler\.p[hy]'; then
            awk '/VmRSS/ {print $2}' "$p/status" 2>/dev/null
        fi
    done | sort -n | tr '\n' ' ')"
log "handler processes' RSS (KB): ${rss:-none}"
workers="$(python3 "$HERE/lib/procstat.py" workers "$PID" 2>/dev/null || true)"
for w in $workers; do log "worker $w RSS $(awk '/VmRSS/ {print $2, $3}' "/proc/$w/status" 2>/dev/null)"; done
