#!/usr/bin/env bash
# Backs up a vault: its database and every content (blob) a revision refers to, each checked
# against its SHA-256. restore.sh puts it back.
#
#   scripts/backup.sh --pg URI --data DIR [--data DIR ...] --out BACKUP
#       PostgreSQL (a cluster, or one node on PostgreSQL): pg_dump takes a consistent snapshot while
#       the nodes keep serving. The content comes from the data directories given, the first that
#       holds each one (every node ends up holding everything; give several when one lags behind).
#   scripts/backup.sh --h2 --data DIR --out BACKUP
#       One node on the embedded H2 database: stop the node first (H2 allows one process at a time);
#       H2's BACKUP writes the database.
#
# BACKUP is created and must not exist yet. It holds database.pgdump (pg_dump's custom format) or
# database.h2.zip (H2's BACKUP), blobs/ab/cdef... (the same layout as a node's data directory) and
# SHA256SUMS, which `sha256sum -c SHA256SUMS` checks. Nothing else of a data directory is needed: a
# node rebuilds the rest at its start (a token key generated on a single node means new logins).
#
# Environment: JAVA=java (H2 only), NCVAULT_CLASSPATH=... (the H2 tools from it instead of
# pdm-node/target/ncvault.jar). Exit codes: 0 done, 1 failed (BACKUP is then not created), 2 usage.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  echo "Usage: scripts/backup.sh (--pg URI | --h2) --data DIR [--data DIR ...] --out BACKUP" >&2
  exit 2
}

pg_uri=""
h2=no
out=""
data_dirs=()
while [ $# -gt 0 ]; do
  case $1 in
    --pg) [ $# -ge 2 ] || usage; pg_uri=$2; shift 2 ;;
    --h2) h2=yes; shift ;;
    --data) [ $# -ge 2 ] || usage; data_dirs+=("$(cd "$2" && pwd)"); shift 2 ;;
    --out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    *) usage ;;
  esac
done
[ -n "$out" ] && [ ${#data_dirs[@]} -gt 0 ] || usage
{ [ -n "$pg_uri" ] && [ "$h2" = no ]; } || { [ -z "$pg_uri" ] && [ "$h2" = yes ]; } || usage
if [ "$h2" = yes ] && [ ${#data_dirs[@]} -ne 1 ]; then
  echo "--h2 backs up one node: give its one data directory" >&2
  exit 2
fi
if [ -e "$out" ]; then
  echo "$out exists already: give a new directory" >&2
  exit 1
fi

# Everything goes to BACKUP.partial first: BACKUP appears only when complete and checked.
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
work=$out.partial
rm -rf "$work"
mkdir -p "$work/blobs"
trap 'rm -rf "$work"' EXIT
referenced=$work/referenced.txt

. "$root/scripts/vault-tools.sh"

if [ -n "$pg_uri" ]; then
  pg_dump --format=custom --no-owner --file="$work/database.pgdump" "$pg_uri"
  # The contents the dump itself refers to, from its revisions and Git LFS objects tables (not the
  # live ones, which may already hold revisions newer than the snapshot).
  pg_restore --data-only --table=revisions --table=lfs_objects --file=- "$work/database.pgdump" | awk '
    /^COPY [^ ]*(revisions|lfs_objects) \(/ {
      cols = $0; sub(/^[^(]*\(/, "", cols); sub(/\).*$/, "", cols)
      n = split(cols, names, ", "); for (i = 1; i <= n; i++) if (names[i] == "sha256") col = i
      copying = 1; next
    }
    copying && /^\\\.$/ { copying = 0; next }
    copying { split($0, f, "\t"); print f[col] }
  ' | sort -u > "$referenced"
  database_file=database.pgdump
else
  h2_sql "${data_dirs[0]}" "BACKUP TO '$work/database.h2.zip'; CALL CSVWRITE('$work/referenced.csv', \
'SELECT sha256 FROM revisions UNION SELECT sha256 FROM lfs_objects ORDER BY 1', 'writeColumnHeader=false')"
  tr -d '"\r' < "$work/referenced.csv" | sort -u > "$referenced"
  rm "$work/referenced.csv"
  database_file=database.h2.zip
fi

missing=()
copied=0
while read -r sha; do
  [ -n "$sha" ] || continue
  if ! [[ $sha =~ ^[0-9a-f]{64}$ ]]; then
    echo "The database refers to a content named '$sha', which is not a SHA-256" >&2
    exit 1
  fi
  relative=$(blob_path "$sha")
  found=no
  for dir in "${data_dirs[@]}"; do
    if [ -f "$dir/$relative" ]; then
      mkdir -p "$(dirname "$work/$relative")"
      cp "$dir/$relative" "$work/$relative"
      # A copy that does not hash to its name (a damaged disk) is not kept; the next directory may have a good one.
      if [ "$(sha256sum < "$work/$relative" | cut -d' ' -f1)" = "$sha" ]; then
        found=yes
        break
      fi
      echo "$dir/$relative does not match its SHA-256; looking further" >&2
      rm "$work/$relative"
    fi
  done
  if [ "$found" = yes ]; then
    copied=$((copied + 1))
  else
    missing+=("$sha")
  fi
done < "$referenced"
if [ ${#missing[@]} -gt 0 ]; then
  echo "No intact copy of ${#missing[@]} content(s) the database refers to in ${data_dirs[*]}:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  echo "Give the data directories of other nodes too (or wait until this node has copied them)." >&2
  exit 1
fi
rm "$referenced"

(
  cd "$work"
  sha256sum "$database_file" > SHA256SUMS.tmp
  find blobs -type f | sort | xargs -r sha256sum >> SHA256SUMS.tmp
  mv SHA256SUMS.tmp SHA256SUMS
)
mv "$work" "$out"
trap - EXIT
echo "Backed up the database ($database_file) and $copied contents into $out"
