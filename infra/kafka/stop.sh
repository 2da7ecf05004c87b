#!/usr/bin/env bash
# Stops the broker started by start.sh (same KAFKA_PORT / KAFKA_DATA_DIR): SIGTERM for a clean
# shutdown, then SIGKILL after KAFKA_STOP_TIMEOUT seconds (default 30).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

if ! pid="$(broker_pid)"; then
  rm -f "$pid_file"
  echo "kafka: no broker running for port $KAFKA_PORT ($pid_file)"
  exit 0
fi

kill -TERM "$pid" 2>/dev/null || true
deadline=$((SECONDS + ${KAFKA_STOP_TIMEOUT:-30}))
while alive "$pid"; do
  if ((SECONDS >= deadline)); then
    echo "kafka: broker pid $pid still running after ${KAFKA_STOP_TIMEOUT:-30}s, sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    break
  fi
  sleep 0.2
done
while alive "$pid"; do sleep 0.1; done
rm -f "$pid_file"
echo "kafka: stopped broker on port $KAFKA_PORT (pid $pid)"
