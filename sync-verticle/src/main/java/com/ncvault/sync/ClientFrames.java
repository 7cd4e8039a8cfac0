package com.ncvault.sync;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.WsMessageTypes;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/** Parses what a client sends on /ws. Anything not understood becomes an {@link Invalid} value. */
final class ClientFrames {

  static final int MAX_FILENAME_LENGTH = 255;

  sealed interface Inbound permits Ping, Watch, Unwatch, Invalid {
  }

  record Ping() implements Inbound {
  }

  record Watch(String filename) implements Inbound {
  }

  record Unwatch(String filename) implements Inbound {
  }

  record Invalid(PdmError error) implements Inbound {
  }

  private ClientFrames() {
  }

  static Inbound parse(String text) {
    if (WsMessageTypes.PING_TEXT.equals(text.strip())) {
      return new Ping();
    }
    JsonObject json;
    try {
      Object parsed = io.vertx.core.json.Json.decodeValue(text);
      if (!(parsed instanceof JsonObject object)) {
        return invalid(ErrorCode.INVALID_JSON, "A message must be a JSON object or the text \"ping\"");
      }
      json = object;
    } catch (DecodeException e) {
      return invalid(ErrorCode.INVALID_JSON, "A message must be a JSON object or the text \"ping\"");
    }
    Object type = json.getValue("type");
    if (!(type instanceof String name)) {
      return invalid(ErrorCode.BAD_REQUEST, "A message needs a \"type\"");
    }
    return switch (name) {
      case WsMessageTypes.PING -> new Ping();
      case WsMessageTypes.WATCH, WsMessageTypes.UNWATCH -> watch(name, json);
      default -> invalid(ErrorCode.BAD_REQUEST, "Unknown message type: " + abbreviate(name));
    };
  }

  private static Inbound watch(String type, JsonObject json) {
    Object payload = json.getValue("payload");
    Object filename = payload instanceof JsonObject object ? object.getValue("filename") : null;
    if (!(filename instanceof String name) || name.isBlank() || name.length() > MAX_FILENAME_LENGTH) {
      return invalid(ErrorCode.VALIDATION, type + " needs payload.filename (1 to " + MAX_FILENAME_LENGTH
        + " characters)");
    }
    return WsMessageTypes.WATCH.equals(type) ? new Watch(name) : new Unwatch(name);
  }

  private static Inbound invalid(ErrorCode code, String message) {
    return new Invalid(new PdmError(code, message));
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
