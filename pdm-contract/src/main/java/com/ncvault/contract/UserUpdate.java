package com.ncvault.contract;

import io.vertx.core.json.JsonObject;

/**
 * A message for every page of one user, published on {@link Addresses#USER_UPDATE}: {@code type} is
 * {@link WsMessageTypes#WATCHING} or {@link WsMessageTypes#INBOX}, {@code payload} the message's payload.
 */
public record UserUpdate(String to, String type, JsonObject payload) {

  /** {@code to} watches {@code filename} now (or no longer). */
  public static UserUpdate watching(String to, String filename, boolean watching) {
    return new UserUpdate(to, WsMessageTypes.WATCHING,
      new JsonObject().put("filename", filename).put("watching", watching));
  }

  /** Notices of {@code to} were read: those {@code ids} or all; {@code unread} is what is left. */
  public static UserUpdate read(String to, java.util.List<Long> ids, boolean all, int unread) {
    JsonObject payload = new JsonObject().put("unread", unread);
    if (all) {
      payload.put("all", true);
    } else {
      payload.put("read", new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(ids)));
    }
    return new UserUpdate(to, WsMessageTypes.INBOX, payload);
  }

  public JsonObject toJson() {
    return new JsonObject().put("to", to).put("type", type).put("payload", payload);
  }

  /** Null when the body is not one. */
  public static UserUpdate fromJson(JsonObject json) {
    if (json == null || json.getString("to") == null || json.getString("type") == null
      || !(json.getValue("payload") instanceof JsonObject payload)) {
      return null;
    }
    return new UserUpdate(json.getString("to"), json.getString("type"), payload);
  }
}
