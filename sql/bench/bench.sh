#!/bin/bash
# Ferry's benchmark: full load, no-op re-sync and re-sync after a day of changes, each timed against the raw
# COPY pipe (the reference copy_baseline.sh) measured in the same run, so the ratio is what to quote.
#
#   sql/bench/bench.sh [--scale N] [--reference] [--reps N] [--reference-dir DIR] [--resync-mode MODE] [--keep]
#
#   --scale N            data size; 1 = 150 organizations, 300,000 animals (~0.5 GB). Fractions work. Default 1.
#   --reference          load the shared reference dataset (dataset.sql, schema.sql, mutate.sql in the reference
#                        dir) instead of Ferry's own generator (sql/demo/migrations/V1__rescue_dog_schema.sql + data.sql, sql/bench/mutate.sql)
#   --reps N             time the full loads into empty targets (COPY pipe, pgcopydb, Ferry) in N rounds, one of
#                        each per round, and show each one's median run (of an even N the slower middle one); every
#                        run's seconds are listed below the table. Rounds, not N of one then N of the next: this
#                        kind of machine's speed drifts over minutes more than Ferry's margin at scale 1.
#   --reference-dir DIR  the shared benchmark folder (default: ../shared/bench next to the project root)
#   --resync-mode MODE   ferry --mode for the re-sync after the day of changes (default mirror: the day deletes
#                        rows, and incremental never deletes, so its validation would fail on the row counts)
#   --keep               keep the three databases afterwards (to inspect them)
#   --config FILE        Ferry's configuration for every run (default conf/ferry.yaml; e.g. one that sets a watermark)
#   --delay-ms N         also time both full loads with the targets behind a TCP proxy on 127.0.0.1 that delays
#                        each direction by N ms (10 = a 20 ms round trip; sql/bench/delay_proxy.py, needs python3)
#   --pgcopydb           also time `pgcopydb clone` (apt-get install pgcopydb) into an empty database: the fastest
#                        first load among the peers, with its default jobs
#   --pull               time `ferry pull` instead: the source stands for production, pulled with rules on two
#                        columns (animals.name: name, organizations.website_url: redact) into an empty database
#                        (schema included), again as a no-op, and after the day of changes
#
# Ferry's first contact with each target (creating its control schema) is timed on a line of its own.
# FERRY_BENCH_SERVER (default postgresql://postgres@127.0.0.1:5432/postgres) is any database on the server;
# ferry_bench_src, ferry_bench_copy and ferry_bench_ferry are (re)created there and dropped at the end.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SERVER=${FERRY_BENCH_SERVER:-postgresql://postgres@127.0.0.1:5432/postgres}
SCALE=1
REFERENCE=false
KEEP=false
RESYNC_MODE=mirror
REF_DIR="$ROOT/../shared/bench"
CONFIG=""

usage() { sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
DELAY_MS=0
PULL=false
PGCOPYDB=false
REPS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --scale)         SCALE=${2:?--scale needs a value}; shift 2 ;;
    --scale=*)       SCALE=${1#*=}; shift ;;
    --reference)     REFERENCE=true; shift ;;
    --reference-dir) REF_DIR=${2:?--reference-dir needs a value}; shift 2 ;;
    --reference-dir=*) REF_DIR=${1#*=}; shift ;;
    --resync-mode)   RESYNC_MODE=${2:?--resync-mode needs a value}; shift 2 ;;
    --resync-mode=*) RESYNC_MODE=${1#*=}; shift ;;
    --keep)          KEEP=true; shift ;;
    --reps)          REPS=${2:?--reps needs a value}; shift 2 ;;
    --reps=*)        REPS=${1#*=}; shift ;;
    --config)        CONFIG=$(cd "$(dirname "${2:?--config needs a file}")" && pwd)/$(basename "$2"); shift 2 ;;
    --delay-ms)      DELAY_MS=${2:?--delay-ms needs a value}; shift 2 ;;
    --pull)          PULL=true; shift ;;
    --pgcopydb)      PGCOPYDB=true; shift ;;
    -h|--help)       usage; exit 0 ;;
    *)               echo "bench.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
if [ "$PULL" = true ] && [ "$DELAY_MS" != 0 ]; then
  echo "bench.sh: --delay-ms times pushes only; leave it out with --pull" >&2; exit 2
