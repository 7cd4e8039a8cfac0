package com.ncvault.contract;

/**
 * The operations of {@link Addresses#STORAGE}. Request fields are named in each comment; the
 * acting user is always {@code user} (a username) and {@code role} where the operation depends on
 * it. Replies are JSON objects as named.
 */
public final class StorageActions {

  /**
   * {q?, status?, user?, includeDeleted?} -> {groups: {group: [FileInfo]}, seq}. status is locked,
   * unlocked, mine (needs user) or deleted; deleted files only appear with status=deleted (or
   * includeDeleted). seq is read before the list, so the list is never older than seq.
   */
  public static final String FILES_LIST = "files.list";
  /** {filename} -> FileInfo. */
  public static final String FILES_GET = "files.get";
  /**
   * {filename, description?, message?, user, role?, staged: StagedUpload} -> FileInfo (revision 1.0).
   * 400 invalid_filename; 409 already_exists (also for a name differing only in case, or a deleted
   * file of that name). The staged file is always consumed or deleted.
   */
  public static final String FILES_CREATE = "files.create";
  /**
   * {filename, user, role?, message?} -> FileInfo. 404 unknown or deleted; 409 file_locked
   * "File is already locked by X" with details {lockedBy, lockedAt}.
   */
  public static final String FILES_CHECKOUT = "files.checkout";
  /**
   * {filename, user, role?, message, major?, keepLocked?, staged: StagedUpload} -> FileInfo at the
   * new revision (minor + 1, or major + 1 with minor 0). 409 not_lock_holder unless the user holds
   * the lock; 400 without a message. Releases the lock unless keepLocked.
   */
  public static final String FILES_CHECKIN = "files.checkin";
  /** {filename, user} -> FileInfo. 409 not_lock_holder unless the user holds the lock. */
  public static final String FILES_CANCEL = "files.cancel";
  /**
   * {filename, user, role, reason} (admin) -> FileInfo. Admin operations check the role in the
   * request and the user's stored role (403 otherwise). 400 without a reason, 409 conflict when
   * the file is not checked out. The event's details are {formerHolder, reason}; a Notification
   * of kind "override" goes to the former holder on {@link Addresses#NOTIFY}.
   */
  public static final String FILES_OVERRIDE = "files.override";
  /** {filename, user, role} (admin) -> FileInfo. Soft delete; 409 file_locked while checked out. */
  public static final String FILES_DELETE = "files.delete";
  /** {filename, user, role} (admin) -> FileInfo. 404 unless the file is deleted. */
  public static final String FILES_RESTORE = "files.restore";
  /**
   * {filename, replicas?} -> {filename, revisions: [RevisionInfo], newest first}. With replicas=true
   * (the api sets it for admins) each revision also carries {@code replicas}: the names of the
   * nodes whose blob store holds its content, sorted.
   */
  public static final String FILES_HISTORY = "files.history";
  /**
   * {filename, rev?} -> BlobLocation of that revision (current when rev is absent). 404 for an
   * unknown revision. Content this node lacks is first fetched from a node that holds it (checked
   * against its SHA-256 and kept); 503 when no node can provide it.
   */
  public static final String FILES_CONTENT = "files.content";
  /**
   * {filename, from, to} -> {filename, from, to, diff: unified diff text, headers
   * "a/FILE@from" and "b/FILE@to", 3 lines of context}; 415 for binary content, 413 above 20 MB.
   */
  public static final String FILES_DIFF = "files.diff";

  /**
   * {staleSeconds?} -> {active_checkouts: [{filename, locked_by, locked_at, duration_seconds,
   * lock_message, stale}] longest first, total_files, locked_files, deleted_files, total_revisions,
   * users, checkins_per_day: [{day, count}] (30 days, oldest first), locks_per_user: [{user, count}],
   * stale_lock_seconds}.
   */
  public static final String DASHBOARD_STATS = "dashboard.stats";
  /**
   * {limit? (50, at most 500), offset?, user?, type?} -> {activities: [{seq, event_type, filename,
   * user, timestamp, revision, message}]} newest first.
   */
  public static final String ACTIVITY_LIST = "activity.list";
  /**
   * {since, limit? (1000, at most 10000)} -> {events: [DomainEvent] oldest first, latestSeq,
   * oldestSeq, truncated}. truncated is true when events after since were already dropped by
   * eventRetention (since < oldestSeq - 1): the caller needs a full snapshot.
   */
  public static final String EVENTS_SINCE = "events.since";
  /** {} -> {seq}: the latest committed seq. */
  public static final String EVENTS_LATEST = "events.latest";

  /** {username, password} -> UserInfo; 401 on a wrong name or password. */
  public static final String USERS_AUTHENTICATE = "users.authenticate";
  /** {username} -> UserInfo plus {@code sessionsSince} (epoch ms; tokens issued before it are no longer good). */
  public static final String USERS_GET = "users.get";
  /** {} -> {users: [UserInfo]}. */
  public static final String USERS_LIST = "users.list";
  /**
   * {username, password, role, user} -> UserInfo. User management is admin only: the caller
   * {@code user} must be an admin in the users table (403). 400 for a username outside
   * ^[a-z0-9_.-]{1,32}$, an unknown role or a password under 8 characters; 409 already_exists.
   */
  public static final String USERS_CREATE = "users.create";
  /** {username, role, user} (admin) -> UserInfo. 409 when it would leave no admin. */
  public static final String USERS_UPDATE = "users.update";
  /** {username, password, user} (admin) -> UserInfo. */
  public static final String USERS_PASSWORD = "users.password";
  /** {username, user} (admin) -> {}. 409 for yourself or the last admin. */
  public static final String USERS_DELETE = "users.delete";

  /**
   * {sha256} -> {sha256, path, size}: a blob of THIS node's store, for sending it to another node
   * (never fetched from elsewhere). 400 for a malformed SHA-256; 404 when this node does not hold it.
   */
  public static final String BLOBS_LOCAL = "blobs.local";
  /**
   * {} -> {self, blobs: distinct contents referenced by revisions, nodes: [{name, internalUrl,
   * lastSeen, blobs: how many of them the node holds}] sorted by name}: the replication state of
   * the cluster for admins.
   */
  public static final String NODES_LIST = "nodes.list";

  /**
   * {} -> {database: "up"|"down", blobStore: "up"|"down", dbKind}. When one is down the reply is a
   * 503 unavailable failure whose details carry the same fields.
   */
  public static final String HEALTH = "health";

  private StorageActions() {
  }
}
