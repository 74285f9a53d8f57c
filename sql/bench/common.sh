# What the benchmark scripts share; sourced, not run. Expects SERVER (a libpq URL of any database on the server).

# URL of database $1 on the same server: swap the path of SERVER, keep any ?query.
db_url() {
  local base=${SERVER%%\?*} query=""
  [[ "$SERVER" == *\?* ]] && query="?${SERVER#*\?}"
  local rest=${base#*://}
  if [[ "$rest" == */* ]]; then base=${base%/*}; fi
  printf '%s/%s%s' "$base" "$1" "$query"
}
