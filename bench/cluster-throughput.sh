#!/usr/bin/env bash
# Throughput and latency over RESP of one node against a three-node cluster, in one run, on this machine.
#   (a) one kv-server, --partitions 8, fresh data directory (SQLite journal in it), no cluster;
#   (b) three kv-servers, --partitions 8, one shared SQLite journal, measured once the cluster has settled
#       (three members Up, the 8 partitions spread with max - min <= 1);
#   (c) for reference, one kv-server in cluster mode (--seed-nodes itself, sqlite:DIR journal): the cluster code
#       path without forwarding between nodes and without other processes on the SQLite file.
# Same redis-benchmark workloads against each: SET and GET, -d 100 -r 100000, 50 clients, -P 1 and -P 16,
# REQUESTS requests per workload. Against the cluster, one redis-benchmark per node runs concurrently (17+17+16
# clients, REQUESTS split evenly), so requests enter through every node and most are forwarded to the partition's
# owner. Cluster ops/s = total requests / wall time of the slowest of the three; cluster p50 = median of the three
# nodes' p50, p99 = highest of the three p99. Each target gets a short warm-up (SET and GET, 10% of REQUESTS) first.
# All three nodes share this machine's cores and one SQLite file: this measures the cost of the cluster path,
# not scale-out.
# Usage: bench/cluster-throughput.sh [REQUESTS]     (default 100000; needs redis-benchmark, redis-cli, jq and bc)
# Writes the tables to stdout and to bench/results/cluster-throughput.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
REQUESTS="${1:-100000}"
PARTITIONS=8
CLIENTS=50
VALUE_BYTES=100
KEYSPACE=100000

require_tools cluster-throughput "redis-tools jq bc" redis-benchmark redis-cli jq bc
[[ "$REQUESTS" =~ ^[0-9]+$ ]] && [ "$REQUESTS" -ge 300 ] || { echo "cluster-throughput: REQUESTS must be a number >= 300" >&2; exit 2; }
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"
started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"
revision="$(source_revision)"

dotnet build -c Release src/KvActors.Host >/dev/null
dotnet build -c Release src/KvActors.Cli >/dev/null
SERVER=src/KvActors.Host/bin/Release/net10.0/kv-server
KV=src/KvActors.Cli/bin/Release/net10.0/kv

work="$(mktemp -d)"
declare -a pids=()
stop_servers() { for pid in "${pids[@]:-}"; do [ -n "$pid" ] && { kill -9 "$pid"; wait "$pid"; } 2>/dev/null || true; done; pids=(); }
cleanup() { stop_servers; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "cluster-throughput: $*; node logs in $work" >&2; trap - EXIT; stop_servers; exit 1; }

wait_resp() { # port
  for _ in $(seq 1 300); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  fail "no RESP answer on port $1 within 30 s"
}

# Settled: N members Up, every partition placed, spread as evenly as the shard rebalancer makes it.
settled() { # n seeds
  "$KV" --server "$2" cluster members --json 2>/dev/null |
    jq -e --argjson n "$1" --argjson p "$PARTITIONS" '[.members[] | select(.status == "Up") | (.partitions | length)] as $c
      | ($c | length) == $n and ($c | add) == $p and (($c | max) - ($c | min)) <= 1' >/dev/null
}
wait_settled() { # n seeds
  local deadline=$((SECONDS + 120))
  until settled "$1" "$2"; do [ $SECONDS -lt $deadline ] || fail "partitions not spread over $1 node(s) within 120 s"; sleep 0.5; done
}

# One redis-benchmark run (at most 15 minutes); prints "rps p50 p99" from its CSV row, or "fail".
bench() { # port test pipeline requests clients
  local row
  row="$(timeout 900 redis-benchmark -p "$1" -t "$2" -P "$3" -n "$4" -c "$5" -d "$VALUE_BYTES" -r "$KEYSPACE" --csv 2>/dev/null \
    | tr '\r' '\n' | grep -i "^\"$2\"," | tail -n 1)" || true
  [ -n "$row" ] || { echo "fail"; return; }
  echo "$row" | tr -d '"' | awk -F, '{print $2, $5, $7}'
}

