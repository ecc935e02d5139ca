#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL server for the tests, in a directory of its own, on a
# unix socket only (no TCP port to collide with anyone's), as an unprivileged user (postgres
# refuses to run as root), with fsync off (the tests never survive a power cut) unless
# NEUTRINO_PG_DURABLE=1.
#
#   postgres-server.sh start DIR   initdb + pg_ctl start; prints the libpq URL of database
#                                  "neutrino" (user "neutrino"); DIR must not exist yet
#   postgres-server.sh stop DIR    stops the server by the PID in its postmaster.pid (never by
#                                  name: other people's servers run on this machine too) and
#                                  removes DIR
set -euo pipefail

action=${1:?start|stop}
dir=${2:?directory}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bindir/initdb" ] || { echo "postgres-server: initdb not found (apt-get install postgresql)" >&2; exit 2; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$action" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    chmod 700 "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -U neutrino -A trust -E UTF8 --locale=C.UTF-8 \
      --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # NEUTRINO_PG_DURABLE=1 keeps PostgreSQL's durable defaults (for benchmarks).
    durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${NEUTRINO_PG_DURABLE:-0}" = 1 ] && durability=""
    if ! as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-k $dir -c listen_addresses='' $durability -c max_connections=300 \
          -c shared_buffers=32MB" >/dev/null; then
      cat "$dir/server.log" >&2
      exit 1
    fi
    as_owner "$bindir/createdb" -h "$dir" -U neutrino neutrino
    echo "postgresql://neutrino@/neutrino?host=$dir"
    ;;
  stop)
    [ -d "$dir" ] || exit 0
    pid=$(head -1 "$dir/data/postmaster.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -INT "$pid" 2>/dev/null || true  # fast shutdown
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
