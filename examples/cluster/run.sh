#!/usr/bin/env bash
# Two faasj nodes on this machine sharing one PostgreSQL database, behind nginx.
# Ctrl-C stops nginx and both nodes (gracefully). The database is kept, so a second run finds
# its functions again; drop it with `dropdb -h 127.0.0.1 -U postgres faasj_cluster`.
#
# Settings (environment): PORT (nginx, 8080), NODE_A_PORT (8081), NODE_B_PORT (8082),
# PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), PGPASSWORD, DB (faasj_cluster),
# FAASJ_TOKEN (the admin token of both nodes; generated when unset), JAR (the built control-plane jar).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PORT=${PORT:-8080}
NODE_A_PORT=${NODE_A_PORT:-8081}
NODE_B_PORT=${NODE_B_PORT:-8082}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DB=${DB:-faasj_cluster}
FAASJ_TOKEN=${FAASJ_TOKEN:-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}
JAR=${JAR:-$(ls "$root"/control-plane/target/control-plane-*.jar 2>/dev/null | grep -v original | head -n 1 || true)}

nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx_bin" ] || { echo "nginx is not installed (apt-get install nginx)" >&2; exit 1; }
[ -n "$JAR" ] && [ -f "$JAR" ] || { echo "no control-plane jar: run 'mvn -o -B -DskipTests package' first, or set JAR" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/faasj-cluster.XXXXXX")
# nginx's worker processes run as another user when started as root: let them reach their temp dirs.
chmod 711 "$work"
pids=()

stop() {
    trap - INT TERM EXIT
    echo "stopping..."
    # SIGTERM: nginx shuts down, each node drains its calls in flight first
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap stop INT TERM EXIT

if [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != "1" ]; then
    createdb "$DB"
    echo "created database $DB on $PGHOST:$PGPORT"
fi

start_node() { # name port
    mkdir -p "$work/$1"
    java -jar "$JAR" --faas.gateway.port="$2" --faas.data-dir="$work/$1" \
        --faas.store.url="jdbc:postgresql://$PGHOST:$PGPORT/$DB" --faas.store.username="$PGUSER" \
        ${PGPASSWORD:+--faas.store.password="$PGPASSWORD"} \
        --faas.admin-token="$FAASJ_TOKEN" >"$work/$1.log" 2>&1 &
    pids+=($!)
    echo "node $1: port $2, pid $!, log $work/$1.log"
}

await_ready() { # name port pid
    for _ in $(seq 1 240); do
        curl -sf -o /dev/null "http://127.0.0.1:$2/actuator/health/readiness" && return 0
        kill -0 "$3" 2>/dev/null || break
        sleep 0.5
    done
    echo "node $1 did not become ready (or exited); its log: $work/$1.log" >&2
    tail -n 30 "$work/$1.log" >&2
    exit 1
}

start_node a "$NODE_A_PORT"
start_node b "$NODE_B_PORT"
await_ready a "$NODE_A_PORT" "${pids[0]}"
await_ready b "$NODE_B_PORT" "${pids[1]}"

mkdir -p "$work/nginx"
sed -e "s/@PORT@/$PORT/" -e "s/@NODE_A_PORT@/$NODE_A_PORT/" -e "s/@NODE_B_PORT@/$NODE_B_PORT/" \
    "$here/nginx.conf" >"$work/nginx/nginx.conf"
"$nginx_bin" -p "$work/nginx/" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 1 40); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/actuator/health/readiness" && break
    sleep 0.25
done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/actuator/health/readiness" \
    || { echo "nginx did not answer on port $PORT; its log: $work/nginx/error.log" >&2; cat "$work/nginx/error.log" >&2; exit 1; }

cat <<MSG

faasj cluster ready: nginx on http://127.0.0.1:$PORT -> nodes on $NODE_A_PORT and $NODE_B_PORT
  export TOKEN=$FAASJ_TOKEN
  curl -H "Authorization: Bearer \$TOKEN" localhost:$PORT/system/nodes
  curl -H "Authorization: Bearer \$TOKEN" -F code=@examples/hello.php \\
       -F 'descriptor={"runtime":"php","name":"hello"}' localhost:$PORT/system/functions
  curl -X POST localhost:$PORT/api/hello -d '{"name":"Alice"}'
  kill -9 ${pids[0]}   # node a; calls keep answering from node b
Ctrl-C stops everything.
MSG

wait
