package com.ncvault.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The targets of the benchmark issue, each reported as met, missed or not measured, with its ratio. */
final class Targets {

  static final double P99_RATIO = 1.2;
  static final double DELIVERED_RATIO = 1.5;
  static final long HEAP_PER_CONNECTION = 20_000;
  static final double LOCK_PAIRS_H2_64 = 3_000;
  static final double LOCK_PAIRS_H2_8 = 1_500;
  static final double SINGLE_PAIR_P50_MS = 2;
  static final double LOCK_PAIRS_PG_64 = 2_000;
  static final double PG_VS_PGBENCH = 0.5;
  static final double LIST_MS = 300;
  static final double DOWNLOAD_VS_NGINX = 0.95;
  static final double UPLOAD_VS_DD = 0.8;
  static final double FLOOD_P99_MS = 100;

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

    JsonObject locks = results.getJsonObject("locks");
    for (int[] goal : new int[][] {{64, (int) LOCK_PAIRS_H2_64}, {8, (int) LOCK_PAIRS_H2_8}}) {
      Double pairs = path(lockLevel(locks, "h2", goal[0]), "pairsPerSecond");
      targets.add(absolute("H2 checkout+cancel pairs/s, " + goal[0] + " actors (warm, median of runs)",
        ">= " + goal[1], pairs, pairs == null ? null : pairs >= goal[1], "pairs/s"));
    }
    Double single = path(lockLevel(locks, "h2", 1), "pairLatency", "p50Ms");
    targets.add(absolute("H2 single-actor pair p50", "<= " + SINGLE_PAIR_P50_MS + " ms", single,
      single == null ? null : single <= SINGLE_PAIR_P50_MS, "ms"));
    Double pg = path(lockLevel(locks, "postgres", 64), "pairsPerSecond");
    targets.add(absolute("PostgreSQL checkout+cancel pairs/s, 64 actors", ">= " + (long) LOCK_PAIRS_PG_64, pg,
      pg == null ? null : pg >= LOCK_PAIRS_PG_64, "pairs/s"));
    Double pgbench = path(pgbenchLevel(locks, 64), "pairsPerSecond");
    targets.add(higherIsBetter("PostgreSQL pairs/s vs pgbench running the same SQL, 64 clients",
      ">= " + PG_VS_PGBENCH + "x pgbench", pg, pgbench, PG_VS_PGBENCH, "pairs/s"));

    JsonObject list = results.getJsonObject("list");
    Double listMs = path(list, "medianGetMs");
    targets.add(absolute("GET /api/files with " + (list == null ? "?" : list.getValue("listedFiles"))
      + " files, to the last byte (warm median)", "<= " + LIST_MS + " ms", listMs,
      listMs == null ? null : listMs <= LIST_MS, "ms"));

    JsonObject transfers = results.getJsonObject("transfers");
    Double download = path(transfers, "ncvault", "downloadMBps");
    Double nginx = path(transfers, "nginx", "downloadMBps");
    targets.add(higherIsBetter("download through the API (warm median)", ">= " + DOWNLOAD_VS_NGINX + "x nginx",
      download, nginx, DOWNLOAD_VS_NGINX, "MB/s"));
    Double upload = path(transfers, "ncvault", "uploadMBps");
    Double dd = path(transfers, "dd", "writeMBps");
    targets.add(higherIsBetter("upload through the API, SHA-256 and fsync included (warm median)",
      ">= " + UPLOAD_VS_DD + "x dd", upload, dd, UPLOAD_VS_DD, "MB/s"));
    Boolean bothWays = transfers == null || transfers.getJsonObject("ncvault") == null ? null
      : transfers.getJsonObject("ncvault").containsKey("downloadMBps");
    long bytes = transfers == null ? 0 : transfers.getLong("bytes", 0L);
    targets.add(absolute((bytes >> 20) + " MiB upload and download with -Xmx" + TransferScenario.NODE_HEAP,
      "completes", path(transfers, "ncvault", "peakHeapBytes"), bothWays, "peak heap bytes"));

    JsonObject during = results.getJsonObject("isolation") == null ? null
      : results.getJsonObject("isolation").getJsonObject("duringFlood");
    for (String kind : new String[] {"download1KiB", "checkoutAndCancel", "health"}) {
      Double flooded = path(during, kind, "p99Ms");
      targets.add(absolute("another user's " + kind + " p99 during a flood of " + IsolationScenario.FLOOD_CLIENTS
        + " logins for unknown names", "<= " + FLOOD_P99_MS + " ms", flooded,
        flooded == null ? null : flooded <= FLOOD_P99_MS, "ms"));
    }
    return targets;
  }

  /** The lock level of a backend with that many actors, or null. */
  static JsonObject lockLevel(JsonObject locks, String backend, int concurrency) {
    JsonObject b = locks == null ? null : locks.getJsonObject(backend);
    return level(b == null ? null : b.getJsonArray("levels"), concurrency);
  }

  static JsonObject pgbenchLevel(JsonObject locks, int concurrency) {
    JsonObject pg = locks == null ? null : locks.getJsonObject("postgres");
    JsonObject pgbench = pg == null ? null : pg.getJsonObject("pgbench");
    return level(pgbench == null ? null : pgbench.getJsonArray("levels"), concurrency);
  }

  private static JsonObject level(JsonArray levels, int concurrency) {
    if (levels == null) {
      return null;
    }
    for (int i = 0; i < levels.size(); i++) {
      if (levels.getJsonObject(i).getInteger("concurrency", -1) == concurrency) {
        return levels.getJsonObject(i);
      }
    }
    return null;
  }

  private static JsonObject largestFanout(JsonObject results) {
    JsonObject fanout = results.getJsonObject("fanout");
    if (fanout == null || fanout.getJsonArray("runs", new JsonArray()).isEmpty()) {
      return null;
    }
    JsonArray runs = fanout.getJsonArray("runs");
    return runs.getJsonObject(runs.size() - 1);
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
