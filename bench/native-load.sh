#!/usr/bin/env bash
# Native-client load (Akka.Remote through KvClient, from a separate kv-bench process) against a fresh Release
# kv-server, compared with the issue targets for 64 callers: Get >= 100k ops/s, durable Set >= 50k ops/s.
# Client and server share this machine's cores, so the client's own CPU is part of what is measured.
# Usage: bench/native-load.sh [SECONDS]      (default 10; each run first has a 10 s warm-up: tier-1 JIT of the remoting path takes that long)
# Writes the table to stdout and to bench/results/native-load.md; exits 1 if any call failed.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
SECONDS_PER_RUN="${1:-10}"
WARMUP_SECONDS=10
CALLERS=64
KEYS=100000
VALUE_BYTES=100
GET_TARGET=100000
SET_TARGET=50000

dotnet build -c Release src/KvActors.Host >/dev/null
dotnet build -c Release bench/KvActors.Bench >/dev/null
SERVER=src/KvActors.Host/bin/Release/net10.0/kv-server
B=bench/KvActors.Bench/bin/Release/net10.0/kv-bench

LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
WORK="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && { kill -9 "$server_pid"; wait "$server_pid"; } 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT


PORT="$(free_port)"
"$SERVER" --host 127.0.0.1 --port "$PORT" --resp-port -1 --data-dir "$WORK/data" >"$WORK/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  grep -q "KvActors serving at" "$WORK/server.log" && break
  kill -0 "$server_pid" 2>/dev/null || { echo "kv-server exited during start-up:" >&2; cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.1
done
grep -q "KvActors serving at" "$WORK/server.log" || { echo "kv-server did not start within 30 s" >&2; exit 1; }

rows=()
failed=0
run() { # label mix target
  local label="$1" mix="$2" target="$3" status=0
  "$B" load --server "127.0.0.1:$PORT" --callers "$CALLERS" --keys "$KEYS" --value-size "$VALUE_BYTES" --mix "$mix" \
    --seconds "$SECONDS_PER_RUN" --warmup "$WARMUP_SECONDS" --csv "$WORK/$label.csv" >"$WORK/$label.out" 2>&1 || status=$?
  cat "$WORK/$label.out" >&2
  [ "$status" -eq 0 ] || failed=1
  if [ ! -s "$WORK/$label.csv" ]; then
    rows+=("| $label | $CALLERS | — | — | — | — | ≥ $target | kv-bench failed (exit $status) |")
    return
  fi
  # Columns: op,ops_per_s,p50_ms,p99_ms,p999_ms,max_ms,count,failures
  rows+=("$(awk -F, -v label="$label" -v callers="$CALLERS" -v target="$target" -v status="$status" 'NR == 2 {
    verdict = ($2 >= target) ? "met" : sprintf("missed (%.0f%% of target)", 100 * $2 / target)
    if (status != 0 || $8 > 0) verdict = verdict sprintf("; %d failed calls", $8)
    printf "| %s | %d | %.0f | %.2f | %.2f | %.2f | ≥ %d | %s |", label, callers, $2, $3, $4, $5, target, verdict
  }' "$WORK/$label.csv")")
}
run get get:100 "$GET_TARGET"
run set set:100 "$SET_TARGET"

mkdir -p bench/results
{
  echo "Machine: $(nproc) vCPU, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average at start $LOAD_AT_START"
  echo
  echo "Command: \`bench/native-load.sh $SECONDS_PER_RUN\` — kv-bench load over Akka.Remote (KvClient, one connection) from a separate process, $CALLERS callers, $KEYS keys (preloaded), $VALUE_BYTES-byte values, ${SECONDS_PER_RUN} s after a ${WARMUP_SECONDS} s warm-up; kv-server default durability (process)"
  echo
  echo "| op | callers | ops/s | p50 ms | p99 ms | p99.9 ms | target ops/s | verdict |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee bench/results/native-load.md
exit "$failed"
