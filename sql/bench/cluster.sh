#!/bin/bash
# Ferry's cluster benchmark: one run over several large tables of one level, into an empty target, on a cluster of
# one node and then of three (`ferry serve --cluster` processes on 127.0.0.1), timed from the trigger to the run's
# end; prints both wall times and their ratio, and which node copied each table.
#
#   sql/bench/cluster.sh [--tables N] [--rows N] [--keep]
#
#   --tables N   tables in the run (default 8), all of one level (no foreign keys between them)
#   --rows N     rows per table (default 400000; ~90 MB each with its indexes)
#   --keep       keep the databases and the nodes' logs afterwards
#
# Needs target/ferry (./mvnw -q -B package -DskipTests), curl and jq. FERRY_BENCH_SERVER (default
# postgresql://postgres@127.0.0.1:5432/postgres) is any database on the server; ferry_cluster_src and
# ferry_cluster_tgt are (re)created there and dropped at the end.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SERVER=${FERRY_BENCH_SERVER:-postgresql://postgres@127.0.0.1:5432/postgres}
TABLES=8
ROWS=400000
KEEP=false
usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --tables) TABLES=${2:?--tables needs a value}; shift 2 ;;
    --rows)   ROWS=${2:?--rows needs a value}; shift 2 ;;
    --keep)   KEEP=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "cluster.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$TABLES" =~ ^[1-9][0-9]?$ ]] || { echo "cluster.sh: --tables must be 1..99" >&2; exit 2; }
[[ "$ROWS" =~ ^[1-9][0-9]*$ ]] || { echo "cluster.sh: --rows must be a positive whole number" >&2; exit 2; }
FERRY="$ROOT/target/ferry"
[ -x "$FERRY" ] || { echo "cluster.sh: target/ferry is missing; build it with: ./mvnw -q -B package -DskipTests" >&2; exit 2; }
for tool in curl jq; do
  command -v $tool >/dev/null || { echo "cluster.sh: $tool is needed (apt-get install $tool)" >&2; exit 2; }
done

. "$HERE/common.sh" # db_url
SRC=$(db_url ferry_cluster_src)
TGT=$(db_url ferry_cluster_tgt)
psql_server() { psql -X -q -v ON_ERROR_STOP=1 -d "$SERVER" "$@"; }
log() { printf '==> %s\n' "$*" >&2; }
now() { date +%s.%N; }
WORK=$(mktemp -d)
export FERRY_API_TOKEN="cluster-bench-$RANDOM$RANDOM$RANDOM"
PIDS=()
stop_nodes() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}
cleanup() {
  stop_nodes
  if [ "$KEEP" = false ]; then
    psql_server -c "DROP DATABASE IF EXISTS ferry_cluster_src WITH (FORCE)" -c "DROP DATABASE IF EXISTS ferry_cluster_tgt WITH (FORCE)" || true
    rm -rf "$WORK"
  else
    log "kept: ferry_cluster_src, ferry_cluster_tgt, logs in $WORK"
  fi
}
trap cleanup EXIT

schema() {
  for i in $(seq 1 "$TABLES"); do
    echo "CREATE TABLE t$i (id bigint PRIMARY KEY, org int NOT NULL, name text, props jsonb, seen timestamptz);"
    echo "CREATE INDEX t${i}_org ON t$i (org, seen);"
  done
}
fresh_target() {
  psql_server -c "DROP DATABASE IF EXISTS ferry_cluster_tgt WITH (FORCE)" -c "CREATE DATABASE ferry_cluster_tgt"
  schema | psql -X -q -v ON_ERROR_STOP=1 -d "$TGT"
  "$FERRY" backups --target "$TGT" >/dev/null # Ferry's control schema, created before the clock starts
}

log "source: $TABLES tables x $ROWS rows"
psql_server -c "DROP DATABASE IF EXISTS ferry_cluster_src WITH (FORCE)" -c "CREATE DATABASE ferry_cluster_src"
{ schema; for i in $(seq 1 "$TABLES"); do
    echo "INSERT INTO t$i SELECT g, g % 500, 'name ' || g || ' of table $i',
      jsonb_build_object('size', g % 7, 'weight', (g % 90) * 1.25, 'tags', jsonb_build_array('a', g % 13)),
      timestamptz '2026-01-01' + g * interval '1 second' FROM generate_series(1, $ROWS) g;"
  done; echo "VACUUM ANALYZE;"; } | psql -X -q -v ON_ERROR_STOP=1 -d "$SRC"

