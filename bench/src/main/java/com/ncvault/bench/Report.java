package com.ncvault.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/** The results as Markdown tables (latest.md, and what bench/README.md shows). */
final class Report {

  private Report() {
  }

  static String markdown(JsonObject r) {
    StringBuilder md = new StringBuilder();
    JsonObject m = r.getJsonObject("machine", new JsonObject());
    md.append("### Benchmark results (").append(r.getString("mode")).append(" run, ").append(r.getString("startedAt"))
      .append(", ").append(num(r.getValue("durationSeconds"))).append(" s)\n\n");
    md.append("Machine: ").append(m.getValue("cores")).append(" cores (").append(m.getString("cpu")).append("), ")
      .append(m.getString("memory")).append(" memory, ").append(m.getString("java")).append(", Linux ")
      .append(m.getString("kernel")).append(", Node ").append(m.getString("node"))
      .append(", open-file limit ").append(m.getString("openFileLimit", ""))
      .append(", 1-min load average at start ").append(m.getString("loadAverageAtStart", "")).append(".\n\n");
    fanout(md, r.getJsonObject("fanout"));
    cluster(md, r.getJsonObject("cluster"));
    locks(md, r.getJsonObject("locks"));
    transfers(md, r.getJsonObject("transfers"));
    isolation(md, r.getJsonObject("isolation"));
    list(md, r.getJsonObject("list"));
    program(md, r.getJsonObject("program"));
    targets(md, r.getJsonArray("targets"));
    profiles(md, r);
    return md.toString();
  }

  private static void profiles(StringBuilder md, JsonObject r) {
    JsonObject fanout = r.getJsonObject("fanout");
    JsonArray runs = fanout == null ? new JsonArray() : fanout.getJsonArray("runs", new JsonArray());
    JsonObject largest = runs.isEmpty() ? null : runs.getJsonObject(runs.size() - 1);
    JsonObject locks = r.getJsonObject("locks");
    JsonObject transfers = r.getJsonObject("transfers");
    profile(md, "fan-out node, N=" + (largest == null ? "?" : largest.getValue("clients"))
      + " (a step at the reference rate after the measured ones)",
      largest == null || largest.getJsonObject("ncvault") == null ? null
        : largest.getJsonObject("ncvault").getJsonObject("profile"));
    JsonObject node = largest == null ? null : largest.getJsonObject("ncvault");
    classHistogram(md, largest == null ? "?" : String.valueOf(largest.getValue("clients")),
      node == null ? null : node.getJsonObject("idle", new JsonObject()).getJsonObject("classHistogram"));
    allocations(md, largest == null ? "?" : String.valueOf(largest.getValue("clients")),
      node == null ? null : node.getJsonObject("allocations"));
    profile(md, "locks on H2 (a run of each level after the measured ones)",
      locks == null || locks.getJsonObject("h2") == null ? null : locks.getJsonObject("h2").getJsonObject("profile"));
    profile(md, "transfers (one more upload and download after the measured ones)",
      transfers == null || transfers.getJsonObject("ncvault") == null ? null
        : transfers.getJsonObject("ncvault").getJsonObject("profile"));
  }

  private static void classHistogram(StringBuilder md, String n, JsonObject h) {
    if (h == null) {
      return;
    }
    md.append("#### Class histogram: fan-out node, ").append(n).append(" idle clients\n\n")
      .append("`jmap -histo:live` before the clients connected and once all were ready (saved beside latest.md as ")
      .append(h.getJsonArray("files", new JsonArray()).stream().map(f -> "`" + f + "`")
        .collect(java.util.stream.Collectors.joining(" and ")))
      .append("); live heap growth ").append(bytes((double) h.getLong("liveBytesGrowth", 0L))).append(", ")
      .append(bytes((double) h.getLong("bytesPerConnection", 0L))).append(" per connection. The ")
      .append(h.getJsonArray("top", new JsonArray()).size()).append(" classes that grew most:\n\n")
      .append("| class | instances | bytes | instances/conn | bytes/conn |\n|---|---:|---:|---:|---:|\n");
    JsonArray top = h.getJsonArray("top", new JsonArray());
    for (int i = 0; i < top.size(); i++) {
      JsonObject c = top.getJsonObject(i);
      md.append("| `").append(c.getString("class")).append("` | ").append(num(c.getValue("instances")))
        .append(" | ").append(num(c.getValue("bytes"))).append(" | ").append(num(c.getValue("instancesPerConnection")))
        .append(" | ").append(num(c.getValue("bytesPerConnection"))).append(" |\n");
    }
    md.append("\n");
  }