fi
# The scale ends up inside SQL, so allow only a plain positive number.
if ! [[ "$SCALE" =~ ^[0-9]*\.?[0-9]+$ ]] || ! awk -v s="$SCALE" 'BEGIN { exit !(s > 0) }'; then
  echo "bench.sh: --scale must be a positive number (got '$SCALE')" >&2; exit 2
fi
[[ "$REPS" =~ ^[1-9][0-9]?$ ]] || { echo "bench.sh: --reps must be a whole number from 1 to 99 (got '$REPS')" >&2; exit 2; }
REF_DIR=$(cd "$REF_DIR" && pwd) || { echo "bench.sh: reference dir not found" >&2; exit 2; }

FERRY="$ROOT/target/ferry"  # the launcher, as users run Ferry (java -jar target/ferry.jar plus a class-data archive)
[ -x "$FERRY" ] && [ -f "$ROOT/target/ferry.jar" ] \
  || { echo "bench.sh: target/ferry is missing; build it with: ./mvnw -q -B package -DskipTests" >&2; exit 2; }
for f in copy_baseline.sh schema.sql dataset.sql mutate.sql; do
  [ -f "$REF_DIR/$f" ] || { echo "bench.sh: $REF_DIR/$f is missing" >&2; exit 2; }
done

log() { printf '==> %s\n' "$*" >&2; }
now() { date +%s.%N; }
# Float arithmetic without bc (not always installed): calc '<awk expression>'.
calc() { awk "BEGIN { printf \"%s\", $1 }"; }

. "$HERE/common.sh" # db_url
SRC=$(db_url ferry_bench_src)
COPY_TGT=$(db_url ferry_bench_copy)
FERRY_TGT=$(db_url ferry_bench_ferry)
PGCOPYDB_TGT=$(db_url ferry_bench_pgcopydb)
DBS=(ferry_bench_src ferry_bench_copy ferry_bench_ferry ferry_bench_pgcopydb)

psql_server() { psql -X -q -v ON_ERROR_STOP=1 -d "$SERVER" "$@"; }
wal_lsn() { psql_server -At -c "SELECT pg_current_wal_lsn()"; }
wal_mb() { psql_server -At -c "SELECT round(pg_wal_lsn_diff('$2', '$1') / 1048576.0, 1)"; }
# The WAL position is server-wide, so other work on the server lands in our numbers (and takes CPU). Flag the
# cases that were not measured alone: rows other databases wrote meanwhile (cumulative stats, which lag a
# little) and, sampled twice a second, sessions active in other databases (catches CREATE DATABASE, DDL, ...).
OTHERS="datname NOT IN ('ferry_bench_src', 'ferry_bench_copy', 'ferry_bench_ferry', 'ferry_bench_pgcopydb')"
other_writes() {
  psql_server -At -c "SELECT coalesce(sum(tup_inserted + tup_updated + tup_deleted), 0) FROM pg_stat_database
                      WHERE $OTHERS"
}
WATCH_PID=""
watch_start() {
  ( while :; do
      psql_server -At -c "SELECT DISTINCT datname FROM pg_stat_activity WHERE state = 'active' AND $OTHERS
                            AND backend_type IN ('client backend', 'autovacuum worker') AND pid <> pg_backend_pid()"
      sleep 0.5
    done ) >"$WORK/watch" 2>/dev/null &
  WATCH_PID=$!
}
NOISE=()
watch_stop() {  # watch_stop NAME ROWS_BEFORE
  kill "$WATCH_PID" 2>/dev/null || true; wait "$WATCH_PID" 2>/dev/null || true; WATCH_PID=""
  local n dbs
  n=$(( $(other_writes) - $2 )); [ "$n" -ge 0 ] || n=0  # a database dropped meanwhile takes its stats along
  dbs=$(sort -u "$WORK/watch" | grep -v '^$' | paste -sd' ' || true)
  if [ "$n" -gt 0 ] || [ -n "$dbs" ]; then NOISE+=("$1 ($n rows written${dbs:+; active: $dbs})"); fi
}
source_rows() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$SRC" -At -c "SELECT (SELECT count(*) FROM organizations)
    + (SELECT count(*) FROM animals) + (SELECT count(*) FROM scrape_logs) + (SELECT count(*) FROM service_regions)"
}

