# Shared settings of start.sh and stop.sh (sourced, not run). Every value can be overridden by
# the environment variable of the same name.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_HOST="${KAFKA_HOST:-127.0.0.1}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
kafka_cache="${CHAINWATCH_CACHE:-$HOME/.cache/chainwatch}/kafka"
KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-$kafka_cache/data-$KAFKA_PORT}"
pid_file="$KAFKA_DATA_DIR/broker.pid"
log_file="$KAFKA_DATA_DIR/broker.log"

# True when the process in the pid file is alive and is a Kafka broker (not a recycled pid).
broker_pid() {
  [[ -f "$pid_file" ]] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

# True while the process exists and is not a zombie (an unreaped zombie would pass kill -0).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || echo Z)"
  [[ "$state" != "Z" ]]
}

# True when something accepts TCP connections on host:port.
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}
