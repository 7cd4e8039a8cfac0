package com.ncvault.contract;

import io.vertx.core.json.JsonObject;

/**
 * Which domain events end an account's sessions: the account was deleted, or an admin set a new
 * password for it. Every live connection of that user (a WebSocket, a bridge client) is closed
 * when such an event arrives, on every node.
 */
public final class SessionEnds {

  /** Why an event of {@code type} with {@code details} ends the sessions of {@link #username}, or null when it does not. */
  public static String reason(String type, JsonObject details) {
    if (details == null || !(details.getValue("username") instanceof String)) {
      return null;
    }
    if (EventTypes.USER_DELETED.equals(type)) {
      return "account deleted";
    }
    if (EventTypes.USER_CHANGED.equals(type) && Boolean.TRUE.equals(details.getValue("passwordChanged"))) {
      return "password changed";
    }
    return null;
  }

  /** The account an event of {@link #reason} names. */
  public static String username(JsonObject details) {
    return details.getString("username");
  }

  private SessionEnds() {
  }
}
