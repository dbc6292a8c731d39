#!/usr/bin/env bash
# How long a replaced Raft node takes to be re-filled. Three nodes (each its own data directory); KEYS keys of 100
# bytes written through them; then node 3 is killed (kill -9), its data directory emptied, and the node started again
# at its address. It rejoins every partition under new replica ids and is re-filled from the leaders (their snapshots,
# in pieces, then the log). The figure: from its start until every partition counts it as a voter again with
# nothing left to apply (kv cluster partitions: role follower or leader, lag 0).
# Usage: bench/raft-catch-up.sh [KEYS] [PARTITIONS]      (default 1000000 keys, 8 partitions; needs jq)
# Writes the result to stdout and bench/results/raft-catch-up.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
KEYS="${1:-1000000}"
PARTITIONS="${2:-8}"
require_tools raft-catch-up jq jq
dotnet build -c Release src/KvActors.Host >/dev/null
dotnet build -c Release src/KvActors.Cli >/dev/null
dotnet build -c Release bench/KvActors.Bench >/dev/null
SERVER=src/KvActors.Host/bin/Release/net10.0/kv-server
KV=src/KvActors.Cli/bin/Release/net10.0/kv
B=bench/KvActors.Bench/bin/Release/net10.0/kv-bench
revision="$(source_revision)"
use_work_dir

declare -a port
nodes=() seeds=""
for i in 1 2 3; do port[$i]="$(free_port)"; seeds="${seeds:+$seeds,}127.0.0.1:${port[$i]}"; nodes+=("127.0.0.1:${port[$i]}"); done
start() { # node
  "$SERVER" --port "${port[$1]}" --resp-port -1 --http-port -1 --data-dir "$WORK/data$1" --partitions "$PARTITIONS" \
    --seed-nodes "$seeds" --replication raft --log-level info >>"$WORK/node$1.log" 2>&1 &
  pids[$1]=$!
}
for i in 1 2 3; do start "$i"; done

writable() {
  local node k
  for node in "${nodes[@]}"; do
    for k in $(seq 1 64); do "$KV" --server "$node" --timeout 2s set "probe$k" x >/dev/null 2>&1 || return 1; done
  done
}
deadline=$((SECONDS + 120))
until writable; do
  [ $SECONDS -lt $deadline ] || { echo "the cluster did not take writes within 120 s" >&2; tail -n 20 "$WORK"/node*.log >&2; exit 1; }
  sleep 0.5
done

# The keys: kv-bench writes every one once before a get run (one second of gets follows, unmeasured here).
"$B" load --target native --server "$(IFS=,; echo "${nodes[*]}")" --callers 3 --connections 3 --keys "$KEYS" --value-size 100 \
  --mix get:1 --seconds 1 --warmup 0 >"$WORK/preload.out" 2>&1 || { cat "$WORK/preload.out" >&2; exit 1; }
preloaded="$(grep -m1 '^preloaded' "$WORK/preload.out")"

# Count of partitions whose replica on NODE (akka.tcp://kv@HOST:PORT) is a voter under a rejoined id, fully applied.
caught_up() { # node-address
  "$KV" --server "${nodes[0]}" --timeout 10s --json cluster partitions 2>/dev/null | jq --arg n "$1" \
    '[.partitions[].replicas[] | select(.node == $n and .id >= 1000 and (.role == "follower" or .role == "leader") and .lag == 0)] | length' \
    2>/dev/null || echo 0
}
settled() { # every replica applied everything
  "$KV" --server "${nodes[0]}" --timeout 10s --json cluster partitions 2>/dev/null | jq '[.partitions[].replicas[] | select(.lag != 0)] | length' 2>/dev/null || echo 1
}
until [ "$(settled)" = 0 ]; do sleep 0.5; done
size="$(du -sh "$WORK/data1" | cut -f1)"

kill -9 "${pids[3]}"; wait "${pids[3]}" 2>/dev/null || true
rm -rf "$WORK/data3"
started=$(date +%s.%N)
start 3
victim="akka.tcp://kv@127.0.0.1:${port[3]}"
deadline=$((SECONDS + 1800))
until [ "$(caught_up "$victim")" = "$PARTITIONS" ]; do
  [ $SECONDS -lt $deadline ] || { echo "node 3 did not catch up within 30 minutes" >&2; tail -n 30 "$WORK/node3.log" >&2; exit 1; }
  sleep 0.5
done
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
rss="$(awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' "/proc/${pids[3]}/status")"
pieces="$(grep -c 'in pieces' "$WORK"/node1.log "$WORK"/node2.log | awk -F: '{ s += $2 } END { print s }')"

mkdir -p bench/results
{
  echo "Machine: $(nproc) vCPU, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); KvActors $revision"
  echo
  echo "Command: \`bench/raft-catch-up.sh $KEYS $PARTITIONS\` — $preloaded; node 1's data directory $size"
  echo
  echo "Node 3 (directory emptied) rejoined every partition as a voter with nothing left to apply in $(printf '%.1f' "$elapsed") s; peak RSS $rss; $pieces snapshots sent in pieces"
} | tee bench/results/raft-catch-up.md
