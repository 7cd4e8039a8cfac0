#!/usr/bin/env bash
# Starts a three-node cluster on this machine: HTTP 8081-8083, Hazelcast from 5701, data in
# ./data/cluster/node-{a,b,c}, shared PostgreSQL database "ncvault" on 127.0.0.1:5432.
# Stop with Ctrl-C (all three nodes stop). Logs in ./data/cluster/node-*.log.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=pdm-node/target/ncvault.jar
[ -f "$jar" ] || mvn -q -B -DskipTests package

pg_uri=${PDM_PG_URI:-postgresql://postgres@127.0.0.1:5432/ncvault}
db=${pg_uri##*/}
if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" >/dev/null
fi

base=data/cluster
mkdir -p "$base"
# One token key and one cluster secret for all nodes, generated once and kept out of the repository.
if [ ! -f "$base/secrets.env" ]; then
  umask 077
  printf 'PDM_JWT_SECRET=%s\nPDM_CLUSTER_SECRET=%s\n' "$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" \
    "$(head -c 32 /dev/urandom | base64 | tr -d '\n/+=')" > "$base/secrets.env"
fi
set -a; . "$base/secrets.env"; set +a

jvm_flags=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
peers='["http://127.0.0.1:8081","http://127.0.0.1:8082","http://127.0.0.1:8083"]'
for i in 0 1 2; do
  name=node-$(printf "\\x$(printf %x $((97 + i)))")
  port=$((8081 + i))
  PDM_CLUSTER=true PDM_DB_KIND=postgres PDM_PG_URI="$pg_uri" PDM_NODE_NAME="$name" \
    PDM_PEER_URLS="$peers" PDM_HTTP_HOST=127.0.0.1 \
    java "${jvm_flags[@]}" -jar "$jar" --port "$port" --data "$base/$name" > "$base/$name.log" 2>&1 &
  pids+=($!)
  # Nodes join one after another: starting them together on two cores doubles the join time.
  until grep -q " serving http" "$base/$name.log"; do
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "$name failed to start, see $base/$name.log"; exit 1; }
    sleep 0.5
  done
  echo "$name serving http://127.0.0.1:$port"
done
echo "Cluster up. The admin password is printed once in $base/node-a.log on a new database. Ctrl-C stops all nodes."
wait