# Starts a cluster of $1 nodes (HTTP ports 18180.., cluster ports 15801..) and waits until each sees them all.
start_nodes() {
  local n=$1 members="" i
  for i in $(seq 0 $((n - 1))); do members="$members${members:+, }\"127.0.0.1:$((15801 + i))\""; done
  for i in $(seq 0 $((n - 1))); do
    printf 'api:\n  cluster:\n    name: ferry-bench-%s\n    host: 127.0.0.1\n    port: %s\n    members: [%s]\n' \
      "$n" $((15801 + i)) "$members" > "$WORK/node$i.yaml"
    "$FERRY" serve --cluster --port $((18180 + i)) --config "$WORK/node$i.yaml" --source "$SRC" --target "$TGT" \
      > "$WORK/cluster$n-node$i.log" 2>&1 &
    PIDS+=($!)
  done
  local deadline=$(( $(date +%s) + 120 ))
  for i in $(seq 0 $((n - 1))); do
    until [ "$(curl -s "http://127.0.0.1:$((18180 + i))/ready" | jq -r '.cluster.members | length' 2>/dev/null)" = "$n" ]; do
      [ "$(date +%s)" -lt "$deadline" ] || { echo "cluster.sh: the cluster of $n did not form; see $WORK" >&2; KEEP=true; exit 1; }
      sleep 0.5
    done
  done
}

# Triggers a sync on node 0 and waits for its end; writes the wall time to $WORK/wall$1 and the most sessions Ferry
# held on the two databases meanwhile (sampled 5 times a second) to $WORK/peak$1. Fails unless the run succeeded.
timed_run() {
  local n=$1 t0 id status sampler
  ( peak=0; while :; do
      c=$(psql_server -At -c "SELECT count(*) FROM pg_stat_activity WHERE datname IN ('ferry_cluster_src', 'ferry_cluster_tgt')" 2>/dev/null || echo 0)
      [ "$c" -gt "$peak" ] && peak=$c && echo "$peak" > "$WORK/peak$n"
      sleep 0.2
    done ) &
  sampler=$!
  t0=$(now)
  id=$(curl -s -X POST -H "Authorization: Bearer $FERRY_API_TOKEN" -H 'content-type: application/json' -d '{}' \
    http://127.0.0.1:18180/api/v1/syncs | jq -r .id)
  [ -n "$id" ] && [ "$id" != null ] || { echo "cluster.sh: the run did not start" >&2; return 1; }
  while :; do
    status=$(curl -s -H "Authorization: Bearer $FERRY_API_TOKEN" "http://127.0.0.1:18180/api/v1/syncs/$id" | jq -r .status)
    [ "$status" = running ] || break
    sleep 0.2
  done
  local wall
  wall=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  echo "$wall" > "$WORK/wall$n"
  if [ "$status" != succeeded ]; then
    curl -s -H "Authorization: Bearer $FERRY_API_TOKEN" "http://127.0.0.1:18180/api/v1/syncs/$id" \
      | jq -r '.summary.message, .summary.warnings[]?, (.summary.tables[] | select(.outcome != "synced") | "\(.table): \(.outcome) \(.message)")' >&2
    echo "cluster.sh: the run on $n node(s) ended $status" >&2
    return 1
  fi
  curl -s -H "Authorization: Bearer $FERRY_API_TOKEN" "http://127.0.0.1:18180/api/v1/syncs/$id" \
    | jq -r '.summary.tables[] | "     \(.table): \(.inserted) rows; \(.path | capture("on node (?<n>[^;, ]+)") // {n: "the run'"'"'s node"} | .n)"' >&2
}

declare -A WALL
for n in 1 3; do
  fresh_target
  start_nodes "$n"
  log "cluster of $n node(s): one run of $TABLES tables"
  timed_run "$n" || { KEEP=true; exit 1; }
  WALL[$n]=$(cat "$WORK/wall$n")
  stop_nodes
done
echo
printf '%-28s %10s %22s\n' "nodes" "wall (s)" "peak sessions (src+tgt)"
printf '%-28s %10s %22s\n' "1" "${WALL[1]}" "$(cat "$WORK/peak1" 2>/dev/null || echo ?)"
printf '%-28s %10s %22s\n' "3 (on the same machine)" "${WALL[3]}" "$(cat "$WORK/peak3" 2>/dev/null || echo ?)"
printf 'ratio 3 nodes / 1 node: %s\n' "$(awk -v a="${WALL[3]}" -v b="${WALL[1]}" 'BEGIN { printf "%.2f", a / b }')"
