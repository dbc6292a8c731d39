#!/usr/bin/env bash
# kv-server next to etcd, in one run, driven by the same closed-loop load generator (kv-bench load): KvActors
# through its native client over Akka.Remote, etcd through its own gRPC API (dotnet-etcd). Durability matches: etcd
# fsyncs its WAL before it answers a write, so KvActors runs with --durability fsync. Reads are linearizable on
# both (etcd's default read; KvActors serves every read from the partition's single store).
# Get-only and Set-only, 64 callers on one connection, 100,000 keys (preloaded), 100-byte values.
# Usage: bench/compare-etcd.sh [SECONDS]      (default 10 per run, after a 10 s warm-up)
# Installs etcd-server and etcd-client if missing. Writes the table to stdout and bench/results/compare-etcd.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
SECONDS_PER_RUN="${1:-10}"
WARMUP_SECONDS=10
CALLERS=64
KEYS=100000
VALUE_BYTES=100

ensure_etcd

dotnet build -c Release src/KvActors.Host >/dev/null
dotnet build -c Release bench/KvActors.Bench >/dev/null
B=bench/KvActors.Bench/bin/Release/net10.0/kv-bench
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
use_work_dir

ETCD_PORT="$(free_port)"; PEER_PORT="$(free_port)"
ETCD_URL="http://127.0.0.1:$ETCD_PORT"
etcd --name bench --data-dir "$WORK/etcd" --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
  --listen-peer-urls "http://127.0.0.1:$PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$PEER_PORT" \
  --initial-cluster "bench=http://127.0.0.1:$PEER_PORT" >"$WORK/etcd.log" 2>&1 &
pids+=("$!")
KV_PORT="$(free_port)"
src/KvActors.Host/bin/Release/net10.0/kv-server --host 127.0.0.1 --port "$KV_PORT" --resp-port -1 \
  --data-dir "$WORK/kv" --durability fsync >"$WORK/kv.log" 2>&1 &
pids+=("$!")

for _ in $(seq 1 300); do ETCDCTL_API=3 etcdctl --endpoints "$ETCD_URL" endpoint health >/dev/null 2>&1 && break; sleep 0.1; done
ETCDCTL_API=3 etcdctl --endpoints "$ETCD_URL" endpoint health >/dev/null 2>&1 || { echo "etcd did not start:" >&2; cat "$WORK/etcd.log" >&2; exit 1; }
for _ in $(seq 1 300); do grep -q "KvActors serving at" "$WORK/kv.log" && break; sleep 0.1; done
grep -q "KvActors serving at" "$WORK/kv.log" || { echo "kv-server did not start:" >&2; cat "$WORK/kv.log" >&2; exit 1; }

# Prints "ops/s p99-ms" for one run; the load generator exits non-zero if any call failed, and so does this script.
run() { # target server kind
  "$B" load --target "$1" --server "$2" --callers "$CALLERS" --keys "$KEYS" --value-size "$VALUE_BYTES" --mix "$3:1" \
    --seconds "$SECONDS_PER_RUN" --warmup "$WARMUP_SECONDS" --csv "$WORK/$1-$3.csv" >"$WORK/$1-$3.out" 2>&1 \
    || { echo "kv-bench load --target $1 --mix $3:1 failed:" >&2; cat "$WORK/$1-$3.out" >&2; exit 1; }
  awk -F, -v k="$3" '$1 == k {print $2, $4}' "$WORK/$1-$3.csv"
}

rows=()
for kind in get set; do
  # (A failed run's exit would end only the $(...) subshell: its status is checked here.)
  out="$(run native "127.0.0.1:$KV_PORT" "$kind")" || exit 1; read -r kv_rps kv_p99 <<<"$out"
  out="$(run etcd "$ETCD_URL" "$kind")" || exit 1; read -r etcd_rps etcd_p99 <<<"$out"
  rows+=("$(awk -v k="$kind" -v a="$kv_rps" -v b="$etcd_rps" -v pa="$kv_p99" -v pb="$etcd_p99" \
    'BEGIN {printf "| %s | %.0f | %.0f | %.2f× | %.2f | %.2f |", k, a, b, (b > 0 ? a / b : 0), pa, pb}')")
done

mkdir -p bench/results
{
  echo "Machine: $(nproc) vCPU, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(etcd --version | head -n 1); load average at start $LOAD_AT_START"
  echo
  echo "Command: \`bench/compare-etcd.sh $SECONDS_PER_RUN\` — kv-bench load, $CALLERS callers on one connection, $KEYS keys (preloaded), $VALUE_BYTES-byte values, ${SECONDS_PER_RUN} s after a ${WARMUP_SECONDS} s warm-up; KvActors native client with --durability fsync, etcd over gRPC (dotnet-etcd), single node, default settings"
  echo
  echo "| op | KvActors ops/s | etcd ops/s | ratio | KvActors p99 ms | etcd p99 ms |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee bench/results/compare-etcd.md
