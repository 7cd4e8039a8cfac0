package com.ncvault.contract;

/**
 * One file of the vault as the API and the events show it. Times are ISO-8601 UTC strings.
 * {@code status} is "unlocked" or "locked"; the lock fields are null when unlocked. {@code lockId}
 * names the checkout that holds the lock: a new one for every checkout, kept by a check-in that keeps
 * the file locked. A check-in that sends it is refused once that checkout has ended. It is a fencing
 * token, not a secret: only the holder's own session can check in with it. {@code state} is the
 * file's lifecycle state ({@link Lifecycle}); {@code releasedRevision} the one released revision, or
 * null when none is (a check-in after release makes a draft while the released revision stays).
 */
public record FileInfo(
  String filename,
  String group,
  String description,
  String revision,
  long size,
  String sha256,
  String createdAt,
  String modifiedAt,
  boolean deleted,
  String status,
  String lockedBy,
  String lockedAt,
  String lockMessage,
  String lockId,
  String state,
  String releasedRevision) {

  public static final String UNLOCKED = "unlocked";
  public static final String LOCKED = "locked";
}
