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
  /** A machine was registered, changed or deleted: details {machine, change: created|changed|deleted}. */
  public static final String MACHINE_CHANGED = "machine_changed";
  /** A file's machines changed: details {machines}. */
  public static final String MACHINES_ASSIGNED = "machines_assigned";
  /** A transfer to a machine: details {transfer} (a MachineStore.TransferRecord without secrets). */
  public static final String TRANSFER_STARTED = "transfer_started";
  /** A transfer tries again: details {transfer, attempt, lastFailure}. */
  public static final String TRANSFER_ATTEMPT = "transfer_attempt";
  /** A transfer ended, succeeded or failed: details {transfer}. */
  public static final String TRANSFER_FINISHED = "transfer_finished";
  /** A program came back from a machine into the import queue: details {item}. */
  public static final String IMPORT_RECEIVED = "import_received";
  /** An import was accepted (a new revision) or rejected: details {item}. */
  public static final String IMPORT_DECIDED = "import_decided";

  private EventTypes() {
  }

  /** True for the events of machines, transfers and the import queue: they change no file. */
  public static boolean isMachine(String type) {
    return MACHINE_CHANGED.equals(type) || MACHINES_ASSIGNED.equals(type) || TRANSFER_STARTED.equals(type)
      || TRANSFER_ATTEMPT.equals(type) || TRANSFER_FINISHED.equals(type) || IMPORT_RECEIVED.equals(type)
      || IMPORT_DECIDED.equals(type);
  }

  /**
   * True for the events of user administration, which only admins may read (the user list is
   * theirs): in the event log, the activity feed and the live connection.
   */
  public static boolean isUserAdministration(String type) {
    return USER_CREATED.equals(type) || USER_CHANGED.equals(type) || USER_DELETED.equals(type);
  }
}
