package com.ncvault.sync;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;

/** The configuration the sync-verticle reads, with the defaults of {@link ConfigKeys}. */
record SyncSettings(
  String nodeName,
  int pingSeconds,
  int maxFrameBytes,
  int rateLimitPerSecond,
  long snapshotCoalesceMs,
  long gapWaitMs,
  int writeQueueBytes,
  int maxSocketsPerUser,
  long closeGraceMs) {

  /** How often a node re-announces its users, and how long others keep them without news. */
  static final long PRESENCE_HEARTBEAT_MS = 10_000;
  static final long PRESENCE_TTL_MS = 30_000;
  /** PRESENCE pushes to sockets are coalesced to one per this window when a user came online or went offline. */
  static final long PRESENCE_PUSH_MS = 500;
  /** The same when only connection counts changed (a connect storm is nearly all such changes). */
  static final long PRESENCE_COUNTS_PUSH_MS = 5_000;

  static SyncSettings from(JsonObject config) {
    JsonObject c = ConfigKeys.defaults().mergeIn(config == null ? new JsonObject() : config);
    String node = c.getString(ConfigKeys.NODE_NAME, "");
    if (node.isBlank()) {
      node = "node-" + c.getValue(ConfigKeys.HTTP_PORT);
    }
    return new SyncSettings(
      node,
      Math.max(1, c.getInteger(ConfigKeys.WS_PING_SECONDS)),
      Math.max(128, c.getInteger(ConfigKeys.WS_MAX_FRAME_BYTES)),
      Math.max(1, c.getInteger(ConfigKeys.WS_RATE_LIMIT)),
      Math.max(1, c.getLong(ConfigKeys.WS_SNAPSHOT_COALESCE_MS)),
      Math.max(1, c.getLong(ConfigKeys.WS_GAP_WAIT_MS)),
      Math.max(4096, c.getInteger(ConfigKeys.WS_WRITE_QUEUE_BYTES)),
      Math.max(1, c.getInteger(ConfigKeys.WS_MAX_SOCKETS_PER_USER)),
      Math.max(1, c.getLong(ConfigKeys.WS_CLOSE_GRACE_MS)));
  }
}