  private static void allocations(StringBuilder md, String n, JsonObject a) {
    if (a == null || a.getInteger("samples", 0) == 0) {
      return;
    }
    md.append("#### Allocation profile: fan-out node, N=").append(n).append(" (JFR jdk.ObjectAllocationSample during ")
      .append("a step at the reference rate after the measured ones, ").append(a.getValue("samples")).append(" samples standing for ")
      .append(bytes((double) a.getLong("sampledBytes", 0L))).append("; recording kept beside latest.md as `")
      .append(a.getString("recording", "?")).append("`)\n\n")
      .append("| allocated class | % | allocating frame | % | nearest NC Vault frame | % |\n|---|---:|---|---:|---|---:|\n");
    JsonArray classes = a.getJsonArray("byClass", new JsonArray());
    JsonArray top = a.getJsonArray("topFrames", new JsonArray());
    JsonArray ours = a.getJsonArray("nearestNcVaultFrames", new JsonArray());
    for (int i = 0; i < Math.min(12, Math.max(classes.size(), Math.max(top.size(), ours.size()))); i++) {
      md.append("|").append(cell(classes, i)).append(cell(top, i)).append(cell(ours, i)).append("\n");
    }
    JsonArray stacks = a.getJsonArray("stacks", new JsonArray());
    md.append("\nBy stack (allocated class <- first frames outside the JDK):\n\n| stack | % |\n|---|---:|\n");
    for (int i = 0; i < Math.min(10, stacks.size()); i++) {
      JsonObject st = stacks.getJsonObject(i);
      md.append("| `").append(st.getString("frame").replace("|", "/")).append("` | ").append(num(st.getValue("percent")))
        .append(" |\n");
    }
    md.append("\n");
  }

  /** " `frame` | 12.5 |" or empty cells. */
  private static String cell(JsonArray ranked, int i) {
    if (i >= ranked.size()) {
      return " | |";
    }
    JsonObject e = ranked.getJsonObject(i);
    return " `" + e.getString("frame") + "` | " + num(e.getValue("percent")) + " |";
  }

  private static void profile(StringBuilder md, String label, JsonObject p) {
    if (p == null || p.getInteger("samples", 0) == 0) {
      return;
    }
    md.append("#### CPU profile: ").append(label).append(" (JFR jdk.ExecutionSample, ").append(p.getValue("samples"))
      .append(" samples)\n\n")
      .append("| top frame | % | nearest NC Vault frame | % |\n|---|---:|---|---:|\n");
    JsonArray top = p.getJsonArray("topFrames", new JsonArray());
    JsonArray ours = p.getJsonArray("nearestNcVaultFrames", new JsonArray());
    for (int i = 0; i < Math.min(10, Math.max(top.size(), ours.size())); i++) {
      JsonObject a = i < top.size() ? top.getJsonObject(i) : null;
      JsonObject b = i < ours.size() ? ours.getJsonObject(i) : null;
      md.append("| ").append(a == null ? "" : "`" + a.getString("frame") + "`").append(" | ")
        .append(a == null ? "" : num(a.getValue("percent"))).append(" | ")
        .append(b == null ? "" : "`" + b.getString("frame") + "`").append(" | ")
        .append(b == null ? "" : num(b.getValue("percent"))).append(" |\n");
    }
    JsonArray threads = p.getJsonArray("threads", new JsonArray());
    md.append("\nSamples by thread: ");
    for (int i = 0; i < Math.min(5, threads.size()); i++) {
      JsonObject t = threads.getJsonObject(i);
      md.append(i == 0 ? "" : ", ").append(t.getString("frame")).append(" ").append(num(t.getValue("percent"))).append(" %");
    }
    md.append(".\n\n");
  }

