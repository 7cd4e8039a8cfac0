#!/usr/bin/env bash
# Starts a three-node NC Vault cluster on this machine and keeps it in the foreground; Ctrl-C stops
# all three nodes. Each node is started and stopped by scripts/node.sh, which also restarts one
# node while the others serve (scripts/node.sh restart node-b).
#
#   node-a  http://127.0.0.1:8081   bridge 7001   data/cluster/node-a   log data/cluster/node-a.log
#   node-b  http://127.0.0.1:8082   bridge 7002   data/cluster/node-b   log data/cluster/node-b.log
#   node-c  http://127.0.0.1:8083   bridge 7003   data/cluster/node-c   log data/cluster/node-c.log
#
# Logs are appended to (a start never empties them) and rotated at a start when over 20 MiB.
# Hazelcast (cluster membership) takes the first free ports from 5701, the clustered event bus a
# free port each. All nodes share the PostgreSQL database "ncvault" on 127.0.0.1:5432 (created when
# missing), one token signing key and one cluster secret (generated once into
# data/cluster/secrets.env, readable only by you).
#
# Change the defaults with environment variables (see scripts/node.sh for all of them):
#   HTTP_BASE=8081 BRIDGE_BASE=7001 CLUSTER_BASE=5701 DATA=data/cluster
#   PDM_PG_URI=postgresql://postgres@127.0.0.1:5432/ncvault PDM_CLUSTER_NAME=ncvault
#   PDM_ADMIN_PASSWORD=...   (password of 'admin' on a new database; else generated into
#                            data/cluster/node-a/initial-admin-password, readable only by you, never logged)
set -euo pipefail
cd "$(dirname "$0")/.."

names=(node-a node-b node-c)
export NODES=${#names[@]}
base=${DATA:-data/cluster}

stop_all() {
  trap - EXIT
  for name in "${names[@]}"; do
    scripts/node.sh stop "$name" || true
  done
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# One after another: nodes starting together on two cores take twice as long to join.
for name in "${names[@]}"; do
  scripts/node.sh start "$name"
done
echo "Cluster up. Ctrl-C stops all three nodes."
# The nodes are not this shell's children: look at them every few seconds until none runs.
while true; do
  running=0
  for name in "${names[@]}"; do
    pid_file=$base/$name.pid
    if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
      running=$((running + 1))
    fi
  done
  [ "$running" -gt 0 ] || break
  sleep 5
done
echo "No node of the cluster runs any more."
