#!/usr/bin/env bash
# Starts a three-node NC Vault cluster on this machine and keeps it in the foreground; Ctrl-C stops
# all three nodes.
#
#   node-a  http://127.0.0.1:8081   bridge 7001   data/cluster/node-a   log data/cluster/node-a.log
#   node-b  http://127.0.0.1:8082   bridge 7002   data/cluster/node-b   log data/cluster/node-b.log
#   node-c  http://127.0.0.1:8083   bridge 7003   data/cluster/node-c   log data/cluster/node-c.log
#
# Hazelcast (cluster membership) takes the first free ports from 5701, the clustered event bus a
# free port each. All nodes share the PostgreSQL database "ncvault" on 127.0.0.1:5432 (created when
# missing), one token signing key and one cluster secret (generated once into
# data/cluster/secrets.env, readable only by you).
#
# Change the defaults with environment variables:
#   HTTP_BASE=8081 BRIDGE_BASE=7001 CLUSTER_BASE=5701 DATA=data/cluster
#   PDM_PG_URI=postgresql://postgres@127.0.0.1:5432/ncvault PDM_CLUSTER_NAME=ncvault
#   PDM_ADMIN_PASSWORD=...   (password of 'admin' on a new database; else printed once in node-a's log)
set -euo pipefail
cd "$(dirname "$0")/.."

http_base=${HTTP_BASE:-8081}
bridge_base=${BRIDGE_BASE:-7001}
cluster_base=${CLUSTER_BASE:-5701}
base=${DATA:-data/cluster}
pg_uri=${PDM_PG_URI:-postgresql://postgres@127.0.0.1:5432/ncvault}
cluster_name=${PDM_CLUSTER_NAME:-ncvault}

jar=pdm-node/target/ncvault.jar
if [ ! -f "$jar" ]; then
  echo "Building $jar (mvn package) ..."
  mvn -q -B -DskipTests package
fi

# The database must exist before the first node migrates it.
db=${pg_uri##*/}
db=${db%%\?*}
pg_server=${pg_uri%/*}
if command -v psql >/dev/null; then
  if ! psql "$pg_server/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1; then
    psql "$pg_server/postgres" -qc "CREATE DATABASE \"$db\""
    echo "Created the PostgreSQL database $db"
  fi
else
  echo "psql is not installed: make sure the database $db exists at $pg_server" >&2
fi

mkdir -p "$base"
# One token key and one cluster secret for all nodes, generated once and kept out of the repository.
if [ ! -f "$base/secrets.env" ]; then
  (
    umask 077
    printf 'PDM_JWT_SECRET=%s\nPDM_CLUSTER_SECRET=%s\n' \
      "$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" \
      "$(head -c 32 /dev/urandom | base64 | tr -d '\n/+=')" > "$base/secrets.env"
  )
fi
set -a
. "$base/secrets.env"
set +a

# Hazelcast wants these on Java 17 (it warns without them).
jvm_flags=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)

pids=()
stop_all() {
  trap - EXIT INT TERM
  if [ ${#pids[@]} -gt 0 ]; then
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap stop_all EXIT INT TERM

peers="http://127.0.0.1:$http_base,http://127.0.0.1:$((http_base + 1)),http://127.0.0.1:$((http_base + 2))"
for i in 0 1 2; do
  name=node-$(printf "\\x$(printf %x $((97 + i)))")
  port=$((http_base + i))
  log="$base/$name.log"
  : > "$log"
  PDM_CLUSTER=true PDM_CLUSTER_NAME="$cluster_name" PDM_CLUSTER_PORT="$cluster_base" \
    PDM_DB_KIND=postgres PDM_PG_URI="$pg_uri" PDM_NODE_NAME="$name" PDM_PEER_URLS="$peers" \
    PDM_HTTP_HOST=127.0.0.1 PDM_BRIDGE_PORT=$((bridge_base + i)) \
    java "${jvm_flags[@]}" -jar "$jar" --port "$port" --data "$base/$name" >> "$log" 2>&1 &
  pids+=($!)
  # One after another: nodes starting together on two cores take twice as long to join.
  until grep -q " serving http" "$log"; do
    if ! kill -0 "${pids[-1]}" 2>/dev/null; then
      echo "$name did not start:" >&2
      tail -n 20 "$log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "$name  http://127.0.0.1:$port  bridge 127.0.0.1:$((bridge_base + i))  log $log"
done
if grep -q "created user 'admin'" "$base/node-a.log"; then
  grep "created user 'admin'" "$base/node-a.log"
fi
echo "Cluster up. Ctrl-C stops all three nodes."
wait
