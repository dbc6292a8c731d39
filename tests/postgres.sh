#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the Postgres specs, on a free loopback port with its socket in its own temp
# directory, so it never meets a system cluster.
#
#   eval "$(tests/postgres.sh start)"   # prints `export KV_TEST_POSTGRES=...` and `export KV_TEST_POSTGRES_DIR=...`
#   dotnet test --filter Postgres
#   tests/postgres.sh stop              # stops the cluster in $KV_TEST_POSTGRES_DIR (or the directory given) and removes it
#
# Needs initdb and pg_ctl (Debian: apt-get install postgresql). initdb refuses to run as root, so as root the
# cluster runs as the `postgres` user.
set -euo pipefail

marker=".kvactors-postgres"

pg_bin() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return
  fi
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    echo "postgres.sh: initdb/pg_ctl not found (apt-get install postgresql)" >&2
    exit 1
  fi
  echo "$dir"
}

# Runs a command as the cluster's owner: the postgres user when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  local bin dir port user="kv" database="kvtest"
  bin="$(pg_bin)"
  dir="$(mktemp -d "${TMPDIR:-/tmp}/kvactors-postgres.XXXXXX")"
  touch "$dir/$marker"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
  as_owner "$bin/initdb" -D "$dir/data" -U "$user" --auth=trust --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }

  # Another process may take the port between the probe and the start: try a few.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 30000))
    port_free "$port" || continue
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >/dev/null 2>&1; then
      as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$user" "$database"
      echo "export KV_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=$user;Database=$database'"
      echo "export KV_TEST_POSTGRES_DIR='$dir'"
      return
    fi
  done
  cat "$dir/server.log" >&2 || true
  rm -rf "$dir"
  echo "postgres.sh: could not start PostgreSQL" >&2
  exit 1
}

stop() {
  local dir="${1:-${KV_TEST_POSTGRES_DIR:-}}"
  # Only ever remove a directory this script created.
  if [ -z "$dir" ] || [ ! -e "$dir/$marker" ]; then
    echo "postgres.sh: no cluster to stop (give its directory or set KV_TEST_POSTGRES_DIR)" >&2
    exit 1
  fi
  if [ -e "$dir/data/postmaster.pid" ]; then
    as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop [DIR]" >&2; exit 2 ;;
esac
