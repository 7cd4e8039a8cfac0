package com.ncvault.storage;

/**
 * The SQL of the vault, shared by H2 and PostgreSQL: named parameters (#{name}) for SqlTemplate.
 * Statements that must return the changed row are wrapped with {@link Dialect#returning}.
 */
final class Sql {

  static final String FILE_BY_NAME = "SELECT * FROM files WHERE filename = #{filename}";
  static final String FILE_BY_NAME_FOR_UPDATE = FILE_BY_NAME + " FOR UPDATE";
  static final String FILE_BY_KEY = "SELECT filename, deleted FROM files WHERE name_key = #{key}";
  static final String ALL_FILES = "SELECT * FROM files";
  static final String FILE_KEYS = "SELECT filename, name_key FROM files";
  static final String SET_FILE_KEY = "UPDATE files SET name_key = #{key} WHERE filename = #{filename}";
  static final String COUNT_FILES = "SELECT COUNT(*) AS n FROM files";
  static final String FILES_FIRST_PAGE = "SELECT * FROM files ORDER BY filename LIMIT #{limit}";
  static final String FILES_NEXT_PAGE = "SELECT * FROM files WHERE filename > #{after} ORDER BY filename "
    + "LIMIT #{limit}";
  /** The files some change after #{since} (up to #{upto}) touched. */
  static final String CHANGED_FILES = "SELECT DISTINCT filename FROM activity WHERE seq > #{since} "
    + "AND seq <= #{upto} AND filename IS NOT NULL";

  static final String INSERT_FILE = "INSERT INTO files (filename, name_key, grp, description, current_revision, "
    + "size, sha256, created_at, modified_at, deleted) VALUES (#{filename}, #{key}, #{grp}, #{description}, "
    + "#{revision}, #{size}, #{sha256}, #{now}, #{now}, FALSE)";

  /** The checkout: wins only when the file exists, is not deleted and nobody holds it; #{lockId} names it. */
  static final String CHECKOUT = "UPDATE files SET locked_by = #{user}, locked_at = #{now}, "
    + "lock_message = #{message}, lock_id = #{lockId} WHERE filename = #{filename} AND deleted = FALSE AND locked_by IS NULL";

  static final String RELEASE = "UPDATE files SET locked_by = NULL, locked_at = NULL, lock_message = NULL, "
    + "lock_id = NULL "
    + "WHERE filename = #{filename} AND deleted = FALSE AND locked_by = #{holder}";

  static final String NEW_CONTENT = "UPDATE files SET current_revision = #{revision}, size = #{size}, "
    + "sha256 = #{sha256}, modified_at = #{now}, locked_by = #{lockedBy}, locked_at = #{lockedAt}, "
    + "lock_message = #{lockMessage}, lock_id = #{lockId} WHERE filename = #{filename}";

  /** A check-in makes a draft (the released revision, if any, stays released); an obsolete file stays obsolete. */
  static final String CHECKIN_STATE = "UPDATE files SET state = 'draft' WHERE filename = #{filename} "
    + "AND state <> 'obsolete'";

  /** A transition, only from the state it was decided for; #{released} is the released revision afterwards. */
  static final String SET_STATE = "UPDATE files SET state = #{to}, released_rev = #{released} "
    + "WHERE filename = #{filename} AND state = #{from} AND deleted = FALSE";
  static final String INSERT_TRANSITION = "INSERT INTO transitions (id, filename, from_state, to_state, revision, "
    + "sha256, username, created_at, comment, signed) VALUES (#{id}, #{filename}, #{from}, #{to}, #{revision}, "
    + "#{sha256}, #{user}, #{now}, #{comment}, #{signed})";
  static final String TRANSITIONS_OF = "SELECT * FROM transitions WHERE filename = #{filename} "
    + "ORDER BY created_at DESC, id";
  /** The newest release of a file's revision: who signed it and when. */
  static final String RELEASE_OF = "SELECT username, created_at FROM transitions WHERE filename = #{filename} "
    + "AND revision = #{revision} AND signed = TRUE ORDER BY created_at DESC LIMIT 1";
  /** The audit trail: transitions, new files and check-ins from #{from} to #{to}, oldest first. */
  /** The transfer columns of the lines that are not transfers (typed: PostgreSQL types a bare NULL as text). */
  private static final String NO_TRANSFER = ", CAST(NULL AS VARCHAR(64)) AS machine, CAST(NULL AS BIGINT) AS "
    + "finished_at, CAST(NULL AS BIGINT) AS bytes, CAST(NULL AS VARCHAR(16)) AS result";
  static final String AUDIT = "SELECT * FROM (SELECT created_at, 'transition' AS kind, filename, revision, sha256, "
    + "username, from_state, to_state, signed, comment" + NO_TRANSFER + " FROM transitions WHERE created_at >= #{from} "
    + "AND created_at < #{to} UNION ALL SELECT created_at, CASE WHEN major = 1 AND minor = 0 THEN 'create' "
    + "ELSE 'checkin' END AS kind, filename, revision, sha256, author AS username, NULL AS from_state, "
    + "NULL AS to_state, FALSE AS signed, message AS comment" + NO_TRANSFER + " FROM revisions WHERE created_at >= #{from} "
    + "AND created_at < #{to} UNION ALL SELECT started_at AS created_at, 'transfer' AS kind, filename, revision, sha256, "
    + "username, NULL AS from_state, NULL AS to_state, FALSE AS signed, reason AS comment, machine, finished_at, bytes, "
    + "status AS result FROM transfers WHERE started_at >= #{from} AND started_at < #{to}) a "
    + "ORDER BY created_at, filename, revision, kind LIMIT #{limit}";

