# Helpers shared by the bench scripts; each sources this after changing to the repository root.

# A loopback port nothing listens on: bound once to let the OS pick it, then released.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

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