WORK=$(mktemp -d)
drop_dbs() {
  for db in "${DBS[@]}"; do
    psql_server -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
  done
}
cleanup() {
  local rc=$?
  if [ -n "$WATCH_PID" ]; then kill "$WATCH_PID" 2>/dev/null || true; fi
  if [ -n "${PROXY_PID:-}" ]; then kill "$PROXY_PID" 2>/dev/null || true; fi
  if [ "$KEEP" = true ]; then
    log "kept databases: ${DBS[*]}"
  else
    drop_dbs || rc=1
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT

# Peak RSS needs GNU time's -v; without it the runs still happen, just without that number.
TIME_V=()
if [ -x /usr/bin/time ] && /usr/bin/time -v true 2>/dev/null; then
  TIME_V=(/usr/bin/time -v -o "$WORK/time.txt")
fi

# Ferry's config keys organizations by its natural key (config_id); ids differ between databases.
CONFIG=${CONFIG:-$ROOT/conf/ferry.yaml}
CONFIG_NOTE=""
if [ ! -f "$CONFIG" ]; then
  CONFIG="$WORK/ferry.yaml"
  printf 'tables:\n  organizations:\n    key: [config_id]\n' > "$CONFIG"
  CONFIG_NOTE="conf/ferry.yaml missing: used a temporary config keying organizations by config_id"
fi

# JSON summary → "status<TAB>rows written<TAB>message"; jq if present, else python3.
summarize() {
  if command -v jq >/dev/null; then
    jq -r '[.status, ([.tables[]? | (.inserted + .updated + .deleted)] | add // 0),
            ([.message // ""] + [.tables[]? | select(.outcome == "FAILED" or .outcome == "REFUSED") | .message // empty]
             + [.validation[]? | select(.matches | not) | "validation \(.table): \(.detail)"]
             | map(select(. != "")) | join("; "))] | @tsv' "$1"
  else
    python3 - "$1" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
t = s.get("tables") or []
msgs = [s.get("message") or ""]
msgs += [x.get("message") or "" for x in t if x.get("outcome") in ("FAILED", "REFUSED")]
msgs += ["validation %s: %s" % (v["table"], v["detail"]) for v in s.get("validation") or [] if not v.get("matches")]
rows = sum(x["inserted"] + x["updated"] + x["deleted"] for x in t)
print("\t".join([str(s.get("status")), str(rows), "; ".join(m for m in msgs if m).replace("\t", " ").replace("\n", " ")]))
PY
  fi
}

# Results, one line per case: name seconds rows wal_mb client_cpu_s peak_rss_mb
RESULTS=()
# The client's CPU (user + system, children included) and peak RSS of the last timed command, from time -v.
client_use() {
  if [ ${#TIME_V[@]} -gt 0 ] && [ -f "$WORK/time.txt" ]; then
    awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { r = $2 }
      END { printf "%.1f|%.0f", u + s, r / 1024 }' "$WORK/time.txt"
  else
    printf -- '-|-'
  fi
}
FAILURES=()

# run_copy NAME [--truncate]: the reference COPY pipe into ferry_bench_copy.
run_copy() {
  local name=$1; shift
  local rows lsn0 lsn1 t0 t1
  rows=$(source_rows)
  # each case starts clean: no earlier dirty buffers billed to it (needs superuser/pg_checkpoint; optional)
  psql_server -c "CHECKPOINT" 2>/dev/null || true
  local others; others=$(other_writes); watch_start
  lsn0=$(wal_lsn); t0=$(now)
  "${TIME_V[@]}" "$REF_DIR/copy_baseline.sh" "$SRC" "$COPY_TGT" "$@"
  t1=$(now); lsn1=$(wal_lsn)
  watch_stop "$name" "$others"
  RESULTS+=("$name|$(calc "$t1 - $t0")|$rows|$(wal_mb "$lsn0" "$lsn1")|$(client_use)")
}

# run_pgcopydb NAME: `pgcopydb clone` (schema, data, indexes, constraints) into the empty ferry_bench_pgcopydb.
run_pgcopydb() {
  local name=$1 rows lsn0 lsn1 t0 t1 rc=0
  rows=$(source_rows)
  psql_server -c "CHECKPOINT" 2>/dev/null || true
  local others; others=$(other_writes); watch_start
  lsn0=$(wal_lsn); t0=$(now)
  "${TIME_V[@]}" pgcopydb clone --source "$SRC" --target "$PGCOPYDB_TGT" --dir "$WORK/pgcopydb" --no-owner --no-acl \
    >"$WORK/pgcopydb.log" 2>&1 || rc=$?
  t1=$(now); lsn1=$(wal_lsn)
  watch_stop "$name" "$others"
  [ "$rc" = 0 ] || FAILURES+=("$name: exit $rc: $(tail -n 3 "$WORK/pgcopydb.log" | tr '\n' ' ')")
  RESULTS+=("$name|$(calc "$t1 - $t0")|$rows|$(wal_mb "$lsn0" "$lsn1")|$(client_use)")
}

# run_ferry NAME [FERRY ARGS...]: one `ferry sync --json` into ferry_bench_ferry, with time, rows written, WAL
# and peak RSS.
run_ferry() {
  local name=$1 tag=${1//[^a-z]/_}; shift
  local out="$WORK/$tag.json" err="$WORK/$tag.log" rc=0 lsn0 lsn1 t0 t1 status rows msg rss
  psql_server -c "CHECKPOINT" 2>/dev/null || true
  local others; others=$(other_writes); watch_start
  lsn0=$(wal_lsn); t0=$(now)
  (cd "$ROOT" && "${TIME_V[@]}" "$FERRY" "${FERRY_RUN[@]}" --config "$CONFIG" --json "$@") >"$out" 2>"$err" || rc=$?
  t1=$(now); lsn1=$(wal_lsn)
  watch_stop "$name" "$others"
  if ! IFS=$'\t' read -r status rows msg < <(summarize "$out" 2>/dev/null); then
    status="NO_JSON"; rows=0; msg="exit code $rc, no JSON summary; stderr: $(tail -n 5 "$err" | tr '\n' ' ')"
  fi
  if [ "$status" != "SUCCEEDED" ]; then
    FAILURES+=("$name: $status (exit $rc): $msg")
    log "$name: $status: $msg"
  fi
  RESULTS+=("$name|$(calc "$t1 - $t0")|$rows|$(wal_mb "$lsn0" "$lsn1")|$(client_use)")
}

# run_setup NAME URL: Ferry's first contact with a target creates its control schema (run history, backups,
# claims; Flyway over JDBC, a few hundred round trips). It happens once per target, so it is timed on its own line,
# before the full load, instead of inside it.
run_setup() {
  local t0 rc=0
  t0=$(now)
  (cd "$ROOT" && "$FERRY" backups --target "$2" --config "$CONFIG") >/dev/null 2>"$WORK/setup.log" || rc=$?
  [ "$rc" = 0 ] || FAILURES+=("$1: exit $rc: $(tail -n 3 "$WORK/setup.log" | tr '\n' ' ')")
  RESULTS+=("$1|$(calc "$(now) - $t0")|0|0|-|-")
}

# medians: of each case timed more than once, only the median run's line stays in the results (in the place of its
# first), every run's seconds going to SPREAD.
SPREAD=()
medians() {
  local names name runs n kept=()
  mapfile -t names < <(printf '%s\n' "${RESULTS[@]}" | cut -d'|' -f1 | awk '!seen[$0]++')
  for name in "${names[@]}"; do
    runs=$(printf '%s\n' "${RESULTS[@]}" | awk -F'|' -v n="$name" '$1 == n')
    n=$(printf '%s\n' "$runs" | wc -l)
    kept+=("$(printf '%s\n' "$runs" | sort -t'|' -k2,2g | sed -n "$((n / 2 + 1))p")")
    [ "$n" = 1 ] || SPREAD+=("$name: $(printf '%s\n' "$runs" | cut -d'|' -f2 | xargs printf '%.2f ')")
  done
  RESULTS=("${kept[@]}")
}
empty_copy() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$COPY_TGT" -c "TRUNCATE organizations, animals, scrape_logs, service_regions"
}
empty_pgcopydb() {
  psql_server -c "DROP DATABASE ferry_bench_pgcopydb WITH (FORCE)" -c "CREATE DATABASE ferry_bench_pgcopydb"
  rm -rf "$WORK/pgcopydb"
}
# A new target for Ferry: the schema, and its control schema created untimed (the first run's is timed on its line).
empty_ferry() {
  psql_server -c "DROP DATABASE ferry_bench_ferry WITH (FORCE)" -c "CREATE DATABASE ferry_bench_ferry"
  [ "$PULL" = true ] || psql -X -q -v ON_ERROR_STOP=1 -d "$FERRY_TGT" -f "$SCHEMA" >/dev/null
  (cd "$ROOT" && "$FERRY" backups --target "$FERRY_TGT" --config "$CONFIG") >/dev/null 2>"$WORK/setup.log" \
    || FAILURES+=("control schema for a repeated run: $(tail -n 3 "$WORK/setup.log" | tr '\n' ' ')")
}

STARTED=$(now)
log "server $(db_url '')  scale $SCALE  $([ "$REFERENCE" = true ] && echo "reference dataset ($REF_DIR)" || echo "Ferry generator")"
drop_dbs
for db in "${DBS[@]}"; do psql_server -c "CREATE DATABASE $db"; done

# Source data, then the same schema (no rows) on both targets.
log "loading the source"
t0=$(now)
if [ "$REFERENCE" = true ]; then
  SCHEMA="$REF_DIR/schema.sql"
  psql -X -q -v ON_ERROR_STOP=1 -d "$SRC" -v scale="$SCALE" -f "$REF_DIR/dataset.sql" >/dev/null
else
  SCHEMA="$HERE/../demo/migrations/V1__rescue_dog_schema.sql"
  psql -X -q -v ON_ERROR_STOP=1 -d "$SRC" -f "$SCHEMA" >/dev/null
  # -c and -f run in order in one session, so data.sql sees the setting.
  psql -X -q -v ON_ERROR_STOP=1 -d "$SRC" -c "SET ferry.scale='$SCALE'" -f "$HERE/../demo/data.sql" >/dev/null
fi
LOAD_S=$(calc "$(now) - $t0")
# A pull starts from an empty database: it creates the schema itself.
for tgt in "$COPY_TGT" $([ "$PULL" = true ] || echo "$FERRY_TGT"); do
  psql -X -q -v ON_ERROR_STOP=1 -d "$tgt" -f "$SCHEMA" >/dev/null
done
# What Ferry runs: a sync into ferry_bench_ferry, or a pull from the source (production) into it, with rules.
if [ "$PULL" = true ]; then
  FERRY_RUN=(pull --source "$FERRY_TGT" --target "$SRC")
  cp "$CONFIG" "$WORK/pull.yaml"
  printf '\nrules:\n  "animals.name": name\n  "organizations.website_url": redact\n' >> "$WORK/pull.yaml"
  CONFIG="$WORK/pull.yaml"
  export FERRY_MASK_SALT=bench-salt-not-secret
  WORD=pull
else
  FERRY_RUN=(sync --source "$SRC" --target "$FERRY_TGT")
  WORD=sync
fi

# A user's first run after a build writes the launcher's class-data archive; later runs start a second faster. Take
# that first run here (a dry run, which loads the same classes as a sync), so no timed case pays for it.
log "ferry warm-up (dry run; writes target/ferry-$WORD.jsa if missing)"
(cd "$ROOT" && "$FERRY" "${FERRY_RUN[@]}" --dry-run --config "$CONFIG") >/dev/null 2>&1 \
  || log "warm-up dry run failed; carrying on"

if [ "$PGCOPYDB" = true ]; then
  command -v pgcopydb >/dev/null || { echo "bench.sh: --pgcopydb needs pgcopydb (apt-get install pgcopydb)" >&2; exit 2; }
fi
for ((round = 1; round <= REPS; round++)); do
  log "COPY full load$([ "$REPS" = 1 ] || echo " (round $round of $REPS)")"
  run_copy "COPY full load"
  # Nothing reads the COPY pipe's copy again before its re-sync, which truncates it first: emptied now, so that
  # autovacuum's work on it and its pages do not share the server with the cases between.
  empty_copy
  if [ "$PGCOPYDB" = true ]; then
    log "pgcopydb clone full load"
    run_pgcopydb "pgcopydb clone full load"
    # Nothing reads its copy again: emptied, so that the cases after it find the source's pages as cached as it did
    # (at scale 10 four 5 GB databases outgrow the page cache: Ferry's full load read the source from disk, 154 s
    # against 110 s on a quiet server).
    empty_pgcopydb
  fi
  if [ "$round" = 1 ]; then
    log "ferry control schema on the target (once per target)"
    run_setup "ferry control schema (once)" "$FERRY_TGT"
  else
    empty_ferry
  fi
  log "ferry full load ($WORD)"
  run_ferry "ferry full load"
done
medians
# Days pass between a first load and the next sync, and autovacuum is done with the fresh tables long before. Here it
# would still be at work beside the re-syncs (never beside the COPY pipe, measured first on a quiet server): the two
# databases are vacuumed now, untimed.
log "vacuum the source and Ferry's copy (autovacuum's work after a load, untimed)"
for db in "$SRC" "$FERRY_TGT"; do psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "VACUUM (ANALYZE)"; done
log "ferry no-op re-$WORD"
run_ferry "ferry no-op re-$WORD"

# A day of changes on the source.
log "mutating the source"
if [ "$REFERENCE" = true ]; then
  MUTATE="$REF_DIR/mutate.sql"; MUTATE_ARGS=(-v seed=1); MUTATE_LABEL="reference mutate.sql"
elif [ -f "$HERE/mutate.sql" ]; then
  MUTATE="$HERE/mutate.sql"; MUTATE_ARGS=(-c "SET ferry.seed='1'"); MUTATE_LABEL="sql/bench/mutate.sql"
else
  MUTATE="$REF_DIR/mutate.sql"; MUTATE_ARGS=(-v seed=1)
  MUTATE_LABEL="reference mutate.sql (sql/bench/mutate.sql did not exist yet)"
  log "sql/bench/mutate.sql does not exist yet: using the reference $MUTATE"
fi
MUTATE_OUT=$(psql -X -q -v ON_ERROR_STOP=1 --csv -d "$SRC" "${MUTATE_ARGS[@]}" -f "$MUTATE")
# The counts are the last result with updated/inserted/deleted columns, whatever order they come in.
MUTATIONS=$(printf '%s\n' "$MUTATE_OUT" | awk -F, '
  /(^|,)updated(,|$)/ { split("", col); for (j = 1; j <= NF; j++) col[$j] = j; getline
                        line = "updated " $col["updated"] ", inserted " $col["inserted"] ", deleted " $col["deleted"] }
  END { print (line == "" ? "(no counts reported)" : line) }')

log "ferry re-$WORD after mutate (--mode $RESYNC_MODE)"
run_ferry "ferry re-$WORD after mutate" --mode "$RESYNC_MODE"
log "COPY re-sync (truncate + full copy)"
run_copy "COPY re-sync (truncate)" --truncate

# The same two full loads with the targets "far away": every round trip through the proxy takes 2 x DELAY_MS more.
if [ "$DELAY_MS" != 0 ]; then
  PROXY_PORT=$((20000 + RANDOM % 20000))
  PG_HOST=$(printf '%s' "$SERVER" | sed -E 's#^[a-z]+://([^@/]*@)?([^:/?]+).*#\2#')
  PG_PORT=$(printf '%s' "$SERVER" | sed -nE 's#^[a-z]+://([^@/]*@)?[^:/?]+:([0-9]+).*#\2#p'); PG_PORT=${PG_PORT:-5432}
  python3 "$HERE/delay_proxy.py" "$PROXY_PORT" "$PG_HOST" "$PG_PORT" "$DELAY_MS" & PROXY_PID=$!  # cleanup() stops it
  sleep 1
  via_proxy() { printf '%s' "$1" | sed -E "s#(://([^@/]*@)?)[^/?]+#\1127.0.0.1:$PROXY_PORT#"; }
  RTT=$((2 * DELAY_MS))
  psql_server -c "DROP DATABASE ferry_bench_ferry WITH (FORCE)" -c "CREATE DATABASE ferry_bench_ferry"
  psql -X -q -v ON_ERROR_STOP=1 -d "$FERRY_TGT" -f "$SCHEMA" >/dev/null
  COPY_TGT=$(via_proxy "$COPY_TGT"); FERRY_TGT=$(via_proxy "$FERRY_TGT")
  log "COPY full load, ${RTT} ms round trip"
  run_copy "COPY full load, ${RTT} ms RTT" --truncate
  run_setup "ferry control schema, ${RTT} ms RTT" "$FERRY_TGT"
  log "ferry full load, ${RTT} ms round trip"
  run_ferry "ferry full load, ${RTT} ms RTT"
  kill $PROXY_PID 2>/dev/null || true
fi
TOTAL_S=$(calc "$(now) - $STARTED")

# The results table: seconds, and the ratio to the COPY full load measured in this same run.
BASE=$(printf '%s\n' "${RESULTS[0]}" | cut -d'|' -f2)
echo
printf '%-30s %9s %9s %13s %9s %9s %9s\n' "case" "seconds" "x COPY" "rows written" "WAL MB" "CPU s" "RSS MB"
printf '%-30s %9s %9s %13s %9s %9s %9s\n' "------------------------------" "-------" "------" "------------" "------" \
  "-----" "------"
for r in "${RESULTS[@]}"; do
  IFS='|' read -r name secs rows wal cpu rss <<<"$r"
  printf '%-30s %9.2f %9.2f %13s %9s %9s %9s\n' "$name" "$secs" "$(calc "$secs / $BASE")" \
    "$(printf "%'d" "$rows" 2>/dev/null || echo "$rows")" "$wal" "$cpu" "$rss"
done
if [ "$DELAY_MS" != 0 ]; then
  FAR_COPY=$(printf '%s\n' "${RESULTS[@]}" | grep "^COPY full load, " | cut -d'|' -f2)
  FAR_FERRY=$(printf '%s\n' "${RESULTS[@]}" | grep "^ferry full load, " | cut -d'|' -f2)
  echo "behind the proxy: ferry full load = $(printf '%.2f' "$(calc "$FAR_FERRY / $FAR_COPY")") x the COPY pipe through the same proxy"
fi
echo
if [ ${#SPREAD[@]} -gt 0 ]; then
  echo "full loads, $REPS rounds (seconds, in order; the table shows each one's median run):"
  printf '           %s\n' "${SPREAD[@]}"
fi
echo "mutation:  $MUTATIONS  ($MUTATE_LABEL, seed 1)"
echo "data:      $([ "$REFERENCE" = true ] && echo "reference dataset.sql" || echo "sql/demo/data.sql"), scale $SCALE, source loaded in $(printf '%.1f' "$LOAD_S") s"
echo "machine:   $(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc), $(psql_server -At -c "SHOW server_version")"
# Machines of one kind differ (the same code's scale-10 re-sync took 9 s on one and 18 s on another, the COPY pipe
# 168 s and 198 s): one backend's CPU-bound second, printed with every run, tells which kind of machine it was.
t0=$(now); psql_server -At -c "SELECT sum(i) FROM (SELECT generate_series(1, 20000000) i) s" >/dev/null
CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
echo "cpu probe: $(printf '%.2f' "$(calc "$(now) - $t0")") s for sum(generate_series(1, 20M)) on one backend${CPU_MODEL:+ ($CPU_MODEL)}"
# Some machines of this kind page out the page cache a while after its last use (the kernel's DAMON, action pageout):
# there a case may read from disk what an earlier one left cached, and at scale 10 that moves its time a lot.
DAMON=/sys/kernel/mm/damon/admin/kdamonds/0
if [ "$(cat "$DAMON/state" 2>/dev/null)" = on ] \
   && [ "$(cat "$DAMON/contexts/0/schemes/0/action" 2>/dev/null)" = pageout ]; then
  idle=$(( $(cat "$DAMON/contexts/0/schemes/0/access_pattern/age/min") \
    * $(cat "$DAMON/contexts/0/monitoring_attrs/intervals/aggr_us") / 1000000 ))
  echo "reclaim:   the kernel pages out memory left unused for ${idle} s or more (DAMON), cached table files included"
fi
if [ ${#TIME_V[@]} -gt 0 ]; then
  echo "client:    CPU s = user + system of the client process and its children, RSS = its peak (/usr/bin/time -v)"
else
  echo "client:    CPU and RSS not measured (/usr/bin/time -v not available)"
fi
echo "ferry:     ferry $WORD; re-$WORD after mutate with --mode $RESYNC_MODE; full load and no-op with the default mode; config ${CONFIG#"$ROOT"/}$([ "$PULL" = true ] && echo " + rules on animals.name, organizations.website_url")"
[ -n "$CONFIG_NOTE" ] && echo "note:      $CONFIG_NOTE"
if [ ${#NOISE[@]} -gt 0 ]; then
  echo "warning:   server not quiet; other databases were busy during these cases, whose WAL (server-wide)"
  echo "           and seconds include that work:"
  printf '             %s\n' "${NOISE[@]}"
fi
echo "ferry times include JVM start-up; total bench time $(printf '%.0f' "$TOTAL_S") s"

if [ ${#FAILURES[@]} -gt 0 ]; then
  echo
  printf 'FAILED: %s\n' "${FAILURES[@]}"
  exit 1
fi
