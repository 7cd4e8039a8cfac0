#!/usr/bin/env bash
# NC Vault benchmark harness. From the repository root:
#   bash bench/run.sh            full run (about 15 minutes on 2 cores, at most about 30)
#   bash bench/run.sh --smoke    about a minute; proves every part works
#   bash bench/run.sh --only fanout,locks      a subset (fanout, cluster, locks, transfers, isolation, list, program)
#   bash bench/run.sh --runs 5   measured runs per target, median (default 3, smoke 1)
#   bash bench/run.sh --only fanout --clients 1000   the fan-out at these client counts only
# Builds the node's jar and the harness, installs Node's `ws` (npm, into a temporary directory) and
# Debian's nginx when missing, then runs the load generator in its own JVM. Results: bench/results/latest.json
# and latest.md (a smoke run writes bench/results/smoke/ instead). Needs Java 17, Maven, Node + npm (for the ws baseline), PostgreSQL on 127.0.0.1:5432
# (cluster and locks on PostgreSQL; skipped when unreachable).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

smoke=no
results=
previous=
for arg in "$@"; do
  [ "$arg" = --smoke ] && smoke=yes
  [ "$previous" = --results ] && results=$arg
  previous=$arg
done
if [ -z "$results" ]; then
  results=bench/results
  [ "$smoke" = yes ] && results=bench/results/smoke
fi

# 10,000 WebSocket clients need as many descriptors in the load generator and in the server under test;
# raise the soft limit to the hard one (and the hard one where allowed). Inherited by every process started here.
ulimit -Hn 65536 2>/dev/null || true
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || ulimit -Sn 20000 2>/dev/null || true
export BENCH_NOFILE
BENCH_NOFILE=$(ulimit -n)
echo "open-file limit for this run: $BENCH_NOFILE"

echo "building pdm-node/target/ncvault.jar and the harness"
mvn -q -B -ntp -DskipTests package -pl pdm-node,bench -am

tmp="$root/bench/results/tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

ws_args=()
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  if npm install --prefix "$tmp/ws" ws --no-audit --no-fund --silent >/dev/null 2>&1; then
    ws_args=(--ws-prefix "$tmp/ws")
  else
    echo "npm install ws failed: the ws baseline is skipped"
  fi
else
  echo "node/npm not found: the ws baseline is skipped"
fi

if [ "$smoke" = no ] && ! command -v nginx >/dev/null 2>&1; then
  echo "installing Debian's nginx for the download comparison"
  if ! { apt-get install -y -qq nginx >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }; }; then
    echo "nginx could not be installed: the nginx comparison is skipped"
  fi
fi

classpath="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
java -Xms1g -Xmx3g -cp "$classpath" com.ncvault.bench.Bench --root "$root" --tmp "$tmp" "${ws_args[@]}" "$@"
echo "results: $results/latest.json, $results/latest.md"