  static final String DELETE = "UPDATE files SET deleted = TRUE "
    + "WHERE filename = #{filename} AND deleted = FALSE AND locked_by IS NULL";

  static final String RESTORE = "UPDATE files SET deleted = FALSE WHERE filename = #{filename} AND deleted = TRUE";

  static final String INSERT_REVISION = "INSERT INTO revisions (filename, revision, major, minor, author, "
    + "created_at, message, size, sha256) VALUES (#{filename}, #{revision}, #{major}, #{minor}, #{author}, "
    + "#{now}, #{message}, #{size}, #{sha256})";
  static final String REVISIONS_OF = "SELECT * FROM revisions WHERE filename = #{filename} "
    + "ORDER BY major DESC, minor DESC";
  static final String REVISION = "SELECT * FROM revisions WHERE filename = #{filename} AND revision = #{revision}";
  static final String REFERENCED_BLOBS = "SELECT sha256 FROM revisions UNION SELECT sha256 FROM lfs_objects";

  /** Takes the next #{count} seqs for one commit's events (the row lock serialises committers until commit). */
  static final String ADVANCE_SEQ = "UPDATE counters SET current_value = current_value + #{count} WHERE name = 'seq'";
  static final String LATEST_SEQ = "SELECT current_value FROM counters WHERE name = 'seq'";
  static final String OLDEST_SEQ = "SELECT MIN(seq) AS oldest FROM activity";
  static final String INSERT_ACTIVITY = "INSERT INTO activity (seq, event_type, filename, username, created_at, "
    + "revision, message, event_json) VALUES (#{seq}, #{type}, #{filename}, #{user}, #{now}, #{revision}, "
    + "#{message}, #{json})";
  static final String TRIM_ACTIVITY = "DELETE FROM activity WHERE seq <= #{cutoff}";
  static final String EVENTS_SINCE = "SELECT event_json FROM activity WHERE seq > #{since} ORDER BY seq "
    + "LIMIT #{limit}";
  /** The events only admins may read ({@code EventTypes.isUserAdministration}), as an SQL condition. */
  static final String NOT_USER_ADMINISTRATION = "event_type NOT IN ('user_created', 'user_changed', 'user_deleted')";
  static final String EVENTS_SINCE_WITHOUT_USER_ADMINISTRATION = "SELECT event_json FROM activity WHERE seq > #{since} AND "
    + NOT_USER_ADMINISTRATION + " ORDER BY seq LIMIT #{limit}";
  static final String ACTIVITY = "SELECT seq, event_type, filename, username, created_at, revision, message "
    + "FROM activity";
  static final String ACTIVITY_PAGE = " ORDER BY seq DESC LIMIT #{limit} OFFSET #{offset}";

