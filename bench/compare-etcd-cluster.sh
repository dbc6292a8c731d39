#!/usr/bin/env bash
# A three-node KvActors Raft cluster next to a three-member etcd cluster and a single kv-server, in one run on this
# machine, driven by the same closed-loop load generator (kv-bench load). Every write is on a majority of disks
# before it is acknowledged in both clusters: etcd fsyncs its WAL on each member, so KvActors runs with
# --durability fsync, every partition a Raft group of three replicas, each node its own data directory. Reads are
# linearizable on all three (etcd's default read; KvActors' ReadIndex on the partition's leader).
# One connection per node, each to its own node (etcd: member), so requests enter through every node and most go on
# to a leader elsewhere. Two loads: one caller per connection (latency-bound, like redis-benchmark -P 1) and 16
# callers per connection (like -P 16). The single node gets the same callers on one connection per cluster node.
# All processes share this machine's cores: this measures the cost of replication, not scale-out.
# Usage: bench/compare-etcd-cluster.sh [SECONDS]      (default 10 per run, after a 10 s warm-up)
# Installs etcd-server and etcd-client if missing. Writes the table to stdout and bench/results/compare-etcd-cluster.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
SECONDS_PER_RUN="${1:-10}"
WARMUP_SECONDS=10
NODES=3
PARTITIONS=8
KEYS=100000
VALUE_BYTES=100

ensure_etcd
dotnet build -c Release src/KvActors.Host >/dev/null
dotnet build -c Release src/KvActors.Cli >/dev/null
dotnet build -c Release bench/KvActors.Bench >/dev/null
B=bench/KvActors.Bench/bin/Release/net10.0/kv-bench
SERVER=src/KvActors.Host/bin/Release/net10.0/kv-server
KV=src/KvActors.Cli/bin/Release/net10.0/kv
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"
revision="$(source_revision)"
use_work_dir

# etcd: three members, each its own data directory, peer and client port.
etcd_urls=() etcd_cluster=""
for i in 1 2 3; do
  client[$i]="$(free_port)"; peer[$i]="$(free_port)"
  etcd_urls+=("http://127.0.0.1:${client[$i]}")
  etcd_cluster="${etcd_cluster:+$etcd_cluster,}e$i=http://127.0.0.1:${peer[$i]}"
done
for i in 1 2 3; do
  etcd --name "e$i" --data-dir "$WORK/etcd$i" --listen-client-urls "http://127.0.0.1:${client[$i]}" \
    --advertise-client-urls "http://127.0.0.1:${client[$i]}" --listen-peer-urls "http://127.0.0.1:${peer[$i]}" \
    --initial-advertise-peer-urls "http://127.0.0.1:${peer[$i]}" --initial-cluster "$etcd_cluster" \
    --initial-cluster-state new --initial-cluster-token kv-bench >"$WORK/etcd$i.log" 2>&1 &
  pids+=("$!")
done
ETCD="$(IFS=,; echo "${etcd_urls[*]}")"

# KvActors: three Raft nodes, and one single node for reference.
kv_nodes=() seeds=""
for i in 1 2 3; do port[$i]="$(free_port)"; seeds="${seeds:+$seeds,}127.0.0.1:${port[$i]}"; kv_nodes+=("127.0.0.1:${port[$i]}"); done
for i in 1 2 3; do
  "$SERVER" --port "${port[$i]}" --resp-port -1 --http-port -1 --data-dir "$WORK/kv$i" --partitions "$PARTITIONS" \
    --seed-nodes "$seeds" --replication raft --durability fsync >"$WORK/kv$i.log" 2>&1 &
  pids+=("$!")
done
KV_CLUSTER="$(IFS=,; echo "${kv_nodes[*]}")"
SINGLE_PORT="$(free_port)"
"$SERVER" --port "$SINGLE_PORT" --resp-port -1 --http-port -1 --data-dir "$WORK/single" --partitions "$PARTITIONS" \
  --durability fsync >"$WORK/single.log" 2>&1 &
pids+=("$!")