  private static void fanout(StringBuilder md, JsonObject fanout) {
    if (fanout == null) {
      return;
    }
    md.append("#### Fan-out: checkout/cancel on one node vs Node `ws` broadcasting the same messages\n\n");
    md.append("Latency = actor's HTTP request sent -> each client's receipt of the EVENT of that checkout or cancel. "
      + "\"ref\" = the first rung of the ladder, the same event rate for both servers; \"best\" = highest rate with p99 < 100 ms "
      + "and every message delivered (≥ = the ladder's ceiling, not a failure).\n\n");
    md.append("Clients speak the web page's protocol (proto 3: one `EVENT` frame per change); the ws baseline broadcasts "
      + "the node's own frames. Warm: each server first runs steps at the ref rate until two consecutive p50s are "
      + "within 10 % and its JIT compilers used at most " + Math.round(LockScenario.JIT_QUIET_PERCENT)
      + " % of a core in each of them (\"warm-up\": its seconds and steps; \"then n s once the profile started\": "
      + "the second warm-up, at the largest N, that follows the start of the node's flight recording after the "
      + "measured steps; no measured step runs under the recording); \"cold\" is the first of those steps. "
      + "The ref figures are the median of the runs at the ref rate after the warm-up. \"connect s\" = time from the first connect until "
      + "every client is ready (connect storm; at the largest N the median of the last runs of storms "
      + "repeated until three in a row agree within 10 % of their median, at least 8, the cold first connect "
      + "beside it in latest.json). "
      + "\"heap/conn\" and \"RSS/conn\": at the first connect of a fresh server, after a full GC before and after; "
      + "at the largest N each storm measures them again, from the server idle after the previous storm (below the "
      + "ratios: the heap shows whether a connection leaves anything behind; ws's RSS does not fall when its clients "
      + "close, so its storms' RSS is no measure of a connection and the target keeps the first connect's).\n\n");
    md.append("| N | server | ready | connect s | warm-up s (steps) | cold p50 | cold p99 | ref ev/s | ref p50 | ref p95 "
      + "| ref p99 | ref max | best ev/s | delivered msg/s at best | p99 at best | heap/conn | RSS/conn | gen CPU % "
      + "| server CPU % |\n");
    md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    JsonArray runs = fanout.getJsonArray("runs", new JsonArray());
    for (int i = 0; i < runs.size(); i++) {
      JsonObject row = runs.getJsonObject(i);
      fanoutRow(md, row.getInteger("clients"), "ncvault", row.getJsonObject("ncvault"));
      fanoutRow(md, row.getInteger("clients"), "ws", row.getJsonObject("ws"));
    }
    md.append("\nRatios ncvault / ws (p99, RSS and connect time: lower is better; delivered: higher is better):\n\n");
    md.append("| N | p99 at ref rate | delivered msg/s at best | RSS per idle connection | connect storm "
      + "| heap per idle connection (ours, ws) |\n");
    md.append("|---:|---:|---:|---:|---:|---|\n");
    for (int i = 0; i < runs.size(); i++) {
      JsonObject row = runs.getJsonObject(i);
      JsonObject a = row.getJsonObject("ncvault");
      JsonObject b = row.getJsonObject("ws");
      md.append("| ").append(row.getInteger("clients"))
        .append(" | ").append(ratio(Targets.path(a, "reference", "latency", "p99Ms"), Targets.path(b, "reference", "latency", "p99Ms")))
        .append(" | ").append(ratio(Targets.path(a, "best", "deliveredPerSecond"), Targets.path(b, "best", "deliveredPerSecond")))
        .append(" | ").append(ratio(Targets.path(a, "idle", "rssPerConnectionBytes"), Targets.path(b, "idle", "rssPerConnectionBytes")))
        .append(" | ").append(ratio(Targets.connectSeconds(a), Targets.connectSeconds(b)))
        .append(" | ").append(bytes(Targets.path(a, "idle", "heapPerConnectionBytes"))).append(", ")
        .append(bytes(Targets.path(b, "idle", "heapPerConnectionBytes"))).append(" |\n");
    }
    for (int i = 0; i < runs.size(); i++) {
      JsonObject row = runs.getJsonObject(i);
      for (String server : new String[] {"ncvault", "ws"}) {
        JsonObject run = row.getJsonObject(server);
        JsonObject storms = run == null ? null : run.getJsonObject("connectStorm");
        if (storms != null && storms.containsKey("rssPerConnectionBytes")) {
          md.append("\nMemory per connection in each connect storm at N=").append(row.getInteger("clients"))
            .append(", ").append(server).append(": RSS ").append(storms.getJsonArray("rssPerConnectionBytes").stream()
              .map(v -> bytes(((Number) v).doubleValue())).toList())
            .append(", heap ").append(storms.getJsonArray("heapPerConnectionBytes").stream()
              .map(v -> bytes(((Number) v).doubleValue())).toList())
            .append("; median of the last runs: RSS ").append(bytes(Targets.path(storms, "medianRssPerConnectionBytes")))
            .append(", heap ").append(bytes(Targets.path(storms, "medianHeapPerConnectionBytes"))).append(".\n");
        }
      }
    }
    if (fanout.containsKey("baselineSkipped")) {
      md.append("\nws baseline skipped: ").append(fanout.getString("baselineSkipped")).append("\n");
    }
    md.append("\n");
  }

