# Shared by backup.sh and restore.sh (sourced, not run; they set $root): where a blob lies and how
# to reach H2. NCVAULT_CLASSPATH, when set, holds H2's tools instead of the node's jar; JAVA is the
# java command.

# blobs/ab/cdef... for a SHA-256, as a node's blob store keeps it.
blob_path() {
  echo "blobs/${1:0:2}/${1:2}"
}

# Runs one of H2's tools (org.h2.tools.NAME) with its arguments.
h2_tool() {
  local name=$1 classpath=${NCVAULT_CLASSPATH:-$root/pdm-node/target/ncvault.jar}
  shift
  if [ -z "${NCVAULT_CLASSPATH:-}" ] && [ ! -f "$classpath" ]; then
    echo "$classpath is missing: build it first (mvn -q -B -DskipTests package)" >&2
    return 1
  fi
  "${JAVA:-java}" -cp "$classpath" "org.h2.tools.$name" "$@"
}

# Runs SQL on the H2 database of a data directory (which must exist), as the node opens it.
h2_sql() {
  local data_dir=$1 sql=$2 output
  if ! output=$(h2_tool Shell -url "jdbc:h2:file:$data_dir/db/pdm;DATABASE_TO_LOWER=TRUE;IFEXISTS=TRUE" \
      -user sa -password "" -sql "$sql" 2>&1); then
    local reason
    reason=$(echo "$output" | grep -m1 -o 'Exception: .*' | cut -c12-) || reason=$(echo "$output" | tail -n 1)
    echo "H2 refused: $reason" >&2
    if echo "$output" | grep -q "already in use"; then
      echo "Stop the node first: H2 lets one process at a time open the database." >&2
    fi
    return 1
  fi
}
