#!/usr/bin/env bash
# Side-by-side RESP benchmark of KvActors and Redis, in one run, on this machine, with matching durability:
#   KvActors --durability process  vs  Redis appendonly yes, appendfsync everysec  (both survive kill -9 of the server)
#   KvActors --durability fsync    vs  Redis appendonly yes, appendfsync always    (both survive power loss)
# Each server first gets one unmeasured pass of every workload (warm_up_resp), then each workload runs RUNS times
# against each server; the table reports medians and the ratio KvActors / Redis.
# Usage: bench/compare-redis.sh [RUNS] [REQUESTS]      (defaults 3 and 100000)
# Writes the table to stdout and to bench/results/compare-redis.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
RUNS="${1:-3}"
REQUESTS="${2:-100000}"
CLIENTS=50
VALUE_BYTES=100
KEYSPACE=100000

need() { command -v "$1" >/dev/null 2>&1; }
if ! need redis-server || ! need redis-benchmark; then
  echo "installing redis-server and redis-tools" >&2
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq redis-server redis-tools >/dev/null
fi

dotnet build -c Release src/KvActors.Host >/dev/null
SERVER_DLL=src/KvActors.Host/bin/Release/net10.0/kv-server.dll
WORK="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT


# Start functions set PORT and record the pid; they must not run in a $(...) subshell, or the pid is lost
# and the server outlives the script.
start_kv() { # durability -> PORT
  local durability="$1" port; port="$(free_port)"
  mkdir -p "$WORK/kv-$durability"
  dotnet "$SERVER_DLL" --port 0 --resp-port "$port" --data-dir "$WORK/kv-$durability" --durability "$durability" \
    >"$WORK/kv-$durability.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 200); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  PORT="$port"
}

start_redis() { # appendfsync -> PORT
  local fsync="$1" port; port="$(free_port)"
  mkdir -p "$WORK/redis-$fsync"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync "$fsync" \
    --dir "$WORK/redis-$fsync" --daemonize no >"$WORK/redis-$fsync.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  PORT="$port"
}

rps() { # port test pipeline -> requests per second
  redis-benchmark -p "$1" -t "$2" -P "$3" -n "$REQUESTS" -c "$CLIENTS" -d "$VALUE_BYTES" -r "$KEYSPACE" -q 2>/dev/null \
    | tr '\r' '\n' | grep -E 'requests per second' | tail -n 1 | sed -E 's/.*: ([0-9.]+) requests per second.*/\1/'
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

rows=()
compare() { # label kvport redisport test pipeline
  local label="$1" kv="$2" redis="$3" test="$4" pipe="$5" k=() r=()
  for _ in $(seq 1 "$RUNS"); do
    k+=("$(rps "$kv" "$test" "$pipe")")
    r+=("$(rps "$redis" "$test" "$pipe")")
  done
  local km rm; km="$(median "${k[@]}")"; rm="$(median "${r[@]}")"
  rows+=("$(printf '| %s | `-t %s -P %s` | %.0f | %.0f | %.2f× |' "$label" "$test" "$pipe" "$km" "$rm" "$(awk -v a="$km" -v b="$rm" 'BEGIN {print (b > 0 ? a / b : 0)}')")")
}

start_kv process; KV_PROCESS="$PORT"; start_redis everysec; REDIS_EVERYSEC="$PORT"
warm_up_resp "$KV_PROCESS" "$REQUESTS"; warm_up_resp "$REDIS_EVERYSEC" "$REQUESTS"
compare "process / everysec" "$KV_PROCESS" "$REDIS_EVERYSEC" set 1
compare "process / everysec" "$KV_PROCESS" "$REDIS_EVERYSEC" get 1
compare "process / everysec" "$KV_PROCESS" "$REDIS_EVERYSEC" incr 1
compare "process / everysec" "$KV_PROCESS" "$REDIS_EVERYSEC" mset 1
compare "process / everysec" "$KV_PROCESS" "$REDIS_EVERYSEC" set 16
compare "process / everysec" "$KV_PROCESS" "$REDIS_EVERYSEC" get 16

start_kv fsync; KV_FSYNC="$PORT"; start_redis always; REDIS_ALWAYS="$PORT"
warm_up_resp "$KV_FSYNC" "$REQUESTS"; warm_up_resp "$REDIS_ALWAYS" "$REQUESTS"
compare "fsync / always" "$KV_FSYNC" "$REDIS_ALWAYS" set 1
compare "fsync / always" "$KV_FSYNC" "$REDIS_ALWAYS" set 16

mkdir -p bench/results
{
  echo "Machine: $(nproc) vCPU, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(redis-server --version | cut -d' ' -f1-3); load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "Command: \`bench/compare-redis.sh $RUNS $REQUESTS\` — redis-benchmark -n $REQUESTS -c $CLIENTS -d $VALUE_BYTES -r $KEYSPACE, median of $RUNS runs, each server first warmed up with one unmeasured pass of every workload"
  echo
  echo "| durability (KvActors / Redis) | workload | KvActors ops/s | Redis ops/s | ratio |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee bench/results/compare-redis.md
