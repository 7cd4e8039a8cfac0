package com.ncvault.api;

import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.Lifecycle;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

/** The configuration the api-verticle reads, with the contract's defaults filled in. */
record ApiConfig(
  int httpPort,
  String httpHost,
  long maxUploadBytes,
  int maxUploadsPerUser,
  String jwtSecret,
  long tokenTtlSeconds,
  int loginMaxFailuresPerMinute,
  List<String> wsAllowedOrigins,
  int wsMaxFrameBytes,
  int wsPingSeconds,
  int httpIdleTimeoutSeconds,
  String tlsCertPath,
  String tlsKeyPath,
  String nodeName,
  long staleLockSeconds,
  Path dataDir,
  JsonArray allowedExtensions,
  JsonArray binaryExtensions,
  int zipMaxFiles,
  long zipMaxBytes,
  String clusterSecret,
  List<String> peerUrls,
  int replicationFactor,
  long replicationWaitMs,
  Lifecycle lifecycle) {

  static ApiConfig from(JsonObject config) {
    JsonObject c = ConfigKeys.defaults().mergeIn(config == null ? new JsonObject() : config);
    int port = c.getInteger(ConfigKeys.HTTP_PORT);
    String nodeName = c.getString(ConfigKeys.NODE_NAME, "");
    String secret = c.getString(ConfigKeys.JWT_SECRET, "");
    if (secret.isEmpty()) {
      throw new IllegalArgumentException(ConfigKeys.JWT_SECRET + " must be set");
    }
    return new ApiConfig(
      port,
      c.getString(ConfigKeys.HTTP_HOST),
      c.getLong(ConfigKeys.MAX_UPLOAD_BYTES),
      c.getInteger(ConfigKeys.MAX_UPLOADS_PER_USER),
      secret,
      c.getLong(ConfigKeys.TOKEN_TTL_SECONDS),
      c.getInteger(ConfigKeys.LOGIN_MAX_FAILURES),
      strings(c.getValue(ConfigKeys.WS_ALLOWED_ORIGINS)),
      c.getInteger(ConfigKeys.WS_MAX_FRAME_BYTES),
      c.getInteger(ConfigKeys.WS_PING_SECONDS),
      c.getInteger(ConfigKeys.HTTP_IDLE_TIMEOUT_SECONDS),
      c.getString(ConfigKeys.TLS_CERT, ""),
      c.getString(ConfigKeys.TLS_KEY, ""),
      nodeName.isBlank() ? "node-" + port : nodeName,
      c.getLong(ConfigKeys.STALE_LOCK_SECONDS),
      Path.of(c.getString(ConfigKeys.DATA_DIR)),
      c.getJsonArray(ConfigKeys.ALLOWED_EXTENSIONS),
      extensions(c.getValue(ConfigKeys.BINARY_EXTENSIONS)),
      c.getInteger(ConfigKeys.ZIP_MAX_FILES),
      c.getLong(ConfigKeys.ZIP_MAX_BYTES),
      c.getString(ConfigKeys.CLUSTER_SECRET, ""),
      strings(c.getValue(ConfigKeys.PEER_URLS)),
      ConfigKeys.replicationFactor(c),
      c.getLong(ConfigKeys.REPLICATION_WAIT_SECONDS) * 1000,
      Lifecycle.parse(c.getValue(ConfigKeys.LIFECYCLE_TRANSITIONS)));
  }

  /**
   * The pages, besides the node's own, that may open /ws: the configured origins and the other
   * nodes of the cluster, whose pages come here when their own node is down.
   */
  List<String> liveOrigins() {
    return java.util.stream.Stream.concat(wsAllowedOrigins.stream(), peerUrls.stream()).distinct().toList();
  }

  /** Extensions in lower case, from a JSON array or a comma-separated text (environment variables). */
  private static JsonArray extensions(Object value) {
    return new JsonArray(strings(value).stream().map(e -> e.toLowerCase(java.util.Locale.ROOT)).toList());
  }

  /** A list of strings from a JSON array or a comma-separated text. */
  private static List<String> strings(Object value) {
    if (value instanceof JsonArray array) {
      return array.stream().map(String::valueOf).filter(s -> !s.isBlank()).toList();
    }
    if (value instanceof String text) {
      return java.util.Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
    return List.of();
  }

  /** The configured idle timeout, or one that open /ws sockets (pinged every wsPingSeconds) never reach. */
  int idleTimeoutSeconds() {
    return httpIdleTimeoutSeconds > 0 ? httpIdleTimeoutSeconds : Math.max(60, 2 * wsPingSeconds + 10);
  }

  boolean tls() {
    return !tlsCertPath.isBlank() && !tlsKeyPath.isBlank();
  }

  /** Where uploads are staged before storage takes them over. */
  Path incomingDir() {
    return dataDir.resolve("incoming");
  }
}
