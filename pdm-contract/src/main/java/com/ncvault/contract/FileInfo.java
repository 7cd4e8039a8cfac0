package com.ncvault.contract;

/**
 * One file of the vault as the API and the events show it. Times are ISO-8601 UTC strings.
 * {@code status} is "unlocked" or "locked"; the lock fields are null when unlocked.
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
  String lockMessage) {

  public static final String UNLOCKED = "unlocked";
  public static final String LOCKED = "locked";
}
