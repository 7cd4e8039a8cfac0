package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.machine.MachineFolders;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A machine's transport as an administrator gives it, checked; as stored (password sealed under
 * the {@link NodeKey}); as shown (no password, {@code passwordSet}); and as a sender needs it
 * (password opened). One place for the fields of each kind.
 */
final class TransportSpecs {
  static final List<String> KINDS = List.of("folder", "ftp", "tcp");
  static final int MAX_BYTES_PER_SECOND = 1_000_000;
  private static final String SEALED = "passwordSealed";
  private static final Map<String, Set<String>> FIELDS = Map.of(
    "folder", Set.of("kind", "path", "inboxPath"),
    "ftp", Set.of("kind", "host", "port", "user", "password", "directory", "inboxDirectory"),
    "tcp", Set.of("kind", "host", "port", "bytesPerSecond", "receivePort"));

  private final MachineFolders roots;
  private final NodeKey key;

  TransportSpecs(MachineFolders roots, NodeKey key) {
    this.roots = roots;
    this.key = key;
  }

  /**
   * The transport to store for {@code machine}: checked, defaults filled in, a password sealed. An
   * FTP transport without a password keeps the one {@code previous} (as stored) had.
   */
  JsonObject toStored(String machine, JsonObject given, JsonObject previous) {
    if (given == null) {
      throw invalid("transport", "a transport {kind, ...} is required");
    }
    Object kindValue = given.getValue("kind");
    if (!(kindValue instanceof String kind) || !KINDS.contains(kind)) {
      throw invalid("transport.kind", "must be one of " + String.join(", ", KINDS));
    }
    for (String field : given.fieldNames()) {
      if (!FIELDS.get(kind).contains(field)) {
        throw invalid("transport." + field, "is not a field of a " + kind + " transport");
      }
    }
    JsonObject stored = new JsonObject().put("kind", kind);
    switch (kind) {
      case "folder" -> {
        stored.put("path", folder("path", text(given, "path", 1000, true)));
        String inbox = text(given, "inboxPath", 1000, false);
        if (inbox != null) {
          stored.put("inboxPath", folder("inboxPath", inbox));
        }
      }
      case "ftp" -> {
        stored.put("host", host(given));
        stored.put("port", port(given, "port", 21, false));
        putIfPresent(stored, "user", text(given, "user", 100, false));
        putIfPresent(stored, "directory", text(given, "directory", 255, false));
        putIfPresent(stored, "inboxDirectory", text(given, "inboxDirectory", 255, false));
        String password = text(given, "password", 200, false);
        if (password != null) {
          stored.put(SEALED, key.encrypt(password, machine));
        } else if (previous != null && "ftp".equals(previous.getString("kind")) && previous.containsKey(SEALED)) {
          // sealed for this name; a renamed machine would need it again
          stored.put(SEALED, previous.getString(SEALED));
        }
      }
      default -> {
        stored.put("host", host(given));
        stored.put("port", port(given, "port", 0, true));
        stored.put("bytesPerSecond", number(given, "bytesPerSecond", 960, 0, MAX_BYTES_PER_SECOND));
        if (given.containsKey("receivePort")) {
          stored.put("receivePort", port(given, "receivePort", 0, true));
        }
      }
    }
    return stored;
  }

  /** What anyone may see: no password, only whether one is kept. */
  static JsonObject shown(JsonObject stored) {
    JsonObject shown = stored.copy();
    Object sealed = shown.remove(SEALED);
    if ("ftp".equals(stored.getString("kind"))) {
      shown.put("passwordSet", sealed != null);
    }
    return shown;
  }

  /** What a sender needs: the password opened. Only for this node's machine-verticle. */
  JsonObject revealed(String machine, JsonObject stored) {
    JsonObject revealed = stored.copy();
    Object sealed = revealed.remove(SEALED);
    if (sealed != null) {
      revealed.put("password", key.decrypt((String) sealed, machine));
    }
    return revealed;
  }

  private String folder(String field, String path) {
    try {
      return roots.require(path).toString();
    } catch (IllegalArgumentException e) {
      throw invalid("transport." + field, e.getMessage());
    }
  }

  private static String host(JsonObject given) {
    String host = text(given, "host", 255, true);
    if (!host.matches("[A-Za-z0-9.:\\-\\[\\]_]+")) {
      throw invalid("transport.host", "is a host name or an IP address");
    }
    return host;
  }

  private static int port(JsonObject given, String field, int fallback, boolean required) {
    return number(given, field, required ? null : fallback, 1, 65535);
  }

  private static int number(JsonObject given, String field, Integer fallback, int min, int max) {
    Object value = given.getValue(field);
    if (value == null) {
      if (fallback == null) {
        throw invalid("transport." + field, "is required");
      }
      return fallback;
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < min
      || ((Number) value).longValue() > max) {
      throw invalid("transport." + field, "must be a whole number from " + min + " to " + max);
    }
    return ((Number) value).intValue();
  }

  private static String text(JsonObject given, String field, int max, boolean required) {
    Object value = given.getValue(field);
    if (value == null || value instanceof String s && s.isEmpty() && !required) {
      if (required) {
        throw invalid("transport." + field, "is required");
      }
      return null;
    }
    if (!(value instanceof String s) || s.isBlank() || s.length() > max || s.chars().anyMatch(c -> c < 0x20)) {
      throw invalid("transport." + field, "must be text of 1 to " + max + " characters without control characters");
    }
    return s;
  }

  private static void putIfPresent(JsonObject json, String field, String value) {
    if (value != null) {
      json.put(field, value);
    }
  }

  static PdmError invalid(String field, String message) {
    return new PdmError(ErrorCode.VALIDATION, field + " " + message, new JsonObject().put("field", field));
  }
}
