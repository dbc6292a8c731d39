#!/usr/bin/env bash
# Failover time of a three-node cluster on this machine: kill -9 one node (in turn), then time until a write to
# every partition succeeds again through a survivor; restart the node, let it rejoin, repeat. Nodes share one
# SQLite journal (the development setup; see README). Prints every round, then the median and the worst.
# Usage: bench/cluster-failover.sh [ROUNDS] [PARTITIONS]     (needs redis-cli)
#        KV_CONFIG=my.conf bench/cluster-failover.sh ...       (another HOCON file, e.g. faster failure detection)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
ROUNDS="${1:-10}"
PARTITIONS="${2:-8}"
PROBES=64 # keys probe0..probe63 land on every one of up to 16 partitions

command -v redis-cli >/dev/null || { echo "cluster-failover: redis-cli not found (apt-get install redis-tools)" >&2; exit 1; }
dotnet build -c Release src/KvActors.Host >/dev/null
SERVER=src/KvActors.Host/bin/Release/net10.0/kv-server

work="$(mktemp -d)"
declare -a pids ports resp
cleanup() { for pid in "${pids[@]:-}"; do kill -9 "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

for i in 0 1 2; do ports[$i]=$(free_port); resp[$i]=$(free_port); done
seeds="127.0.0.1:${ports[0]},127.0.0.1:${ports[1]},127.0.0.1:${ports[2]}"

start() { # node
  "$SERVER" --port "${ports[$1]}" --resp-port "${resp[$1]}" --journal "sqlite:$work/journal" --partitions "$PARTITIONS" \
    --seed-nodes "$seeds" ${KV_CONFIG:+--config "$KV_CONFIG"} >"$work/node$1.log" 2>&1 &
  pids[$1]=$!
}

# One pass: every probe key written through NODE, each attempt given 0.5 s.
all_writable() { # node
  for k in $(seq 0 $((PROBES - 1))); do
    [ "$(timeout 0.5 redis-cli -p "${resp[$1]}" set "probe$k" x 2>/dev/null)" = "OK" ] || return 1
  done
}

wait_writable() { # node seconds
  local deadline=$((SECONDS + $2))
  until all_writable "$1"; do
    [ $SECONDS -lt $deadline ] || { echo "cluster-failover: node $1 not writable within $2 s; its log ends:" >&2; tail -n 15 "$work/node$1.log" >&2; exit 1; }
  done
}

for i in 0 1 2; do start $i; done
for i in 0 1 2; do wait_writable $i 120; done

times=()
for round in $(seq 1 "$ROUNDS"); do
  victim=$(( (round - 1) % 3 )); survivor=$(( (victim + 1) % 3 ))
  kill -9 "${pids[$victim]}"; wait "${pids[$victim]}" 2>/dev/null || true
  t0=$(date +%s.%N)
  wait_writable $survivor 120
  t=$(echo "$(date +%s.%N) - $t0" | bc)
  times+=("$t")
  printf 'round %2d: killed node %d, every partition writable again through node %d after %.2f s\n' "$round" "$victim" "$survivor" "$t"
  start $victim
  wait_writable $victim 120
done

sorted=($(printf '%s\n' "${times[@]}" | sort -n))
n=${#sorted[@]}
printf 'failover over %d kills (%d partitions, 3 nodes): median %.2f s, worst %.2f s (target <= 5 s)\n' \
  "$n" "$PARTITIONS" "${sorted[$((n / 2))]}" "${sorted[$((n - 1))]}"
