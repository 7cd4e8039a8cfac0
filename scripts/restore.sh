#!/usr/bin/env bash
# Restores a vault from a backup made by backup.sh: first checks every file of the backup against
# its SHA-256 (nothing is changed when one does not match), then the database, then the content
# into each data directory given. Stop the node(s) first; start them afterwards.
#
#   scripts/restore.sh --from BACKUP --pg URI --data DIR [--data DIR ...] [--replace]
#       The database of URI is created when missing; an existing one must be empty, or --replace
#       drops it and creates it again. Give the data directory of every node on this machine (or
#       one: the other nodes copy the content from it at their start).
#   scripts/restore.sh --from BACKUP --h2 --data DIR [--replace]
#       The node's H2 database is put into DIR/db; one that exists there is replaced only with --replace.
#
# The seq of the next change continues from the backup's last one, so a browser or program that
# saw the backup's state catches up from there.
#
# Environment: JAVA=java (H2 only), NCVAULT_CLASSPATH=... (the H2 tools from it instead of
# pdm-node/target/ncvault.jar). Exit codes: 0 done, 1 failed, 2 usage.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  echo "Usage: scripts/restore.sh --from BACKUP (--pg URI | --h2) --data DIR [--data DIR ...] [--replace]" >&2
  exit 2
}

from=""
pg_uri=""
h2=no
replace=no
data_dirs=()
while [ $# -gt 0 ]; do
  case $1 in
    --from) [ $# -ge 2 ] || usage; from=$2; shift 2 ;;
    --pg) [ $# -ge 2 ] || usage; pg_uri=$2; shift 2 ;;
    --h2) h2=yes; shift ;;
    --data) [ $# -ge 2 ] || usage; mkdir -p "$2"; data_dirs+=("$(cd "$2" && pwd)"); shift 2 ;;
    --replace) replace=yes; shift ;;
    *) usage ;;
  esac
done
[ -n "$from" ] && [ ${#data_dirs[@]} -gt 0 ] || usage
{ [ -n "$pg_uri" ] && [ "$h2" = no ]; } || { [ -z "$pg_uri" ] && [ "$h2" = yes ]; } || usage
if [ "$h2" = yes ] && [ ${#data_dirs[@]} -ne 1 ]; then
  echo "--h2 restores one node: give its one data directory" >&2
  exit 2
fi
from=$(cd "$from" && pwd)
database_file=database.pgdump
if [ "$h2" = yes ]; then
  database_file=database.h2.zip
fi
if [ ! -f "$from/SHA256SUMS" ] || [ ! -f "$from/$database_file" ]; then
  echo "$from is not a backup of this kind: $database_file or SHA256SUMS is missing" >&2
  exit 1
fi

. "$root/scripts/vault-tools.sh"

# 1. The whole backup is checked before anything is changed: every file against its SHA-256, and
#    every content's name against the SHA-256 it was recorded with.
if ! awk '$2 ~ /^blobs\// { name = $2; sub(/^blobs\//, "", name); sub(/\//, "", name)
      if (name != $1) { print $2; bad = 1 } } END { exit bad }' "$from/SHA256SUMS" >&2; then
  echo "These contents are not stored under their SHA-256: the backup is damaged" >&2
  exit 1
fi
if ! (cd "$from" && sha256sum --quiet --strict -c SHA256SUMS >&2); then
  echo "The backup in $from is damaged (files above): nothing was restored" >&2
  exit 1
fi
contents=$(grep -c ' blobs/' "$from/SHA256SUMS" || true)

# 2. The database.
if [ -n "$pg_uri" ]; then
  db=${pg_uri##*/}
  db=${db%%\?*}
  server=${pg_uri%/*}
  exists=$(psql "$server/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")
  if [ "$exists" = 1 ]; then
    others=$(psql "$server/postgres" -tAc "SELECT count(*) FROM pg_stat_activity WHERE datname = '$db'")
    if [ "$others" != 0 ]; then
      echo "$others connection(s) to $db are open: stop the nodes first" >&2
      exit 1
    fi
    tables=$(psql "$pg_uri" -tAc "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
    if [ "$tables" != 0 ] && [ "$replace" = no ]; then
      echo "The database $db is not empty: give --replace to drop it and restore the backup in its place" >&2
      exit 1
    fi
    if [ "$tables" != 0 ]; then
      psql "$server/postgres" -qc "DROP DATABASE \"$db\""
      exists=""
    fi
  fi
  if [ "$exists" != 1 ]; then
    psql "$server/postgres" -qc "CREATE DATABASE \"$db\""
  fi
  pg_restore --no-owner --exit-on-error --single-transaction --dbname="$pg_uri" "$from/$database_file"
else
  db_dir=${data_dirs[0]}/db
  if [ -e "$db_dir/pdm.mv.db" ] && [ "$replace" = no ]; then
    echo "$db_dir already holds a database: give --replace to restore the backup in its place" >&2
    exit 1
  fi
  mkdir -p "$db_dir"
  rm -f "$db_dir"/pdm.*
  h2_tool Restore -file "$from/$database_file" -dir "$db_dir" -db pdm -quiet
  # Opening it proves the restored file is a database the node can use.
  h2_sql "${data_dirs[0]}" "SELECT COUNT(*) FROM revisions" >/dev/null
fi

# 3. The content, into every data directory, checked again where it lands.
blob_sums=$(mktemp)
trap 'rm -f "$blob_sums"' EXIT
grep ' blobs/' "$from/SHA256SUMS" > "$blob_sums" || true
for dir in "${data_dirs[@]}"; do
  (cd "$from" && find blobs -type f -print0 | xargs -0 -r cp --parents -t "$dir")
  if [ -s "$blob_sums" ] && ! (cd "$dir" && sha256sum --quiet --strict -c "$blob_sums" >&2); then
    echo "Contents copied into $dir do not match their SHA-256 (files above)" >&2
    exit 1
  fi
done
echo "Restored the database ($database_file) and $contents contents into ${data_dirs[*]}"