  static final String ACTIVE_CHECKOUTS = "SELECT filename, locked_by, locked_at, lock_message FROM files "
    + "WHERE locked_by IS NOT NULL AND deleted = FALSE ORDER BY locked_at, filename";
  static final String FILE_COUNTS = "SELECT COUNT(*) AS total, "
    + "SUM(CASE WHEN deleted THEN 1 ELSE 0 END) AS deleted_count, "
    + "SUM(CASE WHEN locked_by IS NOT NULL THEN 1 ELSE 0 END) AS locked_count FROM files";
  static final String COUNT_REVISIONS = "SELECT COUNT(*) AS n FROM revisions";
  static final String CHECKIN_TIMES = "SELECT created_at FROM revisions WHERE created_at >= #{since} "
    + "AND NOT (major = 1 AND minor = 0)";

  static final String USER = "SELECT * FROM users WHERE username = #{username}";
  static final String USER_FOR_UPDATE = USER + " FOR UPDATE";
  static final String ALL_USERS = "SELECT * FROM users ORDER BY username";
  static final String COUNT_USERS = "SELECT COUNT(*) AS n FROM users";
  /** Locks every admin row, so that two concurrent demotions cannot remove the last admin. */
  static final String ADMINS_FOR_UPDATE = "SELECT username FROM users WHERE role = 'admin' FOR UPDATE";
  static final String INSERT_USER = "INSERT INTO users (username, password_hash, role, created_at, account_id) "
    + "VALUES (#{username}, #{hash}, #{role}, #{now}, #{id})";
  static final String UPDATE_ROLE = "UPDATE users SET role = #{role} WHERE username = #{username}";
  static final String UPDATE_PASSWORD = "UPDATE users SET password_hash = #{hash}, sessions_since = #{now} "
    + "WHERE username = #{username}";
  static final String DELETE_USER = "DELETE FROM users WHERE username = #{username}";
  static final String DELETE_USER_WATCHES = "DELETE FROM watches WHERE username = #{username}";
  static final String DELETE_USER_NOTICES = "DELETE FROM notices WHERE username = #{username}";

  static final String PING = "SELECT 1 AS ok";

  static final String LOCATIONS_OF_NODE = "SELECT sha256 FROM blob_locations WHERE node = #{node}";
  static final String DELETE_LOCATION = "DELETE FROM blob_locations WHERE sha256 = #{sha256} AND node = #{node}";
  /**
   * Other nodes holding a blob, the most recently seen first (the likeliest to answer); a
   * decommissioned node is never asked.
   */
  static final String HOLDERS = "SELECT n.name, n.base_url, n.last_seen FROM blob_locations l "
    + "JOIN nodes n ON n.name = l.node WHERE l.sha256 = #{sha256} AND l.node <> #{node} "
    + "AND n.decommissioned_at IS NULL ORDER BY n.last_seen DESC, n.name";
  /** Copies on decommissioned nodes are not counted: they are not served. */
  static final String REPLICAS_OF_FILE = "SELECT sha256, node FROM blob_locations l WHERE sha256 IN "
    + "(SELECT sha256 FROM revisions WHERE filename = #{filename}) AND NOT EXISTS (SELECT 1 FROM nodes n "
    + "WHERE n.name = l.node AND n.decommissioned_at IS NOT NULL) ORDER BY node";
  /** Content some revision refers to that this node does not hold, with its size. */
  static final String MISSING_HERE = "SELECT sha256, MAX(size) AS size FROM revisions r WHERE NOT EXISTS "
    + "(SELECT 1 FROM blob_locations l WHERE l.sha256 = r.sha256 AND l.node = #{node}) GROUP BY sha256";
  /**
   * The contents each node holds that a revision refers to, counted in one pass (a per-node
   * subquery with IN made H2 rebuild the set of contents for every location: minutes at 10,000).
   */
  private static final String NODES_WITH_BLOBS = "SELECT n.name, n.base_url, n.last_seen, n.decommissioned_at, "
    + "COALESCE(c.blobs, 0) AS blobs FROM nodes n LEFT JOIN (SELECT l.node, COUNT(*) AS blobs "
    + "FROM (SELECT DISTINCT sha256 FROM revisions) r JOIN blob_locations l ON l.sha256 = r.sha256 "
    + "GROUP BY l.node) c ON c.node = n.name";
  static final String ALL_NODES = NODES_WITH_BLOBS + " ORDER BY n.name";
  static final String NODE = NODES_WITH_BLOBS + " WHERE n.name = #{name}";
  /** Content a revision refers to that #{name} holds and no other node in service does. */
  static final String ONLY_COPIES_ON = "SELECT COUNT(DISTINCT r.sha256) AS n FROM revisions r WHERE EXISTS "
    + "(SELECT 1 FROM blob_locations l WHERE l.sha256 = r.sha256 AND l.node = #{name}) AND NOT EXISTS "
    + "(SELECT 1 FROM blob_locations l JOIN nodes n ON n.name = l.node WHERE l.sha256 = r.sha256 "
    + "AND l.node <> #{name} AND n.decommissioned_at IS NULL)";
  static final String DECOMMISSION_NODE = "UPDATE nodes SET decommissioned_at = #{now}, decommissioned_by = #{actor} "
    + "WHERE name = #{name} AND decommissioned_at IS NULL";
  static final String REINSTATE_NODE = "UPDATE nodes SET decommissioned_at = NULL, decommissioned_by = NULL "
    + "WHERE name = #{name} AND decommissioned_at IS NOT NULL";
  /** Nodes in service that hold a blob. */
  static final String COPIES = "SELECT COUNT(*) AS n FROM blob_locations l JOIN nodes n ON n.name = l.node "
    + "WHERE l.sha256 = #{sha256} AND n.decommissioned_at IS NULL";
  /** Contents a revision refers to that at most one node in service holds. */
  static final String SINGLE_COPIES = "SELECT COUNT(*) AS n FROM (SELECT DISTINCT sha256 FROM revisions) r WHERE "
    + "(SELECT COUNT(*) FROM blob_locations l JOIN nodes n ON n.name = l.node WHERE l.sha256 = r.sha256 "
    + "AND n.decommissioned_at IS NULL) < 2";
  /** Serialises decommissions (see NodeRegistry#decommission). */
  static final String LOCK_NODES = "SELECT name FROM nodes ORDER BY name FOR UPDATE";
  static final String DECOMMISSIONED = "SELECT decommissioned_at, decommissioned_by FROM nodes WHERE name = #{name}";
  static final String COUNT_CONTENTS = "SELECT COUNT(DISTINCT sha256) AS n FROM revisions";

