#!/usr/bin/env bash
# Memory and restart time with KEYS keys of 100-byte values, KvActors next to Redis on this machine:
#   KvActors: default durability (process), loaded over RESP; RSS after the load; kill -9; restart on the same data
#             directory; time from process start until a GET of the last key written returns its value.
#   Redis:    appendonly yes, appendfsync everysec, loaded the same way; BGREWRITEAOF and wait for it, so the
#             restart loads a rewritten AOF; RSS after the load; kill -9; restart; the same timing.
# Both get exactly the same SET commands (key:00000000 ...), sent with redis-cli --pipe; DBSIZE is checked after
# the load and after the restart. Targets (TARGETS.md): serving again in <= 1.5 s, RSS <= 1.5x Redis.
# Usage: bench/restart-memory.sh [KEYS]      (default 1000000)
# Writes the table to stdout and to bench/results/restart-memory.md; exits 1 if a key count does not match.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
KEYS="${1:-1000000}"
VALUE_BYTES=100

dotnet build -c Release src/KvActors.Host >/dev/null
SERVER=src/KvActors.Host/bin/Release/net10.0/kv-server

LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
WORK="$(mktemp -d)"
pid=""
cleanup() {
  [ -n "$pid" ] && { kill -9 "$pid"; wait "$pid"; } 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

now_ns() { date +%s%N; }
rss_mib() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
dbsize() { redis-cli -p "$1" dbsize; }

# The SET commands as RESP, generated rather than stored: key:%08d -> the key padded to VALUE_BYTES.
commands() {
  python3 - "$KEYS" "$VALUE_BYTES" <<'PY'
import sys
keys, size = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
batch = []
for i in range(keys):
    key = b"key:%08d" % i
    value = (key + b"v" * size)[:size]
    batch.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(value), value))
    if len(batch) == 10000:
        out.write(b"".join(batch))
        batch.clear()
out.write(b"".join(batch))
PY
}
LAST_KEY="$(printf 'key:%08d' $((KEYS - 1)))"
LAST_VALUE="$(python3 -c "import sys; k=sys.argv[1]; print((k + 'v' * $VALUE_BYTES)[:$VALUE_BYTES])" "$LAST_KEY")"

load() { # port -> seconds the load took; fails unless every reply was OK
  local start out; start="$(now_ns)"
  out="$(commands | redis-cli -p "$1" --pipe 2>&1)"
  grep -q "errors: 0, replies: $KEYS" <<<"$out" || { echo "load failed: $out" >&2; exit 1; }
  awk -v a="$start" -v b="$(now_ns)" 'BEGIN {printf "%.1f", (b - a) / 1e9}'
}

# Starts a server (sets pid) and sets ELAPSED to the seconds from exec until GET of the last key answers its value.
# Server starters must not run in a $(...) subshell, or the pid is lost and the server outlives the script.
start_and_time() { # port starter args...
  local port="$1"; shift
  local start; start="$(now_ns)"
  "$@" >>"$WORK/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 6000); do
    [ "$(redis-cli -p "$port" get "$LAST_KEY" 2>/dev/null)" = "$LAST_VALUE" ] && break
    kill -0 "$pid" 2>/dev/null || { echo "server exited; log:" >&2; tail -20 "$WORK/server.log" >&2; exit 1; }
    sleep 0.01
  done
  ELAPSED="$(awk -v a="$start" -v b="$(now_ns)" 'BEGIN {printf "%.2f", (b - a) / 1e9}')"
}

