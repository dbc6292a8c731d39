#!/usr/bin/env bash
# Server CPU per request, KvActors next to Redis, in one run: what each server process spends (user + system time
# from /proc/PID/stat) per request of the same redis-benchmark workload. Throughput on this 2-core machine is bound
# by CPU (redis-benchmark itself takes most of a core), so this ratio says where the throughput gap comes from,
# independently of how busy the machine is. Durability pairing as in compare-redis.sh: KvActors --durability
# process vs Redis appendonly yes, appendfsync everysec. Both servers are warmed up first (warm_up_resp).
# Usage: bench/cpu-per-op.sh [REQUESTS]      (default 200000 per workload)
# Writes the table to stdout and to bench/results/cpu-per-op.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
REQUESTS="${1:-200000}"

dotnet build -c Release src/KvActors.Host >/dev/null
use_work_dir

KV_PORT="$(free_port)"
src/KvActors.Host/bin/Release/net10.0/kv-server --host 127.0.0.1 --port "$(free_port)" --resp-port "$KV_PORT" \
  --data-dir "$WORK/kv" --durability process >"$WORK/kv.log" 2>&1 &
KV_PID=$!; pids+=("$KV_PID")
REDIS_PORT="$(free_port)"
mkdir -p "$WORK/redis"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync everysec \
  --dir "$WORK/redis" --daemonize no >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!; pids+=("$REDIS_PID")
wait_ready "$KV_PORT"; wait_ready "$REDIS_PORT"
warm_up_resp "$KV_PORT" 100000; warm_up_resp "$REDIS_PORT" 100000

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Prints "ops/s µs-per-op" for one workload against one server.
measure() { # pid port test pipeline
  local before after rps
  before="$(cpu_ticks "$1")"
  rps="$(redis-benchmark -p "$2" -t "$3" -P "$4" -n "$REQUESTS" -c 50 -d 100 -r 100000 --csv 2>/dev/null \
    | tr -d '"' | awk -F, -v t="${3^^}" '$1 == t {print $2}')"
  after="$(cpu_ticks "$1")"
  awk -v r="$rps" -v t="$((after - before))" -v n="$REQUESTS" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%.0f %.1f\n", r, t / hz * 1e6 / n}'
}

rows=()
for w in "get 1" "set 1" "get 16" "set 16"; do
  read -r test pipe <<<"$w"
  read -r krps kcpu <<<"$(measure "$KV_PID" "$KV_PORT" "$test" "$pipe")"
  read -r rrps rcpu <<<"$(measure "$REDIS_PID" "$REDIS_PORT" "$test" "$pipe")"
  rows+=("$(awk -v t="$test" -v p="$pipe" -v kr="$krps" -v kc="$kcpu" -v rr="$rrps" -v rc="$rcpu" \
    'BEGIN {printf "| `-t %s -P %s` | %.0f | %.0f | %.1f | %.1f | %.1f× |", t, p, kr, rr, kc, rc, (rc > 0 ? kc / rc : 0)}')")
done

mkdir -p bench/results
{
  echo "Machine: $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(redis-server --version | cut -d' ' -f1-3); load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "Command: \`bench/cpu-per-op.sh $REQUESTS\` — redis-benchmark -n $REQUESTS -c 50 -d 100 -r 100000 after a warm-up; server CPU = user + system time of the server process over the run, divided by the requests"
  echo
  echo "| workload | KvActors ops/s | Redis ops/s | KvActors CPU µs/op | Redis CPU µs/op | CPU ratio |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee bench/results/cpu-per-op.md
