package com.ncvault.contract;

/**
 * The operations of {@link Addresses#STORAGE}. Request fields are named in each comment; the
 * acting user is always {@code user} (a username) and {@code role} where the operation depends on
 * it. Replies are JSON objects as named.
 */
public final class StorageActions {

  /** {q?, status?, includeDeleted?} -> {groups: {group: [FileInfo]}, seq}. */
  public static final String FILES_LIST = "files.list";
  /** {filename} -> FileInfo. */
  public static final String FILES_GET = "files.get";
  /** {filename, description, user, staged: StagedUpload} -> FileInfo (revision 1.0). */
  public static final String FILES_CREATE = "files.create";
  /** {filename, user, message?} -> FileInfo. 409 file_locked with details {lockedBy, lockedAt}. */
  public static final String FILES_CHECKOUT = "files.checkout";
  /** {filename, user, message, major?, keepLocked?, staged: StagedUpload} -> FileInfo. */
  public static final String FILES_CHECKIN = "files.checkin";
  /** {filename, user} -> FileInfo. */
  public static final String FILES_CANCEL = "files.cancel";
  /** {filename, user, reason} (admin) -> FileInfo. */
  public static final String FILES_OVERRIDE = "files.override";
  /** {filename, user} (admin) -> FileInfo. */
  public static final String FILES_DELETE = "files.delete";
  /** {filename, user} (admin) -> FileInfo. */
  public static final String FILES_RESTORE = "files.restore";
  /** {filename} -> {filename, revisions: [RevisionInfo], newest first}. */
  public static final String FILES_HISTORY = "files.history";
  /** {filename, rev?} -> BlobLocation of that revision (current when rev is absent). */
  public static final String FILES_CONTENT = "files.content";
  /** {filename, from, to} -> {filename, from, to, diff: unified diff text}; 415 for binary content. */
  public static final String FILES_DIFF = "files.diff";

  /** {staleSeconds?} -> {active_checkouts: [...], totals...}. */
  public static final String DASHBOARD_STATS = "dashboard.stats";
  /** {limit?, offset?, user?, type?} -> {activities: [...]} newest first. */
  public static final String ACTIVITY_LIST = "activity.list";
  /** {since, limit?} -> {events: [DomainEvent] oldest first, latestSeq, oldestSeq}. */
  public static final String EVENTS_SINCE = "events.since";
  /** {} -> {seq}: the latest committed seq. */
  public static final String EVENTS_LATEST = "events.latest";

  /** {username, password} -> UserInfo; 401 on a wrong name or password. */
  public static final String USERS_AUTHENTICATE = "users.authenticate";
  /** {username} -> UserInfo. */
  public static final String USERS_GET = "users.get";
  /** {} -> {users: [UserInfo]}. */
  public static final String USERS_LIST = "users.list";
  /** {username, password, role, user} -> UserInfo. */
  public static final String USERS_CREATE = "users.create";
  /** {username, role, user} -> UserInfo. */
  public static final String USERS_UPDATE = "users.update";
  /** {username, password, user} -> UserInfo. */
  public static final String USERS_PASSWORD = "users.password";
  /** {username, user} -> {}. */
  public static final String USERS_DELETE = "users.delete";

  /** {} -> {database: "up"|"down", blobStore: "up"|"down", details...}. */
  public static final String HEALTH = "health";

  private StorageActions() {
  }
}
