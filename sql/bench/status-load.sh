#!/bin/bash
# Many dashboard viewers at once: `ab` (apache2-utils) asks a running Ferry server for /api/v1/status from C
# concurrent connections for T seconds; then the source database's own statistics say how many table scans that cost.
#
#   sql/bench/status-load.sh URL TOKEN SOURCE_URL [C] [T]
#
#   URL         the server, e.g. http://127.0.0.1:8080
#   TOKEN       an API token (the read-only one is enough)
#   SOURCE_URL  the source database Ferry reads (postgresql://…); its pg_stat_user_tables counts the scans
#   C, T        concurrent connections (default 100) and seconds (default 15)
set -euo pipefail
URL=${1:?URL}; TOKEN=${2:?TOKEN}; SOURCE=${3:?SOURCE_URL}; C=${4:-100}; T=${5:-15}
command -v ab >/dev/null || { echo "status-load.sh: needs ab (apt-get install apache2-utils)" >&2; exit 2; }
scans() { psql -Atq "$SOURCE" -c "SELECT coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0) FROM pg_stat_user_tables"; }
tables=$(psql -Atq "$SOURCE" -c "SELECT count(*) FROM pg_stat_user_tables")
sleep 11  # PostgreSQL flushes a session's table statistics within 10 s of its last transaction: start from a settled count
before=$(scans)
out=$(ab -q -c "$C" -t "$T" -n 100000000 -H "Authorization: Bearer $TOKEN" "$URL/api/v1/status" 2>&1)
sleep 11
after=$(scans)
echo "$out" | grep -E "Complete requests|Non-2xx|Requests per second|Time per request.*\(mean\)"
echo "$out" | grep -E "^ +(50|90|99|100)%" | sed 's/^/latency ms /'
echo "source table scans: $((after - before)) for $tables tables in $T s (one status = one count of every table;"
echo "  the dashboard's own status is shared: at most one computation per 5 s, plus one after each finished run)"
