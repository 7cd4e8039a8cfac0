package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Why an operation on a file's lock is refused, given the file's current row (null when there is
 * no such file). The database decides who wins with a conditional update; these rules only explain
 * a refusal, or confirm a precondition before content is stored.
 */
public final class LockRules {

  /** A checkout that did not update a row: unknown, deleted or held by someone. Empty = free now. */
  public static Optional<PdmError> checkoutRefusal(String filename, FileRow row) {
    if (row == null || row.deleted()) {
      return Optional.of(notFound(filename));
    }
    if (row.locked()) {
      return Optional.of(lockedBy(row));
    }
    return Optional.empty();
  }

  /** Check-in and cancel: only the holder of the lock may. */
  public static Optional<PdmError> holderRefusal(String filename, FileRow row, String user) {
    if (row == null || row.deleted()) {
      return Optional.of(notFound(filename));
    }
    if (!row.locked()) {
      return Optional.of(new PdmError(ErrorCode.NOT_LOCK_HOLDER, "File " + filename + " is not checked out"));
    }
    if (!row.lockedBy().equals(user)) {
      return Optional.of(new PdmError(ErrorCode.NOT_LOCK_HOLDER,
        "File " + filename + " is checked out by " + row.lockedBy() + ", not by you", holderDetails(row)));
    }
    return Optional.empty();
  }

  /**
   * Check-in: only the holder of the lock, and when the check-in names the lock it was prepared
   * under ({@code lockId} not null), only while that very lock lasts. A lock that ended (overridden,
   * cancelled, checked in) is refused with lock_ended even when the same user holds a new one:
   * otherwise an upload prepared before would land on top of the revisions committed since.
   */
  public static Optional<PdmError> checkinRefusal(String filename, FileRow row, String user, String lockId) {
    if (row == null || row.deleted()) {
      return Optional.of(notFound(filename));
    }
    if (lockId != null && !lockId.equals(row.lockId())) {
      return Optional.of(new PdmError(ErrorCode.LOCK_ENDED, "The checkout of " + filename + " this upload was "
        + "prepared under has ended (it was overridden, cancelled or checked in); the file is at revision "
        + row.revision() + " now. Check it out again and apply your changes to that revision.",
        new JsonObject().put("revision", row.revision()).put("lockedBy", row.lockedBy())));
    }
    return holderRefusal(filename, row, user);
  }

  /** Override needs a lock to break. */
  public static Optional<PdmError> overrideRefusal(String filename, FileRow row) {
    if (row == null || row.deleted()) {
      return Optional.of(notFound(filename));
    }
    if (!row.locked()) {
      return Optional.of(new PdmError(ErrorCode.CONFLICT, "File " + filename + " is not checked out"));
    }
    return Optional.empty();
  }

  /** Delete is refused while someone holds the lock. */
  public static Optional<PdmError> deleteRefusal(String filename, FileRow row) {
    if (row == null || row.deleted()) {
      return Optional.of(notFound(filename));
    }
    if (row.locked()) {
      return Optional.of(new PdmError(ErrorCode.FILE_LOCKED, "File " + filename + " is checked out by "
        + row.lockedBy() + "; cancel or override the checkout before deleting", holderDetails(row)));
    }
    return Optional.empty();
  }

  /** Restore needs a deleted file. */
  public static Optional<PdmError> restoreRefusal(String filename, FileRow row) {
    if (row == null || !row.deleted()) {
      return Optional.of(new PdmError(ErrorCode.NOT_FOUND, "There is no deleted file named " + filename));
    }
    return Optional.empty();
  }

  public static PdmError notFound(String filename) {
    return new PdmError(ErrorCode.NOT_FOUND, "There is no file named " + filename,
      new JsonObject().put("filename", filename));
  }

  private static PdmError lockedBy(FileRow row) {
    return new PdmError(ErrorCode.FILE_LOCKED, "File is already locked by " + row.lockedBy(), holderDetails(row));
  }

  private static JsonObject holderDetails(FileRow row) {
    return new JsonObject().put("lockedBy", row.lockedBy()).put("lockedAt", FileRow.iso(row.lockedAt()));
  }

  private LockRules() {
  }
}
