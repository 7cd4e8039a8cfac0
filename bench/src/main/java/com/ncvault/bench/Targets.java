package com.ncvault.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The targets of the benchmark issue, each reported as met, missed or not measured, with its ratio. */
final class Targets {

  static final double P99_RATIO = 1.2;
  static final double DELIVERED_RATIO = 1.5;
  static final long HEAP_PER_CONNECTION = 20_000;
  static final double LOCK_PAIRS_H2 = 2_000;
  static final double DOWNLOAD_VS_NGINX = 0.8;
  static final double UPLOAD_VS_DD = 0.5;

  private Targets() {
  }

  static JsonArray evaluate(JsonObject results) {
    JsonArray targets = new JsonArray();
    JsonObject largest = largestFanout(results);
    String n = largest == null ? "?" : Integer.toString(largest.getInteger("clients"));
    JsonObject node = largest == null ? null : largest.getJsonObject("ncvault");
    JsonObject ws = largest == null ? null : largest.getJsonObject("ws");

    Double p99 = path(node, "reference", "latency", "p99Ms");
    Double wsP99 = path(ws, "reference", "latency", "p99Ms");
    targets.add(lowerIsBetter("p99 request-to-every-client at N=" + n + " (same event rate)",
      "<= " + P99_RATIO + "x ws", p99, wsP99, P99_RATIO, "ms"));

    Double delivered = path(node, "best", "deliveredPerSecond");
    Double wsDelivered = path(ws, "best", "deliveredPerSecond");
    targets.add(higherIsBetter("delivered messages/s at p99 < 100 ms, N=" + n, ">= " + DELIVERED_RATIO + "x ws",
      delivered, wsDelivered, DELIVERED_RATIO, "msg/s"));

    Double rss = path(node, "idle", "rssPerConnectionBytes");
    Double wsRss = path(ws, "idle", "rssPerConnectionBytes");
    targets.add(lowerIsBetter("RSS per idle connection, N=" + n, "<= ws", rss, wsRss, 1.0, "bytes"));

    Double heap = path(node, "idle", "heapPerConnectionBytes");
    targets.add(absolute("heap per idle connection, N=" + n, "<= " + HEAP_PER_CONNECTION + " bytes", heap,
      heap == null ? null : heap <= HEAP_PER_CONNECTION, "bytes"));

    Double pairs = bestLockRate(results);
    targets.add(absolute("lock pairs/s on H2 (best concurrency)", ">= " + (long) LOCK_PAIRS_H2, pairs,
      pairs == null ? null : pairs >= LOCK_PAIRS_H2, "pairs/s"));

    JsonObject transfers = results.getJsonObject("transfers");
    Double download = path(transfers, "ncvault", "downloadMBps");
    Double nginx = path(transfers, "nginx", "downloadMBps");
    targets.add(higherIsBetter("download through the API", ">= " + DOWNLOAD_VS_NGINX + "x nginx", download, nginx,
      DOWNLOAD_VS_NGINX, "MB/s"));
    Double upload = path(transfers, "ncvault", "uploadMBps");
    Double dd = path(transfers, "dd", "writeMBps");
    targets.add(higherIsBetter("upload through the API (hash + fsync)", ">= " + UPLOAD_VS_DD + "x dd", upload, dd,
      UPLOAD_VS_DD, "MB/s"));
    Boolean bothWays = transfers == null || transfers.getJsonObject("ncvault") == null ? null
      : transfers.getJsonObject("ncvault").containsKey("downloadMBps");
    long bytes = transfers == null ? 0 : transfers.getLong("bytes", 0L);
    targets.add(absolute((bytes >> 20) + " MiB upload and download with -Xmx" + TransferScenario.NODE_HEAP,
      "completes", path(transfers, "ncvault", "peakHeapBytes"), bothWays, "peak heap bytes"));
    return targets;
  }

  private static JsonObject largestFanout(JsonObject results) {
    JsonObject fanout = results.getJsonObject("fanout");
    if (fanout == null || fanout.getJsonArray("runs", new JsonArray()).isEmpty()) {
      return null;
    }
    JsonArray runs = fanout.getJsonArray("runs");
    return runs.getJsonObject(runs.size() - 1);
  }

  private static Double bestLockRate(JsonObject results) {
    JsonObject locks = results.getJsonObject("locks");
    JsonObject h2 = locks == null ? null : locks.getJsonObject("h2");
    JsonArray levels = h2 == null ? null : h2.getJsonArray("levels");
    if (levels == null) {
      return null;
    }
    double best = -1;
    for (int i = 0; i < levels.size(); i++) {
      best = Math.max(best, levels.getJsonObject(i).getDouble("pairsPerSecond", 0.0));
    }
    return best < 0 ? null : best;
  }

  /** A number at a path of nested objects, or null. */
  static Double path(JsonObject json, String... keys) {
    Object value = json;
    for (String key : keys) {
      if (!(value instanceof JsonObject object)) {
        return null;
      }
      value = object.getValue(key);
    }
    return value instanceof Number number ? number.doubleValue() : null;
  }

  private static JsonObject lowerIsBetter(String name, String goal, Double ours, Double theirs, double limit,
                                          String unit) {
    JsonObject json = new JsonObject().put("target", name).put("goal", goal).put("unit", unit)
      .put("measured", ours).put("reference", theirs);
    if (ours == null || theirs == null || theirs <= 0) {
      return json.putNull("met");
    }
    double ratio = ours / theirs;
    return json.put("ratio", FanoutRun.round(ratio)).put("met", ratio <= limit);
  }

  private static JsonObject higherIsBetter(String name, String goal, Double ours, Double theirs, double limit,
                                           String unit) {
    JsonObject json = new JsonObject().put("target", name).put("goal", goal).put("unit", unit)
      .put("measured", ours).put("reference", theirs);
    if (ours == null || theirs == null || theirs <= 0) {
      return json.putNull("met");
    }
    double ratio = ours / theirs;
    return json.put("ratio", FanoutRun.round(ratio)).put("met", ratio >= limit);
  }

  private static JsonObject absolute(String name, String goal, Double measured, Boolean met, String unit) {
    JsonObject json = new JsonObject().put("target", name).put("goal", goal).put("unit", unit).put("measured", measured);
    return met == null ? json.putNull("met") : json.put("met", met);
  }
}