  private static void fanoutRow(StringBuilder md, int n, String server, JsonObject run) {
    if (run == null) {
      return;
    }
    if (run.containsKey("error")) {
      md.append("| ").append(n).append(" | ").append(server).append(" | failed: ")
        .append(run.getString("error").replace('|', '/').replace('\n', ' ')).append(" |||||||||||||||||\n");
      return;
    }
    JsonObject ref = run.getJsonObject("reference", new JsonObject());
    JsonObject best = run.getJsonObject("best");
    JsonObject idle = run.getJsonObject("idle", new JsonObject());
    JsonObject at = best == null ? ref : best;
    md.append("| ").append(n).append(" | ").append(server);
    JsonObject warmup = run.getJsonObject("warmup", new JsonObject());
    JsonObject cold = warmup.getJsonObject("cold", new JsonObject());
    md.append(" | ").append(idle.getValue("ready"))
      .append(" | ").append(num(Targets.connectSeconds(run)))
      .append(" | ").append(num(warmup.getValue("seconds"))).append(" (").append(warmup.getValue("stepCount"))
      .append(Boolean.FALSE.equals(warmup.getValue("steady")) ? ", not steady" : "").append(")")
      .append(afterProfileStart(run.getJsonObject("warmupAfterProfileStart")))
      .append(" | ").append(ms(cold, "p50Ms")).append(" | ").append(ms(cold, "p99Ms"))
      .append(" | ").append(num(ref.getValue("targetEventsPerSecond")))
      .append(" | ").append(ms(ref, "p50Ms")).append(" | ").append(ms(ref, "p95Ms"))
      .append(" | ").append(ms(ref, "p99Ms")).append(" | ").append(ms(ref, "maxMs"))
      .append(" | ").append(best == null ? "none passed" : (run.getBoolean("bestIsCeiling", false) ? "≥ " : "")
        + num(best.getValue("targetEventsPerSecond")))
      .append(" | ").append(best == null ? "-" : num(best.getValue("deliveredPerSecond")))
      .append(" | ").append(best == null ? "-" : ms(best, "p99Ms"))
      .append(" | ").append(bytes(Targets.path(idle, "heapPerConnectionBytes")))
      .append(" | ").append(bytes(Targets.path(idle, "rssPerConnectionBytes")))
      .append(" | ").append(num(at.getValue("generatorCpuPercent")))
      .append(" | ").append(num(at.getValue("serverCpuPercent"))).append(" |\n");
  }

