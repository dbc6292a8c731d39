#!/usr/bin/env bash
# Where kv-server's CPU goes under one workload: samples the server process with Linux perf (call stacks, JIT
# frames resolved through the runtime's perf map) and attributes every sample to the first component found on its
# stack, in the order of the table (a socket send made by the RESP code counts as "socket send/receive"); samples
# whose innermost frame is in the runtime's native code (GC, allocation, casts, stubs) count as the runtime.
# Workloads: a redis-benchmark test over RESP (get, set, ...), or "native-get" / "native-set" (kv-bench load over
# Akka.Remote, 64 callers). The server is warmed up first, so tier-1 JIT is mostly done before sampling.
# Usage: bench/profile-server.sh WORKLOAD [PIPELINE] [SECONDS]      (defaults: 1, 6 s of sampling)
# Needs perf (apt-get install linux-perf or linux-tools-$(uname -r)) and, for RESP workloads, redis-tools.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
WORKLOAD="${1:?usage: bench/profile-server.sh WORKLOAD [PIPELINE] [SECONDS]}"
PIPELINE="${2:-1}"
SAMPLE_SECONDS="${3:-6}"
command -v perf >/dev/null || { echo "perf is not installed (linux-perf / linux-tools)" >&2; exit 2; }

dotnet build -c Release src/KvActors.Host >/dev/null
dotnet build -c Release bench/KvActors.Bench >/dev/null
use_work_dir

PORT="$(free_port)"; RESP_PORT="$(free_port)"
# The perf map names JIT-compiled methods; without W^X double mapping perf attributes samples to it.
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 src/KvActors.Host/bin/Release/net10.0/kv-server \
  --host 127.0.0.1 --port "$PORT" --resp-port "$RESP_PORT" --data-dir "$WORK/data" >"$WORK/server.log" 2>&1 &
SERVER=$!; pids+=("$SERVER")
wait_ready "$RESP_PORT"

load() { # seconds-hint requests
  case "$WORKLOAD" in
    native-get|native-set)
      bench/KvActors.Bench/bin/Release/net10.0/kv-bench load --server "127.0.0.1:$PORT" --callers 64 --keys 100000 \
        --value-size 100 --mix "${WORKLOAD#native-}:1" --seconds "$1" --warmup 0 >/dev/null 2>&1 ;;
    *)
      redis-benchmark -p "$RESP_PORT" -t "$WORKLOAD" -P "$PIPELINE" -n "$2" -c 50 -d 100 -r 100000 -q >/dev/null 2>&1 ;;
  esac
}
load 10 300000                                   # warm-up
load $((SAMPLE_SECONDS + 40)) 100000000 &        # ended once the sample is taken
LOAD=$!; pids+=("$LOAD")
# kv-bench first writes every key it will use; sampling starts after that.
case "$WORKLOAD" in native-*) sleep 10 ;; *) sleep 2 ;; esac
perf record -F 999 -e cpu-clock -g -p "$SERVER" -o "$WORK/perf.data" -- sleep "$SAMPLE_SECONDS" >/dev/null 2>&1
kill "$LOAD" 2>/dev/null || true
pkill -P "$LOAD" 2>/dev/null || true

echo "kv-server CPU by component: bench/profile-server.sh $WORKLOAD $PIPELINE $SAMPLE_SECONDS ($(nproc) vCPU, $(date -u +%Y-%m-%d))"
echo
perf script -i "$WORK/perf.data" 2>/dev/null | python3 -c '
import sys
# First match on the stack wins, so the order goes from the most specific to the most general.
rules = [
    ("JIT compiler (tiered compilation)", ["libclrjit"]),
    ("socket send/receive (kernel)", ["sendto", "recvfrom", "__send", "__libc_recv", "sendmsg", "recvmsg"]),
    ("waiting for socket events (epoll)", ["epoll_wait"]),
    ("thread wake-ups and sleeps (futex, sched_yield)", ["futex", "sched_yield"]),
    ("file writes and syncs (pwrite, fsync)", ["pwrite", "fdatasync", "fsync"]),
    ("SQLite (native)", ["libe_sqlite3"]),
    ("journal and snapshot writes: Akka.Persistence.Sql, linq2db", ["Akka.Persistence.Sql", "LinqToDB", "Microsoft.Data.Sqlite"]),
    ("Akka.Remote and DotNetty (native protocol)", ["Akka.Remote", "DotNetty"]),
    ("RESP connections: parse, dispatch, reply", ["KvActors.Resp"]),
    ("store: state machine, group commit, front", ["KvActors.Server", "KvActors.Protocol"]),
    ("Akka actors and streams (mailboxes, dispatch)", ["Akka."]),
    (".NET thread pool and sockets (managed)", ["System.Threading", "System.Net.Sockets", "System.IO.Pipelines"]),
]
counts = {name: 0 for name, _ in rules}
other = total = runtime = 0
for sample in sys.stdin.read().split("\n\n"):
    if not sample.strip():
        continue
    total += 1
    frames = sample.strip().split("\n")[1:]
    if frames and "libcoreclr" in frames[0] and "libclrjit" not in sample:
        runtime += 1
        continue
    for name, needles in rules:
        if any(n in sample for n in needles):
            counts[name] += 1
            break
    else:
        other += 1
print("| component | share of server CPU samples |")
print("|---|---|")
for name, _ in rules:
    print(f"| {name} | {100 * counts[name] / max(total, 1):.1f}% |")
print(f"| .NET runtime native code (GC, allocation, casts, stubs) | {100 * runtime / max(total, 1):.1f}% |")
print(f"| other (kernel scheduling, libc) | {100 * other / max(total, 1):.1f}% |")
print(f"\n{total} samples at 999 Hz")
'
