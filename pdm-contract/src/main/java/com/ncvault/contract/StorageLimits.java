package com.ncvault.contract;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Limits and rules that both sides of the storage contract apply: the api checks its input with
 * them before asking, storage cannot receive a request that breaks them (the request records of
 * {@link StorageApi} check them when built). Rules that depend on configuration (allowed
 * extensions, a name pattern) stay with storage.
 */
public final class StorageLimits {

  /** Messages, descriptions, reasons and lock messages. */
  public static final int MAX_TEXT = 2000;
  /** A file name, in characters. */
  public static final int MAX_FILENAME = 255;
  /** The list's search text. */
  public static final int MAX_QUERY = 200;
  /** A user name as typed (the stored ones are shorter, see {@link #USERNAME_PATTERN}). */
  public static final int MAX_USERNAME_INPUT = 100;
  /** A password as typed; bcrypt uses at most {@link #MAX_PASSWORD_BYTES} of it. */
  public static final int MAX_PASSWORD_INPUT = 1000;
  public static final int MIN_PASSWORD = 8;
  public static final int MAX_PASSWORD_BYTES = 72;
  public static final String USERNAME_PATTERN = "[a-z0-9_.-]{1,32}";
  /** The name the server writes in the history for its own changes (the first admin, a password reset). */
  public static final String SYSTEM_ACTOR = "system";
  /**
   * Names no account may have, whatever their case: the names the server uses for itself, which an
   * account of that name could otherwise be mistaken for in the history.
   */
  public static final List<String> RESERVED_USERNAMES = List.of(SYSTEM_ACTOR);
  /** Password checks (bcrypt) queued per checking thread beyond which a login is refused (503) rather than queued. */
  public static final int PASSWORD_CHECKS_WAITING_PER_THREAD = 4;
  /** A revision as typed in a query ("1.0", "12.3"). */
  public static final int MAX_REVISION = 20;
  /**
   * Content above this size gets no program facts and no drawing (413): interpreting it would hold
   * a worker for tens of seconds. 100 MB; a 20 MB program is interpreted in well under a second.
   */
  public static final long MAX_PROGRAM_BYTES = 100L * 1024 * 1024;
  /** The largest tool number a list filter accepts. */
  public static final int MAX_TOOL_NUMBER = 999_999_999;
  /** The largest length (mm) a list filter accepts: 100 m. */
  public static final double MAX_FILTER_LENGTH = 100_000;

  public static final String STATUS_LOCKED = "locked";
  public static final String STATUS_UNLOCKED = "unlocked";
  public static final String STATUS_MINE = "mine";
  public static final String STATUS_DELETED = "deleted";
  public static final List<String> STATUS_FILTERS = List.of(STATUS_LOCKED, STATUS_UNLOCKED, STATUS_MINE,
    STATUS_DELETED);

  public static final int DEFAULT_ACTIVITY_LIMIT = 50;
  public static final int MAX_ACTIVITY_LIMIT = 500;
  public static final int DEFAULT_EVENTS_LIMIT = 1000;
  public static final int MAX_EVENTS_LIMIT = 10_000;
  /** The files one user may watch at once. */
  public static final int MAX_WATCHES = 200;
  /** The notices kept per user; older ones are dropped as new ones arrive. */
  public static final int MAX_NOTICES_KEPT = 200;
  /** The most notices one page of the inbox holds. */
  public static final int MAX_NOTICES_PAGE = 100;

  /** The group of files without a part number. */
  public static final String MISC_GROUP = "Misc";
  private static final int PART_NUMBER_DIGITS = 7;

  /**
   * Groups files by part number: a name starting with seven digits belongs to the family of its
   * first two digits ({@code 1234567_AB1.mcam} -> {@code 12XXXXX}); anything else to {@code Misc}.
   */
  public static String groupOf(String filename) {
    if (filename == null || filename.length() < PART_NUMBER_DIGITS) {
      return MISC_GROUP;
    }
    for (int i = 0; i < PART_NUMBER_DIGITS; i++) {
      char c = filename.charAt(i);
      if (c < '0' || c > '9') {
        return MISC_GROUP;
      }
    }
    return filename.substring(0, 2) + "XXXXX";
  }