  /** The files with one of {@code count} names #{n0}, #{n1}, ... (see {@link #names}). */
  static String filesNamed(int count) {
    StringBuilder sql = new StringBuilder("SELECT * FROM files WHERE filename IN (");
    for (int i = 0; i < count; i++) {
      sql.append(i == 0 ? "" : ", ").append("#{n").append(i).append('}');
    }
    return sql.append(')').toString();
  }

  /** The parameters of {@link #filesNamed}. */
  static java.util.Map<String, Object> names(java.util.List<String> names) {
    java.util.Map<String, Object> params = new java.util.HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      params.put("n" + i, names.get(i));
    }
    return params;
  }

  static final String FACTS_OF = "SELECT is_binary, rapid_rate, facts_json FROM program_facts WHERE sha256 = #{sha256}";
  static final String DELETE_FACTS = "DELETE FROM program_facts WHERE sha256 = #{sha256}";
  static final String INSERT_FACTS = "INSERT INTO program_facts (sha256, is_binary, tools, min_x, min_y, min_z, "
    + "max_x, max_y, max_z, estimated_seconds, rapid_rate, facts_json, computed_at) VALUES (#{sha256}, #{binary}, "
    + "#{tools}, #{minX}, #{minY}, #{minZ}, #{maxX}, #{maxY}, #{maxZ}, #{seconds}, #{rate}, #{json}, #{now})";
  /** Content without facts, or with facts of another rapid rate, the most recently stored first. */
  static final String FACTS_MISSING = "SELECT r.sha256, MAX(r.size) AS size, MAX(r.created_at) AS newest "
    + "FROM revisions r WHERE NOT EXISTS (SELECT 1 FROM program_facts p WHERE p.sha256 = r.sha256 "
    + "AND (p.is_binary = TRUE OR p.rapid_rate = #{rate})) GROUP BY r.sha256 ORDER BY newest DESC";
  /** The list's facts filter: this, then a condition per given field (a NULL length passes none). */
  static final String FACTS_MATCHING = "SELECT sha256 FROM program_facts WHERE is_binary = FALSE";
  static final String FACTS_WITH_TOOL = " AND tools LIKE #{tool}";

  /** " AND max_x - min_x >= #{minX}": the length along an axis against the parameter {@code param + axis}. */
  static String factsLength(char axis, String comparison, String param) {
    String a = String.valueOf(Character.toLowerCase(axis));
    return " AND max_" + a + " - min_" + a + " " + comparison + " #{" + param + axis + "}";
  }

  private Sql() {
  }
}
