package com.ncvault.contract;

/**
 * The {@code type} of every JSON message on /ws. docs/protocol.md shows each with an example.
 * Server to client messages carry {@code {type, seq?, payload}}; client to server ones
 * {@code {type, payload?}} (or the bare text frame {@link #PING_TEXT}).
 */
public final class WsMessageTypes {

  /** Server: the whole file list (the body of GET /api/files); {@code seq} = the seq it reflects. */
  public static final String FILE_LIST_UPDATED = "FILE_LIST_UPDATED";
  /** Server, proto 2: a file was created. */
  public static final String FILE_ADDED = "FILE_ADDED";
  /** Server, proto 2: a file was checked out. */
  public static final String FILE_LOCKED = "FILE_LOCKED";
  /** Server, proto 2: a check-in added a revision ({@code payload.revision}). */
  public static final String REVISION_ADDED = "REVISION_ADDED";
  /** Server, proto 2: a lock was released; {@code payload.reason} is one of the UNLOCK_ constants. */
  public static final String FILE_UNLOCKED = "FILE_UNLOCKED";
  /** Server, proto 2: a file was deleted (admin). */
  public static final String FILE_DELETED = "FILE_DELETED";
  /** Server, proto 2: a deleted file was restored (admin). */
  public static final String FILE_RESTORED = "FILE_RESTORED";
  /** Server, proto 2: a lifecycle transition; the delta's payload plus {@code from} and {@code to}. */
  public static final String FILE_STATE_CHANGED = "FILE_STATE_CHANGED";
  /** Server, proto 2: the activity entry of a seq; always the last message of its seq. */
  public static final String ACTIVITY = "ACTIVITY";
  /**
   * Server, proto 3: everything of one seq in one message: the activity entry's fields, the
   * {@code changes} (the proto-2 delta types, in order), the file after the change and, for an
   * unlock, its {@code reason} (and {@code formerHolder}).
   */
  public static final String EVENT = "EVENT";
  /** Server: who is online and on which node. */
  public static final String PRESENCE = "PRESENCE";
  /** Server: a notification for this user ({@link Notification} without {@code to}). */
  public static final String NOTIFY = "NOTIFY";
  /** Server: the answer to a ping. */
  public static final String PONG = "PONG";
  /**
   * Server: a watch of this user was added or removed (by WATCH / UNWATCH or the REST api, on any of
   * the user's pages).
   */
  public static final String WATCHING = "WATCHING";
  /** Server: notices of this user were read; {@code payload.unread} is the unread count left. */
  public static final String INBOX = "INBOX";
  /** Server: a client frame was not understood; the connection stays open. */
  public static final String ERROR = "ERROR";

  /** Client: keep-alive, answered with PONG. */
  public static final String PING = "PING";
  /** Client: the seed's keep-alive, a bare text frame. */
  public static final String PING_TEXT = "ping";
  /** Client: tell me when {@code payload.filename} becomes free. */
  public static final String WATCH = "WATCH";
  /** Client: stop watching {@code payload.filename}. */
  public static final String UNWATCH = "UNWATCH";

  /** {@code FILE_UNLOCKED} reasons. */
  public static final String UNLOCK_CHECKIN = "checkin";
  public static final String UNLOCK_CANCEL = "cancel";
  public static final String UNLOCK_OVERRIDE = "override";

  /** {@link Notification#kind()} values. */
  public static final String NOTIFY_MESSAGE = "message";
  public static final String NOTIFY_OVERRIDE = "override";
  public static final String NOTIFY_FREE = "free";

  private WsMessageTypes() {
  }
}