for _ in $(seq 1 300); do ETCDCTL_API=3 etcdctl --endpoints "$ETCD" endpoint health >/dev/null 2>&1 && break; sleep 0.1; done
ETCDCTL_API=3 etcdctl --endpoints "$ETCD" endpoint health >/dev/null 2>&1 || { echo "etcd did not start:" >&2; cat "$WORK"/etcd*.log >&2; exit 1; }
# Every partition has a leader once a write of each of 64 keys (all 8 partitions) goes through every node.
writable() {
  local node k
  for node in "${kv_nodes[@]}" "127.0.0.1:$SINGLE_PORT"; do
    for k in $(seq 1 64); do "$KV" --server "$node" --timeout 2s set "probe$k" x >/dev/null 2>&1 || return 1; done
  done
}
deadline=$((SECONDS + 120))
until writable; do
  [ $SECONDS -lt $deadline ] || { echo "the KvActors cluster did not take writes within 120 s:" >&2; tail -n 20 "$WORK"/kv*.log >&2; exit 1; }
  sleep 0.5
done

# Prints "ops/s p99-ms" for one run; the load generator exits non-zero if any call failed, and so does this script.
run() { # target servers kind callers name
  "$B" load --target "$1" --server "$2" --callers "$4" --connections "$NODES" --keys "$KEYS" --value-size "$VALUE_BYTES" \
    --mix "$3:1" --seconds "$SECONDS_PER_RUN" --warmup "$WARMUP_SECONDS" --csv "$WORK/$5-$3-$4.csv" >"$WORK/$5-$3-$4.out" 2>&1 \
    || { echo "kv-bench load --target $1 ($5) --mix $3:1 --callers $4 failed:" >&2; cat "$WORK/$5-$3-$4.out" >&2; exit 1; }
  awk -F, -v k="$3" '$1 == k {print $2, $4}' "$WORK/$5-$3-$4.csv"
}

rows=()
for kind in get set; do
  for per_connection in 1 16; do
    callers=$((per_connection * NODES))
    # (A failed run's exit would end only the $(...) subshell: its status is checked here.)
    out="$(run native "$KV_CLUSTER" "$kind" "$callers" raft)" || exit 1; read -r raft_rps raft_p99 <<<"$out"
    out="$(run etcd "$ETCD" "$kind" "$callers" etcd)" || exit 1; read -r etcd_rps etcd_p99 <<<"$out"
    out="$(run native "127.0.0.1:$SINGLE_PORT" "$kind" "$callers" single)" || exit 1; read -r single_rps single_p99 <<<"$out"
    rows+=("$(awk -v k="$kind" -v c="$per_connection" -v a="$raft_rps" -v b="$etcd_rps" -v s="$single_rps" -v pa="$raft_p99" -v pb="$etcd_p99" -v ps="$single_p99" \
      'BEGIN {printf "| %s | %d | %.0f | %.0f | %.2f× | %.0f | %.2f× | %.1f / %.1f / %.1f |", k, c, a, b, (b > 0 ? a / b : 0), s, (s > 0 ? a / s : 0), pa, pb, ps}')")
  done
done

mkdir -p bench/results
{
  echo "Machine: $(nproc) vCPU, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(etcd --version | head -n 1); load average at start $load_at_start; KvActors $revision"
  echo
  echo "Command: \`bench/compare-etcd-cluster.sh $SECONDS_PER_RUN\` — kv-bench load, one connection per node ($NODES), $KEYS keys (preloaded), $VALUE_BYTES-byte values, ${SECONDS_PER_RUN} s after a ${WARMUP_SECONDS} s warm-up; KvActors Raft cluster (3 replicas per partition, $PARTITIONS partitions, --durability fsync) through its native client, etcd 3-member cluster over gRPC (dotnet-etcd), default settings; single kv-server with --durability fsync for reference"
  echo
  echo "| op | callers per connection | KvActors Raft ops/s | etcd cluster ops/s | Raft / etcd | single node ops/s | Raft / single | p99 ms Raft / etcd / single |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee bench/results/compare-etcd-cluster.md
