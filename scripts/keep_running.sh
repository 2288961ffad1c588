#!/usr/bin/env bash
# Runs a command and starts it again whenever it exits, until this script is told to stop (SIGTERM/SIGINT).
# `make run` wraps the Celery worker and beat in it (Procfile.dev): honcho stops every process as soon as one
# exits, so a worker that crashed would otherwise take the web server down with it.
# Usage: scripts/keep_running.sh NAME COMMAND [ARGS...]
set -uo pipefail

name="$1"
shift
delay=1          # seconds before a restart, doubled after each quick crash (at most 30 s)
max_delay=30
stable_after=60  # a run that lasted this long was healthy: the next restart is quick again
stopping=0
child=0

stop() {
  stopping=1
  [ "$child" -gt 0 ] && kill -TERM "$child" 2>/dev/null
}
trap stop TERM INT

while :; do
  started=$SECONDS
  "$@" &
  child=$!
  # `wait` returns early when a trapped signal arrives: wait until the child has really finished.
  while :; do
    wait "$child"
    status=$?
    kill -0 "$child" 2>/dev/null || break
  done
  child=0
  [ "$stopping" = 1 ] && exit 0
  ran=$((SECONDS - started))
  [ "$ran" -ge "$stable_after" ] && delay=1
  echo "keep_running: $name exited with status $status after ${ran} s; starting it again in ${delay} s" >&2
  sleep "$delay" &
  child=$!
  wait "$child"
  child=0
  [ "$stopping" = 1 ] && exit 0
  delay=$((delay * 2 > max_delay ? max_delay : delay * 2))
done
