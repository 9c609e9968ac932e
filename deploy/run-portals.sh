#!/usr/bin/env bash
# Start N portal processes on consecutive loopback ports, for nginx (deploy/render_nginx.py) to
# spread browsers over; restart any that dies; stop them all on Ctrl-C or SIGTERM.
#
#   deploy/run-portals.sh 4            # ports 8501-8504
#   deploy/run-portals.sh 2 9001       # ports 9001-9002
#
# Run from the repository with the environment every process shares: DISPUTE_DATABASE_URL
# (several processes need PostgreSQL: DuckDB lets one process hold its file), DISPUTE_EVIDENCE_DIR
# (the shared store), DISPUTE_KEY or the key file, DISPUTE_MAX_UPLOAD_MB. The database is
# migrated once, before any process starts. On a server prefer the systemd units in
# deploy/systemd/, which do the same.
set -euo pipefail
count=${1:?usage: deploy/run-portals.sh N [FIRST_PORT]}
first=${2:-8501}
here=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-$here/.venv/bin/python}
cd "$here"

if [ "$count" -gt 1 ] && [ -z "${DISPUTE_DATABASE_URL:-}" ]; then
  echo "run-portals: $count processes need DISPUTE_DATABASE_URL=postgresql://… (the embedded" \
       "DuckDB file can be opened by one process only)" >&2
  exit 2
fi

# Every process must sign Streamlit's XSRF cookie with the same secret, so a browser that nginx
# moves to another process (its first one died) can still upload.
if [ -z "${STREAMLIT_SERVER_COOKIE_SECRET:-}" ]; then
  secret_file=${DISPUTE_DATA_DIR:-data}/streamlit-cookie.secret
  mkdir -p "$(dirname "$secret_file")"
  if [ ! -s "$secret_file" ]; then
    (umask 077; "$py" -c 'import secrets; print(secrets.token_urlsafe(32))' > "$secret_file")
  fi
  STREAMLIT_SERVER_COOKIE_SECRET=$(cat "$secret_file")
  export STREAMLIT_SERVER_COOKIE_SECRET
fi

"$py" -m dispute init

declare -A pids=()
start() {
  local port=$1
  "$py" -m streamlit run app.py --server.port "$port" --server.address 127.0.0.1 \
      --server.headless true --browser.gatherUsageStats false \
      --server.maxUploadSize "${DISPUTE_MAX_UPLOAD_MB:-50}" &
  pids[$port]=$!
  echo "run-portals: process ${pids[$port]} on 127.0.0.1:$port"
}
stop() {
  trap - TERM INT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait
  exit 0
}
trap stop TERM INT

for ((i = 0; i < count; i++)); do start $((first + i)); done
while true; do
  wait -n || true
  for port in "${!pids[@]}"; do
    if ! kill -0 "${pids[$port]}" 2>/dev/null; then
      echo "run-portals: the process on port $port ended; starting it again" >&2
      sleep 1   # not a spin if it dies at once
      start "$port"
    fi
  done
done
