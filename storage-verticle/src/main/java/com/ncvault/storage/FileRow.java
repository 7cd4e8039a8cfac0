package com.ncvault.storage;

import com.ncvault.contract.FileInfo;
import java.time.Instant;

/** One row of the files table, times in epoch milliseconds. */
public record FileRow(
  String filename,
  String group,
  String description,
  String revision,
  long size,
  String sha256,
  long createdAt,
  long modifiedAt,
  boolean deleted,
  String lockedBy,
  Long lockedAt,
  String lockMessage) {

  public boolean locked() {
    return lockedBy != null;
  }

  public FileInfo toInfo() {
    return new FileInfo(filename, group, description, revision, size, sha256, iso(createdAt), iso(modifiedAt),
      deleted, locked() ? FileInfo.LOCKED : FileInfo.UNLOCKED, lockedBy, lockedAt == null ? null : iso(lockedAt),
      lockMessage);
  }

  static String iso(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }
}