kill_server() { kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

redis_info() { redis-cli -p "$1" info "$2" | tr -d '\r' | awk -F: -v k="$3" '$1 == k {print $2}'; }

# --- KvActors ---
# Starters exec the server, so the pid of a backgrounded starter is the server's.
kv_server() { exec "$SERVER" --host 127.0.0.1 --port "$(free_port)" --resp-port "$1" --data-dir "$WORK/kv"; }
port="$(free_port)"
kv_server "$port" >>"$WORK/server.log" 2>&1 &
pid=$!
wait_ready "$port"
kv_load="$(load "$port")"
kv_keys_loaded="$(dbsize "$port")"
sleep 2 # let the last group commit and any snapshot in progress settle before reading RSS
kv_rss="$(rss_mib "$pid")"
kill_server
kv_disk="$(du -sm "$WORK/kv" | cut -f1)"
# Fresh ports: the killed server's sockets may linger in TIME_WAIT.
port="$(free_port)"
start_and_time "$port" kv_server "$port"; kv_restart="$ELAPSED"
kv_keys_restarted="$(dbsize "$port")"
kv_rss_restarted="$(rss_mib "$pid")"
kill_server

# --- Redis ---
redis() { exec redis-server --port "$1" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync everysec --dir "$WORK/redis" --daemonize no; }
mkdir -p "$WORK/redis"
port="$(free_port)"
redis "$port" >>"$WORK/server.log" 2>&1 &
pid=$!
wait_ready "$port"
redis_load="$(load "$port")"
redis_keys_loaded="$(dbsize "$port")"
aof_is_idle() { [ "$(redis_info "$port" persistence aof_rewrite_in_progress)" = 0 ] && [ "$(redis_info "$port" persistence aof_rewrite_scheduled)" = 0 ]; }
until aof_is_idle; do sleep 0.1; done # an automatic rewrite may be running after the load
rewrites="$(redis_info "$port" persistence aof_rewrites)"
redis-cli -p "$port" bgrewriteaof >/dev/null
until aof_is_idle && [ "$(redis_info "$port" persistence aof_rewrites)" -gt "$rewrites" ]; do sleep 0.1; done
[ "$(redis_info "$port" persistence aof_last_bgrewrite_status)" = ok ] || { echo "BGREWRITEAOF failed" >&2; exit 1; }
redis_rss="$(rss_mib "$pid")"
redis_used="$(redis_info "$port" memory used_memory | awk '{printf "%.0f", $1 / 1048576}')"
kill_server
redis_disk="$(du -sm "$WORK/redis" | cut -f1)"
port="$(free_port)"
start_and_time "$port" redis "$port"; redis_restart="$ELAPSED"
redis_keys_restarted="$(dbsize "$port")"
redis_rss_restarted="$(rss_mib "$pid")"
kill_server

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f×", (b > 0 ? a / b : 0)}'; }
verdict() { awk -v ok="$1" 'BEGIN {print (ok ? "met" : "missed")}'; }
mkdir -p bench/results
{
  echo "Machine: $(nproc) vCPU, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(redis-server --version | cut -d' ' -f1-3); load average at start $LOAD_AT_START"
  echo
  echo "Command: \`bench/restart-memory.sh $KEYS\` — $KEYS keys (key:%08d) of $VALUE_BYTES-byte values loaded with \`redis-cli --pipe\`; KvActors default durability (process), snapshot every 50000 events (or as many as the last snapshot had keys); Redis appendonly yes, appendfsync everysec, after BGREWRITEAOF; restart = kill -9, start on the same data, time from exec until GET $LAST_KEY returns its value"
  echo
  echo "| | KvActors | Redis | KvActors / Redis | target | verdict |"
  echo "|---|---|---|---|---|---|"
  echo "| load with redis-cli --pipe (s) | $kv_load | $redis_load | $(ratio "$kv_load" "$redis_load") | | |"
  echo "| keys after load (DBSIZE) | $kv_keys_loaded | $redis_keys_loaded | | $KEYS | $(verdict "$([ "$kv_keys_loaded" = "$KEYS" ] && [ "$redis_keys_loaded" = "$KEYS" ] && echo 1 || echo 0)") |"
  echo "| RSS after load (MiB) | $kv_rss | $redis_rss (used_memory $redis_used) | $(ratio "$kv_rss" "$redis_rss") | ≤ 1.5× Redis | $(verdict "$(awk -v a="$kv_rss" -v b="$redis_rss" 'BEGIN {print (a <= 1.5 * b)}')") |"
  echo "| data on disk (MiB) | $kv_disk | $redis_disk | $(ratio "$kv_disk" "$redis_disk") | | |"
  echo "| restart after kill -9: serving again (s) | $kv_restart | $redis_restart | $(ratio "$kv_restart" "$redis_restart") | ≤ 1.5 s | $(verdict "$(awk -v a="$kv_restart" 'BEGIN {print (a <= 1.5)}')") |"
  echo "| keys after restart (DBSIZE) | $kv_keys_restarted | $redis_keys_restarted | | $KEYS | $(verdict "$([ "$kv_keys_restarted" = "$KEYS" ] && [ "$redis_keys_restarted" = "$KEYS" ] && echo 1 || echo 0)") |"
  echo "| RSS after restart (MiB) | $kv_rss_restarted | $redis_rss_restarted | $(ratio "$kv_rss_restarted" "$redis_rss_restarted") | | |"
} | tee bench/results/restart-memory.md

for n in "$kv_keys_loaded" "$redis_keys_loaded" "$kv_keys_restarted" "$redis_keys_restarted"; do
  [ "$n" = "$KEYS" ] || { echo "key count $n, expected $KEYS" >&2; exit 1; }
done
