package com.ncvault.sync;

import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.EventTypes;
import com.ncvault.contract.FileInfo;
import com.ncvault.contract.WsMessageTypes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The messages of one domain event: for proto 2 several (below), for proto 3 one {@link #single}.
 *
 * <p>The proto-2 messages of one domain event, in the order a client must apply them. Every event
 * ends with ACTIVITY; file events are preceded by their delta (create -> FILE_ADDED, checkout ->
 * FILE_LOCKED, checkin -> REVISION_ADDED and, when the lock was released, FILE_UNLOCKED, transition ->
 * FILE_STATE_CHANGED, ...).
 * All messages of an event carry its seq.
 */
final class EventMessages {

  private EventMessages() {
  }

  static List<JsonObject> of(DomainEvent event) {
    List<JsonObject> messages = new ArrayList<>(3);
    String type = event.type() == null ? "" : event.type();
    switch (type) {
      case EventTypes.CREATE -> messages.add(delta(WsMessageTypes.FILE_ADDED, event));
      case EventTypes.CHECKOUT -> messages.add(delta(WsMessageTypes.FILE_LOCKED, event));
      case EventTypes.CHECKIN -> {
        messages.add(delta(WsMessageTypes.REVISION_ADDED, event));
        if (!isLocked(event.file())) {
          messages.add(unlocked(event, WsMessageTypes.UNLOCK_CHECKIN));
        }
      }
      case EventTypes.CANCEL -> messages.add(unlocked(event, WsMessageTypes.UNLOCK_CANCEL));
      case EventTypes.OVERRIDE -> {
        JsonObject message = unlocked(event, WsMessageTypes.UNLOCK_OVERRIDE);
        message.getJsonObject("payload").put("formerHolder", detail(event, "formerHolder"));
        messages.add(message);
      }
      case EventTypes.DELETE -> messages.add(delta(WsMessageTypes.FILE_DELETED, event));
      case EventTypes.RESTORE -> messages.add(delta(WsMessageTypes.FILE_RESTORED, event));
      case EventTypes.TRANSITION -> {
        JsonObject message = delta(WsMessageTypes.FILE_STATE_CHANGED, event);
        message.getJsonObject("payload").put("from", detail(event, "from")).put("to", detail(event, "to"))
          .put("signed", Boolean.parseBoolean(detail(event, "signed")));
        messages.add(message);
      }
      default -> {
        // user_* and unknown types only show up in the activity feed
      }
    }
    messages.add(activity(event));
    return messages;
  }

  /**
   * The proto-3 message of one domain event: {@code {type: EVENT, seq, payload}} where the payload
   * holds the activity entry's fields (without seq, which is the envelope's), {@code changes}: the
   * types of the proto-2 deltas in their order (empty for user events), {@code file} (the file after
   * the change, absent when no delta), and {@code reason} / {@code formerHolder} for an unlock.
   * Everything the proto-2 messages carry, each value once.
   */
  static JsonObject single(DomainEvent event) {
    List<JsonObject> messages = of(event);
    JsonObject payload = activityEntry(event);
    payload.remove("seq");
    JsonArray changes = new JsonArray();
    for (JsonObject message : messages.subList(0, messages.size() - 1)) {
      changes.add(message.getString("type"));
      JsonObject delta = message.getJsonObject("payload");
      payload.put("file", delta.getValue("file"));
      if (delta.containsKey("reason")) {
        payload.put("reason", delta.getValue("reason"));
      }
      if (delta.containsKey("formerHolder")) {
        payload.put("formerHolder", delta.getValue("formerHolder"));
      }
    }
    payload.put("changes", changes);
    return Messages.envelope(WsMessageTypes.EVENT, event.seq(), payload);
  }

  /** The file this event frees (its lock was released), or null. */
  static String freedFile(DomainEvent event) {
    String type = event.type() == null ? "" : event.type();
    return switch (type) {
      case EventTypes.CANCEL, EventTypes.OVERRIDE -> event.filename();
      case EventTypes.CHECKIN -> isLocked(event.file()) ? null : event.filename();
      default -> null;
    };
  }

  /** True when the event changes the file list (every event but the user_* and the machine ones). */
  static boolean changesFiles(DomainEvent event) {
    return event.type() != null && !event.type().startsWith("user_") && !EventTypes.isMachine(event.type());
  }

  /**
   * True for user administration (an account created, deleted, given a role or a password): the
   * user list is for admins, so are these events.
   */
  static boolean adminOnly(DomainEvent event) {
    return EventTypes.isUserAdministration(event.type());
  }

  /** The activity entry, the same shape as GET /api/dashboard/activity lists. */
  static JsonObject activityEntry(DomainEvent event) {
    return new JsonObject()
      .put("seq", event.seq())
      .put("event_type", event.type())
      .put("filename", event.filename())
      .put("user", event.user())
      .put("timestamp", event.timestamp())
      .put("revision", event.revision())
      .put("message", event.message());
  }

  private static JsonObject activity(DomainEvent event) {
    return Messages.envelope(WsMessageTypes.ACTIVITY, event.seq(), activityEntry(event));
  }

  private static JsonObject delta(String messageType, DomainEvent event) {
    JsonObject payload = new JsonObject()
      .put("file", event.file() == null ? null : JsonObject.mapFrom(event.file()))
      .put("user", event.user())
      .put("timestamp", event.timestamp())
      .put("message", event.message())
      .put("revision", event.revision());
    return Messages.envelope(messageType, event.seq(), payload);
  }

  private static JsonObject unlocked(DomainEvent event, String reason) {
    JsonObject message = delta(WsMessageTypes.FILE_UNLOCKED, event);
    message.getJsonObject("payload").put("reason", reason);
    return message;
  }

  private static boolean isLocked(FileInfo file) {
    return file != null && FileInfo.LOCKED.equals(file.status());
  }

  private static String detail(DomainEvent event, String key) {
    Object value = event.details() == null ? null : event.details().getValue(key);
    return value == null ? null : value.toString();
  }
}
