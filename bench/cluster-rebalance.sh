#!/usr/bin/env bash
# Rebalance time of a cluster on this machine when a third node joins and when it leaves gracefully.
# Two nodes (the seeds) start and settle (both Up, the partitions spread with max - min <= 1). Then each round:
#   join:  start node 2 and time, from its process start, until the cluster has settled with three Up members
#          and the partitions spread (max - min <= 1), and until a write to every partition succeeds through node 2;
#   leave: `kv cluster leave ADDRESS` of node 2 (the address as `kv cluster members --json` prints it) and time,
#          from that command, until node 2 is gone from the members and all partitions are on the other two, and
#          until a write to every partition succeeds through node 1 (probed once handed off); also until node 2's
#          process exited. Then wait until the two nodes are settled again before the next round.
# A steady write load (4 connections to node 0, closed loop of SETs over keys of every partition, 2 s timeout per
# request) runs through each phase; its errors and longest request are reported per phase, to show whether a
# join or a graceful leave causes client errors. One probe key per partition (CLUSTER KEYSLOT), as in
# cluster-failover.sh. Membership is polled every 0.1 s from node 0's INFO (cluster section), which is cheap;
# `kv cluster members --json` (a .NET process, ~2 s per call here) checks the settled states between phases.
# Nodes share one SQLite journal (the development setup; see README).
# Usage: bench/cluster-rebalance.sh [ROUNDS] [PARTITIONS]   (defaults 5 and 8; needs redis-cli, jq and python3)
#        KV_CONFIG=my.conf bench/cluster-rebalance.sh ...     (another HOCON file for the servers)
#        RESULTS=bench/results/other.md bench/cluster-rebalance.sh ...   (default bench/results/cluster-rebalance.md)
#        REPLAY_FILTER=warn bench/cluster-rebalance.sh ...     (hocon/kv.conf with akka.persistence.journal.sql.
#            replay-filter.mode = warn instead of fail: the SQL journal plugin stores one writer UUID per process, so a
#            partition that moves A -> B -> A while A runs looks like an "old writer" and, with fail, never recovers)
# Prints every round, then median and worst, and writes them to RESULTS. On a failure (a deadline missed) it
# writes the rounds so far and the reason to RESULTS too, and exits 1 leaving the node logs in place.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
ROUNDS="${1:-5}"
PARTITIONS="${2:-8}"
RESULTS="${RESULTS:-bench/results/cluster-rebalance.md}"

require_tools cluster-rebalance "redis-tools jq python3" redis-cli jq python3
KV_CONFIG_SHOWN="${KV_CONFIG:-}"
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"
started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"
revision="$(source_revision)"
dotnet build -c Release src/KvActors.Host >/dev/null
dotnet build -c Release src/KvActors.Cli >/dev/null
SERVER=src/KvActors.Host/bin/Release/net10.0/kv-server
KV=src/KvActors.Cli/bin/Release/net10.0/kv

work="$(mktemp -d)"
if [ -n "${REPLAY_FILTER:-}" ]; then
  { cat "${KV_CONFIG:-hocon/kv.conf}"; echo; echo "akka.persistence.journal.sql.replay-filter.mode = $REPLAY_FILTER"; } >"$work/kv.conf"
  KV_CONFIG="$work/kv.conf"
fi
declare -a pids=() ports resp
loader_pid=""; watcher_pid=""
stop_all() {
  for p in "$loader_pid" "$watcher_pid"; do [ -z "$p" ] || { kill "$p"; wait "$p"; } 2>/dev/null || true; done
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && { kill -9 "$pid"; wait "$pid"; } 2>/dev/null || true; done
}
cleanup() { stop_all; rm -rf "$work"; }
trap cleanup EXIT

for i in 0 1 2; do ports[$i]=$(free_port); resp[$i]=$(free_port); done
seeds="127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}"   # node 2 is no seed: it joins through them, and leaves

start() { # node
  "$SERVER" --port "${ports[$1]}" --resp-port "${resp[$1]}" --http-port -1 --journal "sqlite:$work/journal" --partitions "$PARTITIONS" \
    --seed-nodes "$seeds" ${KV_CONFIG:+--config "$KV_CONFIG"} >>"$work/node$1.log" 2>&1 &
  pids[$1]=$!
}

# Helpers in one Python file: the write load, the per-partition write probes, and the membership poll.
cat >"$work/helper.py" <<'PY'
import signal, socket, sys, threading, time

def command(sock, *args):
    sock.sendall(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))

