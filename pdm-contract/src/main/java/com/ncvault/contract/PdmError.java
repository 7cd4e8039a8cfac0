package com.ncvault.contract;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * A domain error as a value: a code, a human message, optional details (for example the lock
 * holder). Travels over the event bus as a {@link ReplyException} (failure code = HTTP status,
 * message = this error's JSON) and over HTTP as {@code {"error": {code, message, ...details}}}.
 */
public final class PdmError extends RuntimeException {

  /** Detail set when a request never reached its receiver (nobody listening): it changed nothing. */
  public static final String NOT_DELIVERED = "notDelivered";

  private final ErrorCode code;
  private final JsonObject details;

  public PdmError(ErrorCode code, String message) {
    this(code, message, null);
  }

  public PdmError(ErrorCode code, String message, JsonObject details) {
    super(message, null, false, false);
    this.code = code;
    this.details = details == null ? new JsonObject() : details;
  }

  public ErrorCode code() {
    return code;
  }

  public JsonObject details() {
    return details;
  }

  /** The body of an HTTP error response: {@code {"error": {code, message, ...details}}}. */
  public JsonObject toHttpBody() {
    JsonObject error = details.copy().put("code", code.code()).put("message", getMessage());
    return new JsonObject().put("error", error);
  }

  public JsonObject toJson() {
    return new JsonObject().put("code", code.code()).put("message", getMessage()).put("details", details);
  }

  public ReplyException toReplyException() {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code.status(), toJson().encode());
  }

  /** True when the request never reached a receiver, so nothing was done with it. */
  public boolean notDelivered() {
    return details.getBoolean(NOT_DELIVERED, false);
  }

  /** Turns any failure (a reply exception from storage, a timeout, a bug) into a PdmError. */
  public static PdmError from(Throwable t) {
    if (t instanceof PdmError e) {
      return e;
    }
    if (t instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.NO_HANDLERS) {
        return new PdmError(ErrorCode.UNAVAILABLE, "Storage is not running on this node",
          new JsonObject().put(NOT_DELIVERED, true));
      }
      if (re.failureType() == ReplyFailure.TIMEOUT) {
        return new PdmError(ErrorCode.UNAVAILABLE, "Storage is not answering");
      }
      try {
        JsonObject json = new JsonObject(re.getMessage());
        return new PdmError(ErrorCode.fromCode(json.getString("code")), json.getString("message"),
          json.getJsonObject("details"));
      } catch (DecodeException | NullPointerException | ClassCastException notOurs) {
        return new PdmError(ErrorCode.INTERNAL, "Internal error");
      }
    }
    return new PdmError(ErrorCode.INTERNAL, "Internal error");
  }
}