  /** A non-blank value; 400 naming the field otherwise. */
  public static String required(String field, String value) {
    if (value == null || value.isBlank()) {
      throw invalid(ErrorCode.BAD_REQUEST, field, "The field '" + field + "' is required");
    }
    return value;
  }

  /**
   * Free text (a message, a description, a reason): at most {@link #MAX_TEXT} characters, stripped;
   * blank means absent (null), which is refused when {@code required}.
   */
  public static String text(String field, String value, boolean required) {
    if (value == null || value.isBlank()) {
      if (required) {
        required(field, value);
      }
      return null;
    }
    if (value.length() > MAX_TEXT) {
      throw invalid(ErrorCode.VALIDATION, field, "The field '" + field + "' is longer than " + MAX_TEXT
        + " characters");
    }
    return value.strip();
  }

  /** The most Git LFS objects one batch request may name (the client sends up to 100). */
  public static final int MAX_LFS_OBJECTS = 1000;

  /** A Git LFS object id: a SHA-256 in lower-case hex; 400 validation_failed otherwise. */
  public static String lfsOid(String value) {
    if (value == null || !value.matches("[0-9a-f]{64}")) {
      throw invalid(ErrorCode.VALIDATION, "oid", "An object id is a SHA-256: 64 lower-case hex digits");
    }
    return value;
  }

  /** Most lines one audit export holds. */
  public static final int MAX_AUDIT_ENTRIES = 100_000;

  /** A lock id as checkout hands it out (a UUID); longer text is no lock id. */
  public static final int MAX_LOCK_ID = 64;

  /** The lock id a check-in names, or null when it names none; 400 validation_failed when it cannot be one. */
  public static String lockIdOrNull(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String id = value.strip();
    if (id.length() > MAX_LOCK_ID) {
      throw invalid(ErrorCode.VALIDATION, "lockId", "lockId must be at most " + MAX_LOCK_ID + " characters");
    }
    return id;
  }

  /** A file name as a request carries it: present and not longer than {@link #MAX_FILENAME}. */
  public static String filename(String value) {
    if (value == null || value.isBlank() || value.length() > MAX_FILENAME) {
      throw new PdmError(ErrorCode.INVALID_FILENAME, "Invalid file name");
    }
    return value;
  }

  /** One of {@link #STATUS_FILTERS}, or null for no filter. */
  public static String status(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (!STATUS_FILTERS.contains(value)) {
      throw invalid(ErrorCode.VALIDATION, "status", "status must be one of " + String.join(", ", STATUS_FILTERS));
    }
    return value;
  }

  /** A role named by a request, or null when the request does not claim one. */
  public static String roleOrNull(String value) {
    if (value != null && !Roles.ALL.contains(value)) {
      throw invalid(ErrorCode.VALIDATION, "role", "The role is one of " + String.join(", ", Roles.ALL));
    }
    return value;
  }

  /** A number kept within [min, max]. */
  public static int clamp(int value, int min, int max) {
    return Math.max(min, Math.min(max, value));
  }

  public static PdmError invalid(ErrorCode code, String field, String message) {
    return new PdmError(code, message, new JsonObject().put("field", field));
  }

  private StorageLimits() {
  }

  /** The threads that check passwords (bcrypt) on a node of {@code cores} cores: half of them, at least one. */
  public static int passwordCheckThreads(int cores) {
    return Math.max(1, cores / 2);
  }

  /**
   * The password checks a node of {@code cores} cores takes on at once, running and queued: its
   * checking threads and {@link #PASSWORD_CHECKS_WAITING_PER_THREAD} queued per thread. A login
   * beyond them is refused untried (503).
   */
  public static int passwordCheckCapacity(int cores) {
    int threads = passwordCheckThreads(cores);
    return threads + threads * PASSWORD_CHECKS_WAITING_PER_THREAD;
  }
}
