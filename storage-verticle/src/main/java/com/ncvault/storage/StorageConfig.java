package com.ncvault.storage;

import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.Lifecycle;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The configuration the storage-verticle reads, with {@link ConfigKeys#defaults()} under it. */
public record StorageConfig(
  Path dataDir,
  String dbKind,
  String pgUri,
  int dbPoolSize,
  List<String> allowedExtensions,
  String filenamePattern,
  long eventRetention,
  String adminPassword,
  boolean demo,
  String demoPassword,
  long staleLockSeconds,
  String nodeName,
  String internalUrl,
  String clusterSecret,
  double rapidMmPerMin,
  PeerCalls peerCalls,
  Lifecycle lifecycle) {

  /** How long a request to another node may wait for its first and its next bytes, and when a node is skipped. */
  public record PeerCalls(long firstByteTimeoutMs, long idleTimeoutMs, int breakerFailures, long breakerCooldownMs) {
  }

  public static final String H2 = "h2";
  public static final String POSTGRES = "postgres";

  /** Reads the storage keys; values may arrive as strings from environment variables. */
  public static StorageConfig from(JsonObject config) {
    JsonObject c = ConfigKeys.defaults().mergeIn(config == null ? new JsonObject() : config);
    String dbKind = string(c, ConfigKeys.DB_KIND).toLowerCase(java.util.Locale.ROOT);
    if (!dbKind.equals(H2) && !dbKind.equals(POSTGRES)) {
      throw new IllegalArgumentException(ConfigKeys.DB_KIND + " must be h2 or postgres, not " + dbKind);
    }
    int poolSize = (int) number(c, ConfigKeys.DB_POOL_SIZE);
    if (poolSize < 1) {
      throw new IllegalArgumentException(ConfigKeys.DB_POOL_SIZE + " must be at least 1");
    }
    return new StorageConfig(
      Path.of(string(c, ConfigKeys.DATA_DIR)).toAbsolutePath().normalize(),
      dbKind,
      string(c, ConfigKeys.PG_URI),
      poolSize,
      list(c.getValue(ConfigKeys.ALLOWED_EXTENSIONS)),
      string(c, ConfigKeys.FILENAME_PATTERN),
      Math.max(0, number(c, ConfigKeys.EVENT_RETENTION)),
      string(c, ConfigKeys.ADMIN_PASSWORD),
      bool(c, ConfigKeys.DEMO),
      string(c, ConfigKeys.DEMO_PASSWORD),
      number(c, ConfigKeys.STALE_LOCK_SECONDS),
      nodeName(c),
      internalUrl(c),
      string(c, ConfigKeys.CLUSTER_SECRET),
      rapidRate(c),
      new PeerCalls(positive(c, ConfigKeys.PEER_FIRST_BYTE_TIMEOUT_MS), positive(c, ConfigKeys.PEER_IDLE_TIMEOUT_MS),
        (int) positive(c, ConfigKeys.PEER_BREAKER_FAILURES), positive(c, ConfigKeys.PEER_BREAKER_COOLDOWN_MS)),
      Lifecycle.parse(c.getValue(ConfigKeys.LIFECYCLE_TRANSITIONS)));
  }

  private static long positive(JsonObject c, String key) {
    long value = number(c, key);
    if (value < 1 || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(key + " must be a positive number, not " + c.getValue(key));
    }
    return value;
  }

  private static double rapidRate(JsonObject c) {
    Object v = c.getValue(ConfigKeys.RAPID_MM_PER_MIN);
    double rate;
    try {
      rate = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      rate = Double.NaN;
    }
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException(ConfigKeys.RAPID_MM_PER_MIN + " must be a positive number of mm/min, not " + v);
    }
    return rate;
  }

  /** Content is exchanged with other nodes only when they share a cluster secret. */
  public boolean replicates() {
    return !clusterSecret.isEmpty();
  }

  /** nodeName, or "node-" + httpPort as the launcher names a node. */
  static String nodeName(JsonObject c) {
    String name = string(c, ConfigKeys.NODE_NAME).strip();
    return name.isEmpty() ? "node-" + string(c, ConfigKeys.HTTP_PORT) : name;
  }

  /**
   * The URL other nodes reach this one at: internalUrl when set (without a trailing slash), else
   * http(s)://host:httpPort where host is httpHost, or clusterHost when httpHost is a wildcard
   * address (0.0.0.0 is where the server listens, not where anyone can reach it).
   */
  static String internalUrl(JsonObject c) {
    String configured = string(c, ConfigKeys.INTERNAL_URL).strip();
    if (!configured.isEmpty()) {
      return configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
    }
    String host = string(c, ConfigKeys.HTTP_HOST).strip();
    if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = string(c, ConfigKeys.CLUSTER_HOST).strip();
    }
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    boolean tls = !string(c, ConfigKeys.TLS_CERT).isBlank() && !string(c, ConfigKeys.TLS_KEY).isBlank();
    return (tls ? "https://" : "http://") + host + ":" + string(c, ConfigKeys.HTTP_PORT);
  }

  private static String string(JsonObject c, String key) {
    Object v = c.getValue(key);
    return v == null ? "" : v.toString();
  }

  private static long number(JsonObject c, String key) {
    Object v = c.getValue(key);
    if (v instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, not " + v);
    }
  }

  private static boolean bool(JsonObject c, String key) {
    Object v = c.getValue(key);
    return v instanceof Boolean b ? b : Boolean.parseBoolean(String.valueOf(v).trim());
  }

  private static List<String> list(Object v) {
    List<String> out = new ArrayList<>();
    if (v instanceof JsonArray array) {
      array.forEach(e -> out.add(String.valueOf(e)));
    } else if (v instanceof List<?> l) {
      l.forEach(e -> out.add(String.valueOf(e)));
    } else if (v != null) {
      for (String part : v.toString().split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return out;
  }
}
