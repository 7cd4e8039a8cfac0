package com.ncvault.contract;

/** Domain error codes and the HTTP status each maps to. The one mapping used everywhere. */
public enum ErrorCode {
  BAD_REQUEST(400, "bad_request"),
  INVALID_FILENAME(400, "invalid_filename"),
  INVALID_JSON(400, "invalid_json"),
  VALIDATION(400, "validation_failed"),
  UNAUTHENTICATED(401, "unauthenticated"),
  FORBIDDEN(403, "forbidden"),
  /** A cookie-authenticated POST/PATCH/DELETE without the header X-PDM-CSRF: 1. */
  CSRF(403, "csrf"),
  NOT_FOUND(404, "not_found"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed"),
  FILE_LOCKED(409, "file_locked"),
  NOT_LOCK_HOLDER(409, "not_lock_holder"),
  ALREADY_EXISTS(409, "already_exists"),
  CONFLICT(409, "conflict"),
  PAYLOAD_TOO_LARGE(413, "payload_too_large"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
  URI_TOO_LONG(414, "uri_too_long"),
  RANGE_NOT_SATISFIABLE(416, "range_not_satisfiable"),
  /** The request is understood but the work it asks for exceeds a limit (a diff over its time budget). */
  TOO_COMPLEX(422, "too_complex"),
  TOO_MANY_REQUESTS(429, "too_many_requests"),
  HEADERS_TOO_LARGE(431, "headers_too_large"),
  INTERNAL(500, "internal_error"),
  UNAVAILABLE(503, "unavailable"),
  /**
   * A check-in names the checkout it was prepared under, and that checkout has ended (overridden,
   * cancelled or checked in), even if the same user has checked the file out again since.
   */
  LOCK_ENDED(409, "lock_ended"),
  /** The lifecycle has no transition from the file's state to the one asked for. */
  TRANSITION_NOT_ALLOWED(409, "transition_not_allowed"),
  /** The transition needs a comment and none was given. */
  COMMENT_REQUIRED(400, "comment_required"),
  /** A release (an electronic signature) without the signer's correct password; nothing was changed. */
  BAD_SIGNATURE(403, "bad_signature"),
  /** The file has no released revision. */
  NOT_RELEASED(409, "not_released"),
  /** A file is sent only to the machines it is assigned to. */
  NOT_ASSIGNED(409, "not_assigned"),
  /** The database cannot be reached (an outage, not a refusal): answered with Retry-After; nothing was changed. */
  SERVICE_UNAVAILABLE(503, "service_unavailable");

  private final int status;
  private final String code;

  ErrorCode(int status, String code) {
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static ErrorCode fromCode(String code) {
    for (ErrorCode c : values()) {
      if (c.code.equals(code)) {
        return c;
      }
    }
    return INTERNAL;
  }
}