warm_up() { # port...
  local n=$((REQUESTS / 10 / $#)) port running=()
  for port in "$@"; do
    for test in set get; do
      timeout 900 redis-benchmark -p "$port" -t "$test" -n "$n" -c 10 -d "$VALUE_BYTES" -r "$KEYSPACE" -q >/dev/null 2>&1 &
      running+=("$!")
    done
  done
  wait "${running[@]}" || true
}

declare -A rps lat
workloads=("set 1" "get 1" "set 16" "get 16")

# Runs every workload against the RESP ports given: one redis-benchmark per port at once, clients and requests
# split over them. Results in rps[TARGET|WORKLOAD] and lat[TARGET|WORKLOAD].
measure() { # target port...
  local target="$1"; shift
  local k=$# i n c running w test pipe p50 p99
  warm_up "$@"
  for w in "${workloads[@]}"; do
    read -r test pipe <<<"$w"
    running=(); rm -f "$work"/b*
    for ((i = 0; i < k; i++)); do
      n=$((REQUESTS / k)); [ "$i" -ne 0 ] || n=$((REQUESTS - (k - 1) * (REQUESTS / k)))
      c=$((CLIENTS / k)); [ "$i" -ge $((CLIENTS % k)) ] || c=$((c + 1))
      local port="${@:$((i + 1)):1}"
      ( echo "$n $(bench "$port" "$test" "$pipe" "$n" "$c")" >"$work/b$i" ) &
      running+=("$!")
    done
    wait "${running[@]}" || true
    ! grep -q fail "$work"/b* || fail "redis-benchmark -t $test -P $pipe against $target gave no result"
    # total requests / slowest port's elapsed time (requests / rps); median p50; highest p99
    rps[$target|$w]=$(cat "$work"/b* | awk '{t += $1; e = $1 / $2; if (e > m) m = e} END {printf "%.0f", t / m}')
    p50=$(cat "$work"/b* | awk '{print $3}' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    p99=$(cat "$work"/b* | awk '{print $4}' | sort -g | tail -n 1)
    lat[$target|$w]="$p50 / $p99"
    printf '%-16s -t %-3s -P %-2s %9.0f ops/s  p50/p99 %s ms%s\n' "$target" "$test" "$pipe" "${rps[$target|$w]}" "${lat[$target|$w]}" \
      "$([ "$k" -eq 1 ] || echo "  (per node ops/s: $(awk '{printf "%.0f ", $2}' "$work"/b*))")"
  done
}

# (a) one node, no cluster
port=$(free_port); r0=$(free_port)
mkdir -p "$work/single"
"$SERVER" --port "$port" --resp-port "$r0" --http-port -1 --data-dir "$work/single" --partitions "$PARTITIONS" >"$work/single.log" 2>&1 &
pids+=("$!")
wait_resp "$r0"
measure single "$r0"
stop_servers

# (b) three nodes
declare -a ports resp
for i in 0 1 2; do ports[$i]=$(free_port); resp[$i]=$(free_port); done
seeds="127.0.0.1:${ports[0]},127.0.0.1:${ports[1]},127.0.0.1:${ports[2]}"
for i in 0 1 2; do
  "$SERVER" --port "${ports[$i]}" --resp-port "${resp[$i]}" --http-port -1 --journal "sqlite:$work/journal" --partitions "$PARTITIONS" \
    --seed-nodes "$seeds" >"$work/node$i.log" 2>&1 &
  pids+=("$!")
done
wait_settled 3 "$seeds"
for i in 0 1 2; do wait_resp "${resp[$i]}"; done
measure "3 nodes" "${resp[0]}" "${resp[1]}" "${resp[2]}"
settled 3 "$seeds" || echo "cluster-throughput: warning: the three-node cluster was no longer settled after the runs" >&2
stop_servers

# (c) one node in cluster mode (reference)
port=$(free_port); r0=$(free_port)
"$SERVER" --port "$port" --resp-port "$r0" --http-port -1 --journal "sqlite:$work/journal1" --partitions "$PARTITIONS" \
  --seed-nodes "127.0.0.1:$port" >"$work/cluster1.log" 2>&1 &
pids+=("$!")
wait_settled 1 "127.0.0.1:$port"
wait_resp "$r0"
measure "1-node cluster" "$r0"
stop_servers

ratio() { echo "$1 / $2" | bc -l; }
mkdir -p bench/results
{
  echo "# Single node vs three-node cluster (issue #6 item 10)"
  echo
  echo "Command: \`bench/cluster-throughput.sh $REQUESTS\` — $started_at; $(nproc) vCPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)); load average at start $load_at_start; build of $revision; $(redis-benchmark --version | cut -d' ' -f1-2)"
  echo
  echo "Workloads: \`redis-benchmark -t set|get -d $VALUE_BYTES -r $KEYSPACE -n $REQUESTS\`, $CLIENTS clients, $PARTITIONS partitions, after a short warm-up."
  echo "Single node: one kv-server, no cluster, fresh data directory. 3 nodes: three kv-servers sharing one SQLite journal,"
  echo "settled (3 Up, partitions spread) before the runs; one redis-benchmark per node at once (17+17+16 clients, requests"
  echo "split evenly); ops/s = total requests / slowest node's elapsed time; p50 = median of the nodes' p50s, p99 = highest p99."
  echo
  echo "| workload | single node ops/s | 3 nodes ops/s | ratio | p50/p99 ms single | p50/p99 ms 3 nodes |"
  echo "|---|---|---|---|---|---|"
  for w in "${workloads[@]}"; do
    read -r test pipe <<<"$w"
    printf '| `-t %s -P %s` | %.0f | %.0f | %.2f× | %s | %s |\n' "$test" "$pipe" "${rps[single|$w]}" "${rps[3 nodes|$w]}" \
      "$(ratio "${rps[3 nodes|$w]}" "${rps[single|$w]}")" "${lat[single|$w]}" "${lat[3 nodes|$w]}"
  done
  echo
  echo "Reference, to tell the cluster code path from forwarding and sharing the SQLite file: one kv-server in cluster"
  echo "mode (\`--seed-nodes\` itself, \`--journal sqlite:DIR\`), same workloads and clients."
  echo
  echo "| workload | 1-node cluster ops/s | vs single node | p50/p99 ms |"
  echo "|---|---|---|---|"
  for w in "${workloads[@]}"; do
    read -r test pipe <<<"$w"
    printf '| `-t %s -P %s` | %.0f | %.2f× | %s |\n' "$test" "$pipe" "${rps[1-node cluster|$w]}" \
      "$(ratio "${rps[1-node cluster|$w]}" "${rps[single|$w]}")" "${lat[1-node cluster|$w]}"
  done
  echo
  echo "Note: all three nodes (and the three redis-benchmark processes) share this $(nproc)-core machine and one SQLite file,"
  echo "so this measures the overhead of the cluster path (forwarding to the partition's owner over Akka.Remote, three"
  echo "processes taking turns at one SQLite write lock, cluster bookkeeping), not scale-out. Expect 15–30% drift between runs."
} | tee bench/results/cluster-throughput.md
