#!/usr/bin/env bash
# Throughput and p99 against concurrency, KvActors next to Redis over RESP, with the durability pairing of
# compare-redis.sh: KvActors --durability process vs Redis appendonly yes, appendfsync everysec.
# redis-benchmark -t set and -t get, -P 1, -d 100, -r 100000, -c in 1 4 16 50 100; both servers are first
# loaded with every key of the -r range, so GETs hit. Runs alternate between the servers at each point.
# Usage: bench/concurrency-sweep.sh [REQUESTS]      (default 20000 requests per point)
# Writes bench/results/concurrency.csv (read by bench/KvActors.Charts) and the table to stdout and
# bench/results/concurrency.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
REQUESTS="${1:-20000}"
CLIENTS=(1 4 16 50 100)
VALUE_BYTES=100
KEYSPACE=100000
CSV=bench/results/concurrency.csv

dotnet build -c Release src/KvActors.Host >/dev/null
SERVER=src/KvActors.Host/bin/Release/net10.0/kv-server

LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
use_work_dir

# redis-benchmark's -r picks keys key:000000000000 .. key:(KEYSPACE-1); write each once.
preload() { # port
  awk -v n="$KEYSPACE" -v size="$VALUE_BYTES" 'BEGIN {
    v = sprintf("%*s", size, ""); gsub(/ /, "x", v)
    for (i = 0; i < n; i++) printf "SET key:%012d %s\r\n", i, v
  }' | redis-cli -p "$1" --pipe | grep -q "errors: 0, replies: $KEYSPACE" || { echo "preload of port $1 failed" >&2; exit 1; }
}

# Servers are started in this shell (not in a $(...) subshell) so their pids are recorded for cleanup.
KV_PORT="$(free_port)"
"$SERVER" --host 127.0.0.1 --port "$(free_port)" --resp-port "$KV_PORT" --data-dir "$WORK/kv" --durability process >"$WORK/kv.log" 2>&1 &
pids+=("$!")
REDIS_PORT="$(free_port)"
mkdir -p "$WORK/redis"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync everysec \
  --dir "$WORK/redis" --daemonize no >"$WORK/redis.log" 2>&1 &
pids+=("$!")
wait_ready "$KV_PORT"; wait_ready "$REDIS_PORT"
preload "$KV_PORT"; preload "$REDIS_PORT"
warm_up_resp "$KV_PORT" 100000; warm_up_resp "$REDIS_PORT" 100000

mkdir -p bench/results
echo "server,test,clients,rps,p50_ms,p99_ms" >"$CSV"
point() { # label port test clients -> one CSV row
  # --csv columns: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  redis-benchmark -p "$2" -t "$3" -P 1 -n "$REQUESTS" -c "$4" -d "$VALUE_BYTES" -r "$KEYSPACE" --csv 2>/dev/null \
    | tail -n 1 | tr -d '"' | awk -F, -v label="$1" -v clients="$4" '{printf "%s,%s,%d,%.0f,%.3f,%.3f\n", label, $1, clients, $2, $5, $7}'
}
for test in set get; do
  for c in "${CLIENTS[@]}"; do
    point KvActors "$KV_PORT" "$test" "$c" >>"$CSV"
    point Redis "$REDIS_PORT" "$test" "$c" >>"$CSV"
  done
done

{
  echo "Machine: $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(redis-server --version | cut -d' ' -f1-3); load average at start $LOAD_AT_START"
  echo
  echo "Command: \`bench/concurrency-sweep.sh $REQUESTS\` — redis-benchmark -n $REQUESTS -P 1 -d $VALUE_BYTES -r $KEYSPACE; KvActors --durability process, Redis appendfsync everysec; both warmed up first (bench/lib.sh warm_up_resp)"
  echo
  echo "| test | clients | KvActors ops/s | Redis ops/s | ratio | KvActors p99 ms | Redis p99 ms |"
  echo "|---|---|---|---|---|---|---|"
  awk -F, 'NR > 1 { key = $2 "," $3; if ($1 == "KvActors") { k[key] = $0; order[++n] = key } else r[key] = $0 }
    END { for (i = 1; i <= n; i++) { split(k[order[i]], a, ","); split(r[order[i]], b, ",")
      printf "| %s | %d | %.0f | %.0f | %.2f× | %.2f | %.2f |\n", a[2], a[3], a[4], b[4], (b[4] > 0 ? a[4] / b[4] : 0), a[6], b[6] } }' "$CSV"
} | tee bench/results/concurrency.md
