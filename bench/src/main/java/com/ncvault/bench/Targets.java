package com.ncvault.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** The targets of the benchmark issue, each reported as met, missed or not measured, with its ratio. */
final class Targets {

  static final double P99_RATIO = 1.0;
  static final List<Integer> P99_CLIENTS = List.of(1_000, 5_000, 10_000);
  static final double DELIVERED_RATIO = 1.5;
  static final int DELIVERED_CLIENTS = 1_000;
  static final double RSS_RATIO = 1.5;
  static final long HEAP_PER_CONNECTION = 6 * 1024;
  static final double CONNECT_RATIO = 1.5;
  static final double CROSS_NODE_EXTRA_MS = 5;
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

    // p99 at the reference rate at 1,000, 5,000 and 10,000 clients (a run without them: its largest N)
    List<JsonObject> p99Rows = new ArrayList<>();
    for (int clients : P99_CLIENTS) {
      JsonObject row = fanoutRow(results, clients);
      if (row != null) {
        p99Rows.add(row);
      }
    }
    if (p99Rows.isEmpty() && largest != null) {
      p99Rows.add(largest);
    }
    for (JsonObject row : p99Rows) {
      targets.add(lowerIsBetter("p99 request-to-every-client at N=" + row.getInteger("clients")
          + " (reference rate, warm, median of runs)", "<= " + P99_RATIO + "x ws",
        path(row.getJsonObject("ncvault"), "reference", "latency", "p99Ms"),
        path(row.getJsonObject("ws"), "reference", "latency", "p99Ms"), P99_RATIO, "ms"));
    }

    JsonObject deliveredRow = fanoutRow(results, DELIVERED_CLIENTS);
    deliveredRow = deliveredRow == null ? largest : deliveredRow;
    targets.add(higherIsBetter("delivered messages/s at p99 < 100 ms, N="
        + (deliveredRow == null ? "?" : deliveredRow.getInteger("clients")), ">= " + DELIVERED_RATIO + "x ws",
      path(deliveredRow == null ? null : deliveredRow.getJsonObject("ncvault"), "best", "deliveredPerSecond"),
      path(deliveredRow == null ? null : deliveredRow.getJsonObject("ws"), "best", "deliveredPerSecond"),
      DELIVERED_RATIO, "msg/s"));

    Double rss = path(node, "idle", "rssPerConnectionBytes");
    Double wsRss = path(ws, "idle", "rssPerConnectionBytes");
    targets.add(lowerIsBetter("RSS per idle connection, N=" + n + " (first connect of a fresh server)", "<= "
      + RSS_RATIO + "x ws", rss, wsRss, RSS_RATIO, "bytes"));

    Double heap = path(node, "idle", "heapPerConnectionBytes");
    targets.add(absolute("heap per idle connection, N=" + n, "<= " + HEAP_PER_CONNECTION + " bytes", heap,
      heap == null ? null : heap <= HEAP_PER_CONNECTION, "bytes"));

    targets.add(lowerIsBetter("connect storm: " + n + " clients connected and ready (median of runs)",
      "<= " + CONNECT_RATIO + "x ws", connectSeconds(node), connectSeconds(ws), CONNECT_RATIO, "s"));

    JsonObject cluster = results.getJsonObject("cluster");
    Double same = path(cluster, "sameNode", "p99Ms");
    Double cross = path(cluster, "crossNode", "p99Ms");
    targets.add(absolute("cluster: cross-node p99 vs same-node p99" + (same == null ? "" : " (" + same + " ms)"),
      "<= same-node + " + (long) CROSS_NODE_EXTRA_MS + " ms", cross,
      same == null || cross == null ? null : cross <= same + CROSS_NODE_EXTRA_MS, "ms"));

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

  /** The connect storm's median time, or the one storm of the idle measurement. */
  static Double connectSeconds(JsonObject server) {
    Double median = path(server, "connectStorm", "medianSeconds");
    return median != null ? median : path(server, "idle", "connectSeconds");
  }

  /** The fan-out row of exactly that many clients, or null. */
  static JsonObject fanoutRow(JsonObject results, int clients) {
    JsonObject fanout = results.getJsonObject("fanout");
    JsonArray runs = fanout == null ? new JsonArray() : fanout.getJsonArray("runs", new JsonArray());
    for (int i = 0; i < runs.size(); i++) {
      if (runs.getJsonObject(i).getInteger("clients", -1) == clients) {
        return runs.getJsonObject(i);
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
