package com.ncvault.contract;

/**
 * The names of the storage operations on {@link Addresses#STORAGE} (header
 * {@link Addresses#HEADER_ACTION}): one per method of {@link StorageApi}, which documents each
 * operation's request, reply and refusals. The TCP bridge's clients name their read-only requests
 * with the same names ({@link StorageJson} gives their JSON shapes).
 */
public final class StorageActions {

  /** {@link StorageApi#listFiles}. */
  public static final String FILES_LIST = "files.list";
  /** {@link StorageApi#getFile}. */
  public static final String FILES_GET = "files.get";
  /** {@link StorageApi#createFile}. */
  public static final String FILES_CREATE = "files.create";
  /** {@link StorageApi#admitUpload}. */
  public static final String FILES_ADMIT = "files.admit";
  /** {@link StorageApi#checkout}. */
  public static final String FILES_CHECKOUT = "files.checkout";
  /** {@link StorageApi#checkin}. */
  public static final String FILES_CHECKIN = "files.checkin";
  /** {@link StorageApi#cancelCheckout}. */
  public static final String FILES_CANCEL = "files.cancel";
  /** {@link StorageApi#overrideLock}. */
  public static final String FILES_OVERRIDE = "files.override";
  /** {@link StorageApi#deleteFile}. */
  public static final String FILES_DELETE = "files.delete";
  /** {@link StorageApi#restoreFile}. */
  public static final String FILES_RESTORE = "files.restore";
  /** {@link StorageApi#history}. */
  public static final String FILES_HISTORY = "files.history";
  /** {@link StorageApi#content}. */
  public static final String FILES_CONTENT = "files.content";
  /** {@link StorageApi#diff}. */
  public static final String FILES_DIFF = "files.diff";
  /** {@link StorageApi#programFacts}. */
  public static final String FILES_PROGRAM = "files.program";
  /** {@link StorageApi#transition}. */
  public static final String FILES_TRANSITION = "files.transition";
  /** {@link StorageApi#releasedRevision}. */
  public static final String FILES_RELEASED = "files.released";
  /** {@link StorageApi#audit}. */
  public static final String AUDIT_EXPORT = "audit.export";

  /** {@link StorageApi#dashboard}. */
  public static final String DASHBOARD_STATS = "dashboard.stats";
  /** {@link StorageApi#activity}. */
  public static final String ACTIVITY_LIST = "activity.list";
  /** {@link StorageApi#eventsSince}. */
  public static final String EVENTS_SINCE = "events.since";
  /** {@link StorageApi#latestSeq}. */
  public static final String EVENTS_LATEST = "events.latest";

  /** {@link StorageApi#watches}. */
  public static final String WATCHES_LIST = "watches.list";
  /** {@link StorageApi#watch}. */
  public static final String WATCHES_ADD = "watches.add";
  /** {@link StorageApi#unwatch}. */
  public static final String WATCHES_REMOVE = "watches.remove";
  /** {@link StorageApi#notices}. */
  public static final String NOTICES_LIST = "notices.list";
  /** {@link StorageApi#readNotices}. */
  public static final String NOTICES_READ = "notices.read";
  /** {@link StorageApi#sendNotice}. */
  public static final String NOTICES_SEND = "notices.send";

  /** {@link StorageApi#authenticate}. */
  public static final String USERS_AUTHENTICATE = "users.authenticate";
  /** {@link StorageApi#account}. */
  public static final String USERS_GET = "users.get";
  /** {@link StorageApi#listUsers}. */
  public static final String USERS_LIST = "users.list";
  /** {@link StorageApi#createUser}. */
  public static final String USERS_CREATE = "users.create";
  /** {@link StorageApi#changeRole}. */
  public static final String USERS_UPDATE = "users.update";
  /** {@link StorageApi#setPassword}. */
  public static final String USERS_PASSWORD = "users.password";
  /** {@link StorageApi#deleteUser}. */
  public static final String USERS_DELETE = "users.delete";

  /** {@link StorageApi#lfsObjects}. */
  public static final String LFS_OBJECTS = "lfs.objects";
  /** {@link StorageApi#storeLfsObject}. */
  public static final String LFS_STORE = "lfs.store";

  /** {@link StorageApi#localBlob}. */
  public static final String BLOBS_LOCAL = "blobs.local";
  /** {@link StorageApi#nodes}. */
  public static final String NODES_LIST = "nodes.list";
  /** {@link StorageApi#decommissionNode}. */
  public static final String NODES_DECOMMISSION = "nodes.decommission";
  /** {@link StorageApi#reinstateNode}. */
  public static final String NODES_REINSTATE = "nodes.reinstate";
  /** {@link StorageApi#awaitCopies}. */
  public static final String BLOBS_COPIES = "blobs.copies";
  /** {@link StorageApi#replicationState}. */
  public static final String REPLICATION_STATE = "replication.state";
  /** {@link StorageApi#health}. */
  public static final String HEALTH = "health";

  private StorageActions() {
  }
}
