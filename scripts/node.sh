#!/usr/bin/env bash
# One node of the local cluster (the one scripts/cluster.sh runs): start, stop, restart or status.
#
#   scripts/node.sh start|stop|restart|status NAME        NAME is node-a, node-b, node-c (node-d ... too)
#
# Node i (node-a is 0) serves http://127.0.0.1:HTTP_BASE+i, its TCP bridge listens on BRIDGE_BASE+i,
# its data is DATA/NAME, its pid DATA/NAME.pid and its log DATA/NAME.log. The log is appended to,
# never emptied; at a start, a log larger than LOG_MAX_BYTES is first moved to NAME.log.1 (older ones
# to .2 ... up to LOG_KEEP). All of it is created readable only by you (umask 077), and what an older
# start left readable by others is tightened. A password the node generates for 'admin' on a new
# database is never in the log: the node, having no terminal, keeps it in DATA/NAME/initial-admin-password
# (0600) and the start prints that file's name. All nodes share the PostgreSQL database (created when missing), one token
# key and one cluster secret (generated once into DATA/secrets.env, readable only by you).
#
# Environment (the defaults are those of cluster.sh):
#   HTTP_BASE=8081 BRIDGE_BASE=7001 (0: no bridge) CLUSTER_BASE=5701 DATA=data/cluster NODES=3
#   PDM_PG_URI=postgresql://postgres@127.0.0.1:5432/ncvault PDM_CLUSTER_NAME=ncvault
#   LOG_MAX_BYTES=20971520 LOG_KEEP=5 START_TIMEOUT=120 STOP_TIMEOUT=30
#   JAVA=java JAVA_OPTS=...  NCVAULT_CLASSPATH=... (run com.ncvault.node.Main from it instead of the jar)
#   PDM_* variables are passed on to the node (e.g. PDM_ADMIN_PASSWORD, PDM_CLUSTER_MEMBER_TIMEOUT_SECONDS).
#
# Exit codes: 0 done (status: running), 1 failed, 2 usage, 3 (status) not running.
set -euo pipefail
# Everything this script and the node create (logs, pid files, secrets, the data) is readable only by you.
umask 077
cd "$(dirname "$0")/.."