  private static void cluster(StringBuilder md, JsonObject c) {
    if (c == null) {
      return;
    }
    md.append("#### Cluster: three nodes on PostgreSQL, actor on node 1\n\n");
    if (c.containsKey("skipped") || c.containsKey("error")) {
      md.append(c.getString("skipped", c.getString("error"))).append("\n\n");
      return;
    }
    JsonObject step = c.getJsonObject("step", new JsonObject());
    JsonObject warmup = c.getJsonObject("warmup", new JsonObject());
    md.append(c.getValue("ready")).append(" of ").append(c.getValue("clients")).append(" clients ready, spread evenly; ")
      .append(num(step.getValue("achievedEventsPerSecond"))).append(" events/s for ").append(num(step.getValue("seconds")))
      .append(" s; missing receipts ").append(step.getValue("missingReceipts")).append("; nodes started in ")
      .append(num(c.getValue("startSeconds"))).append(" s. Warm-up ").append(num(warmup.getValue("seconds")))
      .append(" s (").append(warmup.getValue("stepCount")).append(" steps")
      .append(Boolean.FALSE.equals(warmup.getValue("steady")) ? ", not steady" : "").append("; cold p50 ")
      .append(num(Targets.path(warmup, "cold", "latency", "p50Ms"))).append(" ms, p99 ")
      .append(num(Targets.path(warmup, "cold", "latency", "p99Ms"))).append(" ms); figures: the median of ")
      .append(c.getValue("runs", 1)).append(" runs.\n\n");
    md.append("| clients of | clients | p50 ms | p95 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|\n");
    latencyRow(md, "node 1 (same node as the change)", c.getJsonObject("sameNode"));
    latencyRow(md, "nodes 2 and 3 (cross-node)", c.getJsonObject("crossNode"));
    md.append("\n");
  }

  private static void latencyRow(StringBuilder md, String label, JsonObject l) {
    if (l == null) {
      return;
    }
    md.append("| ").append(label).append(" | ").append(l.getValue("clients")).append(" | ").append(num(l.getValue("p50Ms")))
      .append(" | ").append(num(l.getValue("p95Ms"))).append(" | ").append(num(l.getValue("p99Ms")))
      .append(" | ").append(num(l.getValue("maxMs"))).append(" |\n");
  }

  private static void locks(StringBuilder md, JsonObject locks) {
    if (locks == null) {
      return;
    }
    md.append("#### Locks: checkout + cancel pairs per second (closed loop, one file per actor)\n\n");
    JsonObject any = locks.fieldNames().stream().map(locks::getJsonObject).filter(b -> b.containsKey("method"))
      .findFirst().orElse(null);
    if (any != null) {
      md.append("Method: ").append(any.getString("method")).append(".\n\n");
    }
    md.append("| database | actors | pairs/s (warm) | cold pairs/s | warm-up s | pair p50 ms | pair p99 ms | errors "
      + "| server CPU % | gen CPU % | pgbench pairs/s (same SQL) | pairs/s, pair p50 ms while profiled |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String backend : locks.fieldNames()) {
      JsonObject b = locks.getJsonObject(backend);
      if (b.containsKey("skipped") || b.containsKey("error")) {
        md.append("| ").append(backend).append(" | ").append(b.getString("skipped", b.getString("error")))
          .append(" |||||||||||\n");
        continue;
      }
      JsonArray levels = b.getJsonArray("levels", new JsonArray());
      for (int i = 0; i < levels.size(); i++) {
        JsonObject l = levels.getJsonObject(i);
        JsonObject lat = l.getJsonObject("pairLatency", new JsonObject());
        JsonObject pgbench = Targets.pgbenchLevel(locks, l.getInteger("concurrency"));
        md.append("| ").append(backend).append(" | ").append(l.getValue("concurrency"))
          .append(" | ").append(num(l.getValue("pairsPerSecond")))
          .append(" | ").append(num(l.getValue("coldPairsPerSecond")))
          .append(" | ").append(num(Targets.path(l, "warmup", "seconds")))
          .append(afterProfileStart(l.getJsonObject("warmupAfterProfileStart")))
          .append(" | ").append(num(lat.getValue("p50Ms"))).append(" | ").append(num(lat.getValue("p99Ms")))
          .append(" | ").append(l.getValue("errors"))
          .append(" | ").append(num(l.getValue("serverCpuPercent"))).append(" | ").append(num(l.getValue("generatorCpuPercent")))
          .append(" | ").append(backend.equals("postgres") && pgbench != null ? num(pgbench.getValue("pairsPerSecond")) : "-")
          .append(" | ").append(l.containsKey("profiledPairsPerSecond")
            ? num(l.getValue("profiledPairsPerSecond")) + ", " + num(l.getValue("profiledPairP50Ms")) : "-")
          .append(" |\n");
      }
    }
    md.append("\n");
  }

