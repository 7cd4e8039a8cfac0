package com.ncvault.sync;

import com.ncvault.contract.Notification;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.PresenceEntry;
import com.ncvault.contract.WsMessageTypes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builds the JSON text of server-to-client messages: {@code {type, seq?, payload}}. */
final class Messages {

  static final Frame PONG = Frame.shared(new JsonObject().put("type", WsMessageTypes.PONG).encode());

  private Messages() {
  }

  static JsonObject envelope(String type, Long seq, Object payload) {
    JsonObject message = new JsonObject().put("type", type);
    if (seq != null) {
      message.put("seq", seq);
    }
    return message.put("payload", payload);
  }

  /** The seed's message: payload = the body of GET /api/files. */
  static String fileListUpdated(long seq, JsonObject groups) {
    return envelope(WsMessageTypes.FILE_LIST_UPDATED, seq, groups).encode();
  }

  /** The same from the list storage encoded already: the payload is spliced in, not decoded again. */
  static String fileListUpdated(long seq, Buffer encodedGroups) {
    return "{\"type\":\"" + WsMessageTypes.FILE_LIST_UPDATED + "\",\"seq\":" + seq + ",\"payload\":"
      + encodedGroups.toString(StandardCharsets.UTF_8) + "}";
  }

  static String presence(List<PresenceEntry> users) {
    JsonArray list = new JsonArray();
    users.forEach(user -> list.add(JsonObject.mapFrom(user)));
    return envelope(WsMessageTypes.PRESENCE, null, new JsonObject().put("users", list)).encode();
  }

  static String notify(Notification notification) {
    JsonObject payload = new JsonObject()
      .put("kind", notification.kind())
      .put("from", notification.from())
      .put("filename", notification.filename())
      .put("text", notification.text())
      .put("timestamp", notification.timestamp());
    if (notification.id() != null) {
      payload.put("id", notification.id()).put("unread", notification.unread());
    }
    return envelope(WsMessageTypes.NOTIFY, null, payload).encode();
  }

  /** The one mapping of a domain error to a WebSocket message. */
  static String error(PdmError error) {
    return envelope(WsMessageTypes.ERROR, null,
      new JsonObject().put("code", error.code().code()).put("message", error.getMessage())).encode();
  }
}