usage() {
  echo "Usage: scripts/node.sh start|stop|restart|status NAME   (NAME: node-a, node-b, node-c, ...)" >&2
  exit 2
}
[ $# -eq 2 ] || usage
action=$1
name=$2
[[ $name =~ ^node-[a-z]$ ]] || usage
index=$(( $(printf '%d' "'${name#node-}") - 97 ))

http_base=${HTTP_BASE:-8081}
bridge_base=${BRIDGE_BASE:-7001}
cluster_base=${CLUSTER_BASE:-5701}
base=${DATA:-data/cluster}
node_count=${NODES:-3}
pg_uri=${PDM_PG_URI:-postgresql://postgres@127.0.0.1:5432/ncvault}
cluster_name=${PDM_CLUSTER_NAME:-ncvault}
log_max_bytes=${LOG_MAX_BYTES:-20971520}
log_keep=${LOG_KEEP:-5}
start_timeout=${START_TIMEOUT:-120}
stop_timeout=${STOP_TIMEOUT:-30}
java_bin=${JAVA:-java}
jar=pdm-node/target/ncvault.jar

port=$((http_base + index))
bridge_port=0
if [ "$bridge_base" != 0 ]; then
  bridge_port=$((bridge_base + index))
fi
data_dir=$base/$name
log=$base/$name.log
pid_file=$base/$name.pid

# The pid of the running node, or nothing. A pid file whose process is gone, or is another program
# that got the same pid, does not count.
running_pid() {
  [ -f "$pid_file" ] || return 0
  local pid
  pid=$(cat "$pid_file")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
    && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--data $data_dir "; then
    echo "$pid"
  fi
}

prepare() {
  if [ -z "${NCVAULT_CLASSPATH:-}" ] && [ ! -f "$jar" ]; then
    echo "Building $jar (mvn package) ..."
    mvn -q -B -DskipTests package
  fi
  # The database must exist before the first node migrates it.
  local db=${pg_uri##*/}
  db=${db%%\?*}
  local pg_server=${pg_uri%/*}
  if command -v psql >/dev/null; then
    if ! psql "$pg_server/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1; then
      psql "$pg_server/postgres" -qc "CREATE DATABASE \"$db\""
      echo "Created the PostgreSQL database $db"
    fi
  else
    echo "psql is not installed: make sure the database $db exists at $pg_server" >&2
  fi
  mkdir -p "$base"
  # Left readable by others by an older version or another umask: tightened, each change named.
  find "$base" -maxdepth 1 \( -type d -o -type f \) -perm /077 -exec chmod -c go-rwx {} + | sed 's/^/node.sh: /'
  # One token key and one cluster secret for all nodes, generated once and kept out of the repository.
  if [ ! -f "$base/secrets.env" ]; then
    (
      umask 077
      printf 'PDM_JWT_SECRET=%s\nPDM_CLUSTER_SECRET=%s\n' \
        "$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" \
        "$(head -c 32 /dev/urandom | base64 | tr -d '\n/+=')" > "$base/secrets.env.tmp"
    )
    mv "$base/secrets.env.tmp" "$base/secrets.env"
  fi
}

# Moves a log over the limit aside (NAME.log.1, older ones one number up); nothing is ever emptied.
rotate_log() {
  [ -f "$log" ] || return 0
  [ "$(stat -c %s "$log")" -gt "$log_max_bytes" ] || return 0
  rm -f "$log.$log_keep"
  local i
  for ((i = log_keep - 1; i >= 1; i--)); do
    if [ -f "$log.$i" ]; then
      mv "$log.$i" "$log.$((i + 1))"
    fi
  done
  mv "$log" "$log.1"
}

start() {
  local pid
  pid=$(running_pid)
  if [ -n "$pid" ]; then
    echo "$name is already running (pid $pid)"
    return 0
  fi
  prepare
  rotate_log
  local offset=0
  if [ -f "$log" ]; then
    offset=$(stat -c %s "$log")
  fi
  local peers="" i
  for ((i = 0; i < node_count; i++)); do
    peers+="${peers:+,}http://127.0.0.1:$((http_base + i))"
  done
  # The young generation's floor of the systemd unit (scripts/systemd/ncvault.service says why);
  # Hazelcast wants the rest on Java 17 (it warns without them).
  local jvm=(-XX:NewSize=64m --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
    --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens java.management/sun.management=ALL-UNNAMED
    --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)
  # shellcheck disable=SC2206 # JAVA_OPTS is a list of options
  jvm+=(${JAVA_OPTS:-})
  local main=(-jar "$jar")
  if [ -n "${NCVAULT_CLASSPATH:-}" ]; then
    main=(-cp "$NCVAULT_CLASSPATH" com.ncvault.node.Main)
  fi
  echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) scripts/node.sh start $name" >> "$log"
  (
    set -a
    . "$base/secrets.env"
    set +a
    export PDM_CLUSTER=true PDM_CLUSTER_NAME="$cluster_name" PDM_CLUSTER_PORT="$cluster_base" \
      PDM_DB_KIND=postgres PDM_PG_URI="$pg_uri" PDM_NODE_NAME="$name" PDM_PEER_URLS="$peers" \
      PDM_HTTP_HOST=127.0.0.1 PDM_BRIDGE_PORT="$bridge_port"
    exec nohup "$java_bin" "${jvm[@]}" "${main[@]}" --port "$port" --data "$data_dir" >> "$log" 2>&1 < /dev/null
  ) &
  pid=$!
  echo "$pid" > "$pid_file"
  local waited=0
  until tail -c +$((offset + 1)) "$log" | grep -q " serving http"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name did not start:" >&2
      tail -c +$((offset + 1)) "$log" | tail -n 20 >&2
      rm -f "$pid_file"
      return 1
    fi
    if [ "$waited" -ge $((start_timeout * 2)) ]; then
      echo "$name did not serve within $start_timeout s; stopping it (log $log)" >&2
      stop >&2
      return 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  echo "$name  http://127.0.0.1:$port  bridge ${bridge_port/#0/off}  pid $pid  log $log"
  tail -c +$((offset + 1)) "$log" | grep "created user 'admin'" || true
}

stop() {
  local pid
  pid=$(running_pid)
  if [ -z "$pid" ]; then
    rm -f "$pid_file"
    echo "$name is not running"
    return 0
  fi
  kill -TERM "$pid"
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge $((stop_timeout * 2)) ]; then
      echo "$name did not stop within $stop_timeout s: killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "$pid_file"
  echo "$name stopped (was pid $pid)"
}

status() {
  local pid
  pid=$(running_pid)
  if [ -z "$pid" ]; then
    echo "$name is not running"
    return 3
  fi
  local health="no answer"
  if command -v curl >/dev/null; then
    health=$(curl -s -m 5 "http://127.0.0.1:$port/health" | grep -o '^{"status":"[a-z]*"' | cut -d'"' -f4) || true
  fi
  echo "$name is running (pid $pid)  http://127.0.0.1:$port  health: ${health:-no answer}  log $log"
}

case $action in
  start) start ;;
  stop) stop ;;
  restart) stop && start ;;
  status) status ;;
  *) usage ;;
esac
