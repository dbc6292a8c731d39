#!/usr/bin/env bash
# Failover time of a three-node cluster on this machine. Each round kills one node with kill -9 (in turn) and
# times, for every partition separately, how long until a write to it succeeds again through a survivor; the
# round's failover time is the slowest partition's. Then the node is restarted and the round ends once it has
# rejoined and the partitions are spread over the three nodes again, so no kill lands in a rebalance.
# Nodes share one SQLite journal (the development setup; see README). Prints every round, then median and worst.
# Usage: bench/cluster-failover.sh [ROUNDS] [PARTITIONS]     (needs redis-cli and jq)
#        KV_CONFIG=my.conf bench/cluster-failover.sh ...       (another HOCON file, e.g. other failure detection)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
ROUNDS="${1:-10}"
PARTITIONS="${2:-8}"

command -v redis-cli >/dev/null || { echo "cluster-failover: redis-cli not found (apt-get install redis-tools)" >&2; exit 1; }
command -v jq >/dev/null || { echo "cluster-failover: jq not found (apt-get install jq)" >&2; exit 1; }
dotnet build -c Release src/KvActors.Host >/dev/null
dotnet build -c Release src/KvActors.Cli >/dev/null
SERVER=src/KvActors.Host/bin/Release/net10.0/kv-server
KV=src/KvActors.Cli/bin/Release/net10.0/kv

work="$(mktemp -d)"
declare -a pids ports resp
cleanup() { for pid in "${pids[@]:-}"; do kill -9 "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

for i in 0 1 2; do ports[$i]=$(free_port); resp[$i]=$(free_port); done
seeds="127.0.0.1:${ports[0]},127.0.0.1:${ports[1]},127.0.0.1:${ports[2]}"

start() { # node
  "$SERVER" --port "${ports[$1]}" --resp-port "${resp[$1]}" --journal "sqlite:$work/journal" --partitions "$PARTITIONS" \
    --seed-nodes "$seeds" ${KV_CONFIG:+--config "$KV_CONFIG"} >>"$work/node$1.log" 2>&1 &
  pids[$1]=$!
}

# Settled: three members Up, every partition placed, spread as evenly as the shard rebalancer makes it.
settled() {
  "$KV" --server "$seeds" cluster members --json 2>/dev/null |
    jq -e --argjson p "$PARTITIONS" '[.members[] | select(.status == "Up") | (.partitions | length)] as $c
      | ($c | length) == 3 and ($c | add) == $p and (($c | max) - ($c | min)) <= 1' >/dev/null
}

wait_settled() { # seconds
  local deadline=$((SECONDS + $1))
  until settled; do
    [ $SECONDS -lt $deadline ] || { echo "cluster-failover: partitions not spread over three nodes within $1 s; node logs in $work" >&2; trap - EXIT; exit 1; }
    sleep 0.5
  done
}

# Seconds from T0 until a write of KEY through NODE succeeds (each attempt given 0.5 s); gives up after 60 s.
time_until_writable() { # node key t0
  local deadline=$((SECONDS + 60))
  until [ "$(timeout 0.5 redis-cli -p "${resp[$1]}" set "$2" x 2>/dev/null)" = "OK" ]; do
    [ $SECONDS -lt $deadline ] || { echo "inf"; return; }
    sleep 0.05
  done
  echo "$(date +%s.%N) - $3" | bc
}

for i in 0 1 2; do start $i; done
wait_settled 120

# One probe key per partition.
declare -A probe
pick_probe_keys "${resp[0]}" "$PARTITIONS"

times=()
for round in $(seq 1 "$ROUNDS"); do
  victim=$(( (round - 1) % 3 )); survivor=$(( (victim + 1) % 3 ))
  t0=$(date +%s.%N)
  kill -9 "${pids[$victim]}"; wait "${pids[$victim]}" 2>/dev/null || true
  for p in "${!probe[@]}"; do time_until_writable "$survivor" "${probe[$p]}" "$t0" >"$work/p$p" & done
  wait $(jobs -p | grep -v -x -e "${pids[0]}" -e "${pids[1]}" -e "${pids[2]}") 2>/dev/null || true
  t=$(cat "$work"/p* | sort -g | tail -n 1)
  [ "$t" != inf ] || { echo "cluster-failover: a partition was not writable within 60 s; node logs in $work" >&2; trap - EXIT; exit 1; }
  times+=("$t")
  printf 'round %2d: killed node %d, every partition writable again through node %d after %.2f s\n' "$round" "$victim" "$survivor" "$t"
  start $victim
  wait_settled 120
done

sorted=($(printf '%s\n' "${times[@]}" | sort -g))
n=${#sorted[@]}
printf 'failover over %d kills (%d partitions, 3 nodes): median %.2f s, worst %.2f s (target <= 5 s)\n' \
  "$n" "$PARTITIONS" "${sorted[$((n / 2))]}" "${sorted[$((n - 1))]}"
