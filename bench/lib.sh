# Helpers shared by the bench scripts; each sources this after changing to the repository root.

# A loopback port nothing listens on (bound once to let the OS pick it, then released), never one this script was given before: servers started later bind them all at once, and
# the OS may hand out a port again until one does (it once gave a single node a Raft node's port). Callers use
# $(free_port), a subshell, so the ports given are kept in a file.
FREE_PORTS_FILE="$(mktemp)"
free_port() {
  local port
  while :; do
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
    grep -qx "$port" "$FREE_PORTS_FILE" && continue
    echo "$port" >>"$FREE_PORTS_FILE"
    echo "$port"
    return
  done
}

# Fills the associative array `probe` with one key per partition (partition p owns hash slots
# [p*16384/P, (p+1)*16384/P)), asking the RESP server on PORT for each candidate's slot. Declare `probe` first.
pick_probe_keys() { # resp-port partitions
  local k slot p
  for k in $(seq 0 999); do
    slot=$(redis-cli -p "$1" cluster keyslot "probe$k")
    p=$((slot * $2 / 16384))
    [ -n "${probe[$p]:-}" ] || probe[$p]="probe$k"
    [ ${#probe[@]} -lt "$2" ] || break
  done
}

# Runs every RESP workload the comparisons measure once, unmeasured, so the server under test is warm: a long-running
# server has its hot paths compiled (tiered JIT) and its buffers sized; the first seconds after start measure neither.
# Applied to Redis as well, so both are measured the same way.
warm_up_resp() { # port requests
  local pipe
  for pipe in 1 16; do
    redis-benchmark -p "$1" -t set,get,incr,mset -P "$pipe" -n "$2" -c 50 -d 100 -r 100000 -q >/dev/null 2>&1 || true
  done
}

# A fresh temporary directory in WORK and an empty pids list; on exit every pid recorded in pids is killed and WORK
# removed. Start servers in the calling shell (not in a $(...) subshell) and add their pids, or they outlive the script.
use_work_dir() {
  WORK="$(mktemp -d)"
  pids=()
  trap 'for p in "${pids[@]:-}"; do [ -n "$p" ] && { kill -9 "$p"; wait "$p"; } 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
}

wait_ready() { # port: until the RESP server on it answers PING (30 s at most)
  for _ in $(seq 1 300); do [ "$(redis-cli -p "$1" ping 2>/dev/null)" = "PONG" ] && return; sleep 0.1; done
  echo "server on port $1 did not answer PING within 30 s" >&2; exit 1
}

require_tools() { # script-name apt-hint tool...: exits 1 naming the first tool not on PATH
  local name="$1" hint="$2" tool; shift 2
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$name: $tool not found (apt-get install $hint)" >&2; exit 1; }
  done
}

# The commit the measured server was built from, flagged when src/ or hocon/ have uncommitted changes.
source_revision() {
  echo "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src hocon 2>/dev/null || echo ' + uncommitted changes in src/hocon')"
}

# etcd-server and etcd-client (Debian's etcd 3.4) for the etcd comparisons, installed if missing.
ensure_etcd() {
  command -v etcd >/dev/null 2>&1 && command -v etcdctl >/dev/null 2>&1 && return
  echo "installing etcd-server and etcd-client" >&2
  local sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq etcd-server etcd-client >/dev/null
}
