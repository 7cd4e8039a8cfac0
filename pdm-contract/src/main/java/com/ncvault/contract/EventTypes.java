package com.ncvault.contract;

/** The values of {@link DomainEvent#type()} (the activity log's {@code event_type}). */
public final class EventTypes {
  public static final String CREATE = "create";
  public static final String CHECKOUT = "checkout";
  public static final String CHECKIN = "checkin";
  public static final String CANCEL = "cancel";
  public static final String OVERRIDE = "override";
  public static final String DELETE = "delete";
  public static final String RESTORE = "restore";
  /** A lifecycle transition (details: from, to, signed, sha256); a release is signed. */
  public static final String TRANSITION = "transition";
  public static final String USER_CREATED = "user_created";
  public static final String USER_CHANGED = "user_changed";
  public static final String USER_DELETED = "user_deleted";

  private EventTypes() {
  }

  /**
   * True for the events of user administration, which only admins may read (the user list is
   * theirs): in the event log, the activity feed and the live connection.
   */
  public static boolean isUserAdministration(String type) {
    return USER_CREATED.equals(type) || USER_CHANGED.equals(type) || USER_DELETED.equals(type);
  }
}