  private static void isolation(StringBuilder md, JsonObject iso) {
    if (iso == null) {
      return;
    }
    md.append("#### Isolation: another user's requests during a flood of ").append(iso.getValue("floodClients"))
      .append(" concurrent logins for unknown names (").append(num(iso.getValue("seconds"))).append(" s each)\n\n");
    if (iso.containsKey("error")) {
      md.append("failed: ").append(iso.getString("error")).append("\n\n");
      return;
    }
    md.append("| request | p50 ms quiet | p99 ms quiet | p50 ms flood | p99 ms flood | max ms flood |\n"
      + "|---|---:|---:|---:|---:|---:|\n");
    for (String kind : new String[] {"download1KiB", "checkoutAndCancel", "health"}) {
      md.append("| ").append(kind)
        .append(" | ").append(num(Targets.path(iso, "withoutFlood", kind, "p50Ms")))
        .append(" | ").append(num(Targets.path(iso, "withoutFlood", kind, "p99Ms")))
        .append(" | ").append(num(Targets.path(iso, "duringFlood", kind, "p50Ms")))
        .append(" | ").append(num(Targets.path(iso, "duringFlood", kind, "p99Ms")))
        .append(" | ").append(num(Targets.path(iso, "duringFlood", kind, "maxMs"))).append(" |\n");
    }
    md.append("\nErrors (failed or over the client's bounds, their time included above): quiet ")
      .append(num(Targets.path(iso, "withoutFlood", "errors"))).append(", flood ")
      .append(num(Targets.path(iso, "duringFlood", "errors")));
    JsonArray first = iso.getJsonObject("duringFlood", new JsonObject()).getJsonArray("firstErrors");
    if (first != null && !first.isEmpty()) {
      md.append(" (").append(String.join("; ", first.stream().map(String::valueOf).toList())).append(")");
    }
    md.append(".\n");
    md.append("\nFlood logins answered: ").append(iso.getJsonObject("floodLoginStatuses", new JsonObject()).encode())
      .append(" (401 = bcrypt ran; 503 = refused untried, answered after its Retry-After).\n\n");
  }

  private static void transfers(StringBuilder md, JsonObject t) {
    if (t == null) {
      return;
    }
    md.append("#### Transfers: ").append(t.getLong("bytes", 0L) >> 20).append(" MiB, node with -Xmx")
      .append(t.getString("nodeHeap")).append(" (MB = 10^6 bytes)\n\n");
    if (t.containsKey("error")) {
      md.append("failed: ").append(t.getString("error")).append("\n\n");
      return;
    }
    JsonObject node = t.getJsonObject("ncvault", new JsonObject());
    JsonObject nginx = t.getJsonObject("nginx", new JsonObject());
    JsonObject dd = t.getJsonObject("dd", new JsonObject());
    md.append(t.getString("method", "")).append("\n\n");
    md.append("| what | MB/s warm | MB/s cold | compared with | ratio |\n|---|---:|---:|---|---:|\n");
    md.append("| upload through the API (file as the body, SHA-256, fsync) | ").append(num(node.getValue("uploadMBps")))
      .append(" | ").append(num(node.getValue("uploadMBpsCold"))).append(" | dd conv=fsync ")
      .append(num(dd.getValue("writeMBps"))).append(" MB/s | ").append(num(t.getValue("uploadVsDd"))).append(" |\n");
    md.append("| download through the API | ").append(num(node.getValue("downloadMBps")))
      .append(" | ").append(num(node.getValue("downloadMBpsCold"))).append(" | nginx ")
      .append(nginx.containsKey("downloadMBps") ? num(nginx.getValue("downloadMBps")) + " MB/s"
        : nginx.getString("skipped", nginx.getString("error", "-")))
      .append(" | ").append(num(t.getValue("downloadVsNginx"))).append(" |\n");
    md.append("\nNode peak heap (largest occupancy in its GC log): ").append(bytes(Targets.path(node, "peakHeapBytes")))
      .append("; RSS after: ").append(bytes(Targets.path(node, "rssBytesAfter")))
      .append(node.containsKey("error") ? "; node failed: " + node.getString("error") : "").append(".\n\n");
  }