def read_line(sock, buf):
    while b"\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk: raise ConnectionError("connection closed by server")
        buf += chunk
    line, rest = buf.split(b"\r\n", 1)
    return line, rest

def load(port, conns=4):
    """Closed-loop SETs on CONNS connections until SIGTERM; prints: ops errors longest_ms first_error."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    lock = threading.Lock()
    s = {"ops": 0, "errors": 0, "longest": 0.0, "first": ""}
    def record(ok, took, err=""):
        with lock:
            s["ops"] += 1; s["longest"] = max(s["longest"], took)
            if not ok: s["errors"] += 1; s["first"] = s["first"] or err
    def worker(n):
        sock, buf, i = None, b"", 0
        while not stop.is_set():
            key = b"load:%d:%d" % (n, i); i += 1
            t = time.monotonic()
            try:
                if sock is None: sock = socket.create_connection(("127.0.0.1", port), timeout=2); buf = b""
                command(sock, b"SET", key, b"0123456789")
                line, buf = read_line(sock, buf)
                if line == b"+OK": record(True, time.monotonic() - t)
                else: record(False, time.monotonic() - t, line.decode(errors="replace")[:160])
            except Exception as e:
                record(False, time.monotonic() - t, "%s: %s" % (type(e).__name__, e))
                if sock is not None: sock.close()
                sock = None; time.sleep(0.05)
    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(conns)]
    for t in threads: t.start()
    while not stop.is_set(): stop.wait(0.2)
    for t in threads: t.join(3)
    print(s["ops"], s["errors"], "%.0f" % (s["longest"] * 1000), s["first"].replace(" ", "_") or "-")

def probe(port, t0, keys, limit=90.0):
    """Per key, SET through PORT (0.5 s per attempt, 50 ms apart) until +OK; prints the slowest time since T0, or inf."""
    done = {}
    def one(key):
        deadline = time.time() + limit
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                    command(sock, b"SET", key.encode(), b"x")
                    if read_line(sock, b"")[0] == b"+OK": done[key] = time.time() - t0; return
            except Exception: pass
            time.sleep(0.05)
    threads = [threading.Thread(target=one, args=(k,)) for k in keys]
    for t in threads: t.start()
    for t in threads: t.join()
    print("%.3f" % max(done.values()) if len(done) == len(keys) else "inf")

def members(port):
    """[(address, status, partitions)] from the cluster section of INFO."""
    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
        command(sock, b"INFO", b"cluster")
        line, buf = read_line(sock, b"")
        n = int(line[1:])
        while len(buf) < n + 2: buf += sock.recv(65536)
    result = []
    for row in buf[:n].decode().splitlines():
        if row.startswith("kv_member"):
            fields = dict(f.split("=", 1) for f in row.split(":", 1)[1].split(","))
            result.append((fields["address"], fields["status"], int(fields["partitions"])))
    return result

def wait(port, t0, condition, n_or_port, partitions, limit=120.0):
    """Polls INFO every 0.1 s until CONDITION holds; prints the time since T0, or inf after LIMIT s.
    settled N: N members, all Up, partitions all placed with max - min <= 1.
    gone PORT: no member on remoting PORT, and all partitions on the Up members that remain."""
    deadline = time.time() + limit
    while time.time() < deadline:
        try:
            m = members(port)
            counts = [p for _, status, p in m if status == "Up"]
            if condition == "settled":
                ok = len(m) == int(n_or_port) == len(counts) and sum(counts) == partitions and max(counts) - min(counts) <= 1
            else:
                ok = not any(a.endswith(":" + n_or_port) for a, _, _ in m) and sum(counts) == partitions
            if ok: print("%.3f" % (time.time() - t0)); return
        except Exception: pass
        time.sleep(0.1)
    print("inf")

if __name__ == "__main__":
    what = sys.argv[1]
    if what == "load": load(int(sys.argv[2]))
    elif what == "probe": probe(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4:])
    elif what == "wait": wait(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6]))
PY
helper() { python3 "$work/helper.py" "$@"; }
now() { date +%s.%N; }
since() { python3 -c "import sys, time; print('%.3f' % (time.time() - float(sys.argv[1])))" "$1"; }

# Settled as the kv CLI sees it: N members, all Up, every partition placed, spread with max - min <= 1.
cli_settled() { # n
  "$KV" --server "$seeds" cluster members --json 2>/dev/null | jq -e --argjson n "$1" --argjson p "$PARTITIONS" \
    '[.members[] | select(.status == "Up") | (.partitions | length)] as $c
     | (.members | length) == $n and ($c | length) == $n and ($c | add) == $p and (($c | max) - ($c | min)) <= 1' >/dev/null
}
wait_cli_settled() { # n seconds
  local deadline=$((SECONDS + $2))
  until cli_settled "$1"; do [ $SECONDS -lt $deadline ] || fail "kv cluster members did not show $1 settled nodes within $2 s"; sleep 0.5; done
}

alive() { ps -o stat= -p "$1" 2>/dev/null | grep -qv Z; }   # a process that exited but was not waited for is a zombie
# Started as python3 itself (not through a shell function) so that $! is the process that gets the SIGTERM.
start_load() { python3 "$work/helper.py" load "${resp[0]}" >"$work/load.out" & loader_pid=$!; }
stop_load() { # then read $work/load.out
  kill "$loader_pid"; wait "$loader_pid" || true; loader_pid=""
  [ -s "$work/load.out" ] || echo "0 0 0 load-helper-printed-nothing" >"$work/load.out"
}

stat() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {printf "%.2f | %.2f", a[int((NR+1)/2)], a[NR]}'; }
first_errors=(); join_settled=(); join_writable=(); leave_gone=(); leave_writable=(); leave_exit=(); rows=()
write_results() { # [failure]
  mkdir -p "$(dirname "$RESULTS")"
  {
    echo "# Rebalance on join and leave (issue #6 item 10)"
    echo
    echo "Command: \`${REPLAY_FILTER:+REPLAY_FILTER=$REPLAY_FILTER }${KV_CONFIG_SHOWN:+KV_CONFIG=$KV_CONFIG_SHOWN }bench/cluster-rebalance.sh $ROUNDS $PARTITIONS\` — $started_at; $(nproc) vCPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)); load average at start $load_at_start; build of $revision"
    if [ -n "${REPLAY_FILTER:-}" ]; then
      echo
      echo "Servers ran with ${KV_CONFIG_SHOWN:-hocon/kv.conf} plus \`akka.persistence.journal.sql.replay-filter.mode = $REPLAY_FILTER\`. With the"
      echo "shipped \`fail\`, a partition that moved away from a node and back while that node kept running cannot be"
      echo "recovered again: the SQL journal plugin stores one writer UUID per process, so the replay filter takes the"
      echo "node's later events for an old writer's."
    fi
    echo
    echo "Two Release kv-servers (the seeds) and a third that joins and leaves gracefully each round; $PARTITIONS partitions, one"
    echo "shared SQLite journal, all on loopback on this machine. Join times are from node 2's process start (which"
    echo "includes .NET start-up and joining the cluster); leave times from \`kv cluster leave\`. Settled = all members Up,"
    echo "partitions spread with max - min <= 1; handed off = node 2 gone from the members and all partitions on the other"
    echo "two (both polled every 0.1 s from node 0's INFO); writable = a SET to every partition's probe key succeeded"
    echo "(through node 2 after a join; through node 1 after a leave, probed once handed off). Load = 4 connections to"
    echo "node 0 writing SETs in a closed loop (2 s timeout per request): errors / SETs, longest request."
    echo
    echo "| round | join: settled s | join: writable via node 2 s | join: load errors / SETs, longest | leave: handed off s | leave: writable s | leave: process exited s | leave: load errors / SETs, longest |"
    echo "|---|---|---|---|---|---|---|---|"
    [ ${#rows[@]} -eq 0 ] || printf '%s\n' "${rows[@]}"
    if [ ${#join_settled[@]} -gt 0 ]; then
      echo
      echo "| over ${#join_settled[@]} rounds | median s | worst s |"
      echo "|---|---|---|"
      echo "| join: settled | $(stat "${join_settled[@]}") |"
      echo "| join: every partition writable via node 2 | $(stat "${join_writable[@]}") |"
      echo "| leave: handed off | $(stat "${leave_gone[@]}") |"
      echo "| leave: every partition writable | $(stat "${leave_writable[@]}") |"
      echo "| leave: node 2's process exited | $(stat "${leave_exit[@]}") |"
    fi
    if [ ${#first_errors[@]} -gt 0 ]; then
      echo
      echo "First error the load saw, per phase with errors:"
      echo
      printf -- '- %s\n' "${first_errors[@]}"
    fi
    echo
    count() { cat "$work"/node*.log 2>/dev/null | grep -c "$1" || true; }
    echo "Node logs (all nodes, whole run): $(count 'Journal write failed') partition journal writes failed, of which" \
      "$(count 'Journal write failed.*UNIQUE constraint') on the UNIQUE (persistence_id, sequence_number) index (another owner of" \
      "the partition had written that sequence number); $(count 'Partition [0-9]* stopped; restarting') partition restarts;" \
      "$(count 'Invalid replayed event') log lines with 'Invalid replayed event' (Akka's replay filter)."
    if [ -n "${1:-}" ]; then
      echo
      echo "**Run failed:** $1"
    fi
  } >"$RESULTS"
}
fail() {
  local why="$*"
  local replay; replay=$(grep -h -o -m1 'Invalid replayed event \[[^]]*\][^[]*\[[^]]*\] for the same persistenceId \[[^]]*\]' "$work"/node*.log 2>/dev/null | head -n 1 | tr -s ' ') || true
  [ -z "$replay" ] || why="$why. Node logs: Akka's replay filter refused a partition's recovery: \"$replay\""
  echo "cluster-rebalance: $why; node logs in $work" >&2
  write_results "$why"
  trap - EXIT; stop_all; exit 1
}

start 0; start 1
wait_cli_settled 2 120

# One probe key per partition.
declare -A probe
pick_probe_keys "${resp[0]}" "$PARTITIONS"

for round in $(seq 1 "$ROUNDS"); do
  # join
  start_load
  t0=$(now); start 2
  python3 "$work/helper.py" probe "${resp[2]}" "$t0" "${probe[@]}" >"$work/join-writable" & prober=$!
  js=$(helper wait "${resp[0]}" "$t0" settled 3 "$PARTITIONS")
  wait "$prober"; jw=$(cat "$work/join-writable")
  stop_load; read -r jops jerr jlong jfirst <"$work/load.out"
  [ "$js" != inf ] || fail "round $round: three nodes not settled within 120 s of node 2's start"
  [ "$jw" != inf ] || fail "round $round: a partition not writable through node 2 within 90 s of its start"
  wait_cli_settled 3 60

  # leave
  address=$("$KV" --server "$seeds" cluster members --json | jq -r --arg port ":${ports[2]}" '.members[] | select(.address | endswith($port)) | .address')
  [ -n "$address" ] || fail "round $round: node 2 not in the members"
  start_load
  t0=$(now)
  ( while alive "${pids[2]}"; do sleep 0.05; done; since "$t0" >"$work/exited" ) & watcher_pid=$!
  "$KV" --server "$seeds" cluster leave "$address" >/dev/null || fail "round $round: kv cluster leave $address failed"
  lg=$(helper wait "${resp[0]}" "$t0" gone "${ports[2]}" "$PARTITIONS")
  [ "$lg" != inf ] || { stop_load; fail "round $round: node 2 not gone with its partitions handed off within 120 s"; }
  lw=$(helper probe "${resp[1]}" "$t0" "${probe[@]}")
  stop_load; read -r lops lerr llong lfirst <"$work/load.out"
  [ "$lw" != inf ] || fail "round $round: a partition not writable through node 1 within 90 s of node 2 leaving"
  deadline=$((SECONDS + 60))
  while alive "${pids[2]}"; do [ $SECONDS -lt $deadline ] || fail "round $round: node 2's process still running 60 s after leaving"; sleep 0.1; done
  wait "$watcher_pid" 2>/dev/null || true; watcher_pid=""
  wait "${pids[2]}" 2>/dev/null || true
  exited=$(cat "$work/exited")
  wait_cli_settled 2 120

  for v in js jw lg lw exited; do printf -v "$v" '%.2f' "${!v}"; done
  join_settled+=("$js"); join_writable+=("$jw"); leave_gone+=("$lg"); leave_writable+=("$lw"); leave_exit+=("$exited")
  rows+=("$(printf '| %d | %.2f | %.2f | %d / %d, %d ms | %.2f | %.2f | %.2f | %d / %d, %d ms |' "$round" "$js" "$jw" "$jerr" "$jops" "$jlong" \
    "$lg" "$lw" "$exited" "$lerr" "$lops" "$llong")")
  [ "$jfirst" = - ] || first_errors+=("round $round join: ${jfirst//_/ }")
  [ "$lfirst" = - ] || first_errors+=("round $round leave: ${lfirst//_/ }")
  printf 'round %d: join settled %.2f s, writable via node 2 %.2f s (load %d errors / %d SETs, longest %d ms);' \
    "$round" "$js" "$jw" "$jerr" "$jops" "$jlong"
  printf ' leave handed off %.2f s, writable %.2f s, process exited %.2f s (load %d errors / %d SETs, longest %d ms)\n' \
    "$lg" "$lw" "$exited" "$lerr" "$lops" "$llong"
done

write_results
cat "$RESULTS"
