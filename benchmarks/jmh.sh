#!/usr/bin/env bash
# JMH micro-benchmarks of the gateway's hot-path pieces (HttpHeadParser, RouteTable.lookup).
# The benchmarks are control-plane test sources (src/test/java/org/faasj/controlplane/jmh), so they
# reach the real classes without changing how control-plane is packaged; surefire excludes them.
#
#   benchmarks/jmh.sh [--quick] [JMH options...]     e.g. benchmarks/jmh.sh RouteTable -prof gc
#
# Writes benchmarks/results/jmh-<date>.txt and .json (plus jmh-latest.*).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
RESULTS="$HERE/results"

args=()
if [ "${1:-}" = "--quick" ]; then
    args+=(-wi 2 -w 500ms -i 3 -r 500ms)
    shift
fi

for tool in java mvn; do
    command -v "$tool" >/dev/null 2>&1 || { echo "missing $tool: sudo apt-get install -y openjdk-17-jdk-headless maven" >&2; exit 1; }
done

cd "$REPO"
echo "[jmh] compiling control-plane test sources (mvn test-compile) and resolving the test classpath"
mvn -B -q -pl control-plane -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh.classpath
CP="control-plane/target/test-classes:control-plane/target/classes:$(cat control-plane/target/jmh.classpath)"
if [ ! -f control-plane/target/test-classes/META-INF/BenchmarkList ]; then
    echo "[jmh] no META-INF/BenchmarkList: the JMH annotation processor did not run (javac 23+ needs -proc:full)" >&2
    exit 1
fi

STAMP="$(date '+%Y-%m-%d-%H%M')"
mkdir -p "$RESULTS"
TXT="$RESULTS/jmh-$STAMP.txt"
JSON="$RESULTS/jmh-$STAMP.json"
{
    echo "# JMH run $STAMP on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start (shared machine)"
    echo "# $(java -version 2>&1 | head -1); commit $(git -C "$REPO" rev-parse --short HEAD)"
} | tee "$TXT"
java -cp "$CP" org.openjdk.jmh.Main -rf json -rff "$JSON" "${args[@]}" "$@" 2>&1 | tee -a "$TXT"
echo "# load average at end $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$TXT"
cp "$TXT" "$RESULTS/jmh-latest.txt"
cp "$JSON" "$RESULTS/jmh-latest.json"
echo "[jmh] wrote $TXT and $JSON"
