package com.ncvault.storage;

import com.ncvault.contract.FileInfo;
import io.vertx.core.json.JsonObject;
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
  String lockMessage,
  String lockId,
  String state,
  String releasedRevision) {

  public boolean locked() {
    return lockedBy != null;
  }

  public FileInfo toInfo() {
    return new FileInfo(filename, group, description, revision, size, sha256, iso(createdAt), iso(modifiedAt),
      deleted, locked() ? FileInfo.LOCKED : FileInfo.UNLOCKED, lockedBy, lockedAt == null ? null : iso(lockedAt),
      lockMessage, lockId, state, releasedRevision);
  }

  /** The FileInfo JSON, the same as {@code JsonObject.mapFrom(toInfo())}, built without reflection. */
  public JsonObject toJson() {
    return new JsonObject()
      .put("filename", filename)
      .put("group", group)
      .put("description", description)
      .put("revision", revision)
      .put("size", size)
      .put("sha256", sha256)
      .put("createdAt", iso(createdAt))
      .put("modifiedAt", iso(modifiedAt))
      .put("deleted", deleted)
      .put("status", locked() ? FileInfo.LOCKED : FileInfo.UNLOCKED)
      .put("lockedBy", lockedBy)
      .put("lockedAt", lockedAt == null ? null : iso(lockedAt))
      .put("lockMessage", lockMessage)
      .put("lockId", lockId)
      .put("state", state)
      .put("releasedRevision", releasedRevision);
  }

  static String iso(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }
}