  private static void list(StringBuilder md, JsonObject l) {
    if (l == null) {
      return;
    }
    md.append("#### List: GET /api/files\n\n");
    if (l.containsKey("error")) {
      md.append("failed: ").append(l.getString("error")).append("\n\n");
      return;
    }
    md.append("| files listed | response bytes | gzip bytes | first GET ms | median GET ms | median GET ms (gzip) "
      + "| GET after one change ms (gzip) | files created via |\n|---:|---:|---:|---:|---:|---:|---:|---|\n");
    md.append("| ").append(l.getValue("listedFiles")).append(" | ").append(l.getValue("responseBytes"))
      .append(" | ").append(l.getValue("gzipBytes"))
      .append(" | ").append(num(l.getValue("firstGetMs"))).append(" | ").append(num(l.getValue("medianGetMs")))
      .append(" | ").append(num(l.getValue("medianGzipGetMs"))).append(" | ").append(num(l.getValue("afterChangeGzipMs")))
      .append(" | ").append(l.getString("createdVia")).append(" |\n\n");
  }

  private static void program(StringBuilder md, JsonObject p) {
    if (p == null) {
      return;
    }
    md.append("#### Program facts and toolpath: a ").append(num(p.getInteger("programBytes", 0) / 1e6))
      .append(" MB program through the API\n\n");
    if (p.containsKey("error")) {
      md.append("failed: ").append(p.getString("error")).append("\n\n");
      return;
    }
    md.append("Median of ").append(p.getValue("runs")).append(" runs after ").append(p.getValue("warmUpRuns"))
      .append(" warm-up runs, each on a new program (").append(p.getValue("lines")).append(" lines, ")
      .append(p.getValue("tools")).append(" tools).\n\n")
      .append("| upload ms | facts, first ms | facts again ms | toolpath.svg (xy), first ms | again ms | SVG bytes |\n")
      .append("|---:|---:|---:|---:|---:|---:|\n")
      .append("| ").append(num(p.getValue("uploadMedianMs"))).append(" | ").append(num(p.getValue("factsMedianMs")))
      .append(" | ").append(num(p.getValue("factsAgainMedianMs"))).append(" | ").append(num(p.getValue("svgMedianMs")))
      .append(" | ").append(num(p.getValue("svgAgainMedianMs"))).append(" | ").append(p.getValue("svgBytes"))
      .append(" |\n\n");
  }

  private static void targets(StringBuilder md, JsonArray targets) {
    if (targets == null) {
      return;
    }
    md.append("#### Targets\n\n| target | goal | measured | reference | ratio | met |\n|---|---|---:|---:|---:|---|\n");
    for (int i = 0; i < targets.size(); i++) {
      JsonObject t = targets.getJsonObject(i);
      Object met = t.getValue("met");
      md.append("| ").append(t.getString("target")).append(" | ").append(t.getString("goal"))
        .append(" | ").append(num(t.getValue("measured"))).append(" ").append(t.getString("unit", ""))
        .append(" | ").append(num(t.getValue("reference")))
        .append(" | ").append(num(t.getValue("ratio")))
        .append(" | ").append(met == null ? "not measured" : ((Boolean) met ? "met" : "**missed**")).append(" |\n");
    }
    md.append("\n");
  }

  private static String ms(JsonObject step, String key) {
    JsonObject latency = step.getJsonObject("latency", new JsonObject());
    return num(latency.getValue(key));
  }

  private static String ratio(Double a, Double b) {
    return a == null || b == null || b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
  }

  static String num(Object v) {
    if (!(v instanceof Number n)) {
      return "-";
    }
    double d = n.doubleValue();
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) d);
    }
    return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%,.0f", d) : String.format(Locale.ROOT, "%.2f", d);
  }

  static String bytes(Double v) {
    if (v == null) {
      return "-";
    }
    double a = Math.abs(v);
    if (a >= 1 << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", v / (1 << 20));
    }
    if (a >= 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", v / 1024);
    }
    return String.format(Locale.ROOT, "%.0f B", v);
  }

  /** "; then 12.3 s once the profile started, ..." for the warm-up that followed the start of a flight recording, or "". */
  private static String afterProfileStart(JsonObject warmup) {
    return warmup == null ? "" : "; then " + num(warmup.getValue("seconds")) + " s once the profile started, after the measured ones";
  }
}
