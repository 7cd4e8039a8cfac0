package com.ncvault.bench;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Scenario 6: GET /api/files on a vault of many files (embedded H2). Creating 100,000 files through
 * the API takes far longer than the run may (each upload fsyncs its blob and commits), so the first
 * files are uploaded through the API and the rest are added with SQL while the node is stopped: rows
 * copied from an uploaded file (same blob, so their content is real), inserted by H2's RunScript tool
 * from the node's own jar. Then the node is started again on that data directory and the list read.
 */
final class ListScenario {

  private static final int GETS = 5;
  private static final int FIRST_NUMBER = 1_000_000;

  private final Harness harness;
  private final Settings settings;

  ListScenario(Harness harness) {
    this.harness = harness;
    this.settings = harness.settings();
  }

  JsonObject run() {
    Node.Options options = Node.Options.embedded("list-node", "1g");
    JsonObject json = new JsonObject().put("requestedFiles", settings.listFiles());
    Path dataDir;
    int[] created;
    String token;
    try (Node node = Node.start(harness, options)) {
      token = node.user("bench-lister", "programmer");
      long started = System.nanoTime();
      created = create(node, token, Math.min(settings.listApiFiles(), settings.listFiles()));
      double seconds = (System.nanoTime() - started) / 1e9;
      dataDir = node.dataDir();
      json.put("apiFiles", created[0]).put("apiErrors", created[1])
        .put("apiSeconds", FanoutRun.round(seconds))
        .put("apiPerSecond", FanoutRun.round(created[0] / seconds))
        .put("apiConcurrency", settings.listConcurrency());
    }
    int attempted = created[2];
    int missing = settings.listFiles() - attempted;
    if (missing > 0 && created[0] > 0) {
      long started = System.nanoTime();
      seed(dataDir, attempted, settings.listFiles());
      json.put("sqlFiles", missing).put("sqlSeconds", FanoutRun.round((System.nanoTime() - started) / 1e9));
    }
    json.put("createdVia", missing > 0
      ? "first " + attempted + " through the API, the rest with SQL (H2 RunScript, node stopped)"
      : "the API (POST /api/files, " + settings.listConcurrency() + " in flight)");
    try (Node node = Node.start(harness, options.on(dataDir))) {
      String reader = node.login("bench-lister", harness.adminPassword()).await();
      // The first GET builds the node's list snapshot (a full read); later ones are served from it.
      Http.Response first = timedGet(node, reader, Map.of(), json, "firstGetMs");
      json.put("listedFiles", countFiles(first.json())).put("responseBytes", first.body().length());
      JsonArray plain = new JsonArray();
      JsonArray gzip = new JsonArray();
      long gzipBytes = 0;
      long plainBytes = first.body().length();
      for (int i = 0; i < GETS; i++) {
        timedCount(node, reader, plainBytes, null, null);
        plain.add(lastMs);
        Http.Response compressed = timedGet(node, reader, Map.of("Accept-Encoding", "gzip"), null, null);
        gzip.add(lastMs);
        gzipBytes = compressed.body().length();
      }
      // One file changes: the next GET re-reads that file only.
      node.checkout(reader, name(0)).await();
      timedGet(node, reader, Map.of("Accept-Encoding", "gzip"), json, "afterChangeGzipMs");
      node.cancel(reader, name(0)).await();
      timedCount(node, reader, -1, json, "afterChangeMs");
      return json
        .put("getMs", plain)
        .put("medianGetMs", TransferScenario.median(doubles(plain)))
        .put("bestGetMs", doubles(plain).stream().mapToDouble(Double::doubleValue).min().orElse(0))
        .put("gzipGetMs", gzip)
        .put("medianGzipGetMs", TransferScenario.median(doubles(gzip)))
        .put("gzipBytes", gzipBytes)
        .put("peakHeapBytes", node.peakHeapFromGcLog());
    }
  }

  private double lastMs;

  /** GET /api/files to the last byte; the time goes into {@code json} under {@code key} when given. */
  private Http.Response timedGet(Node node, String token, Map<String, String> headers, JsonObject json, String key) {
    long t0 = System.nanoTime();
    Http.Response response = harness.http().get(node.port(), "/api/files", token, headers).await();
    lastMs = FanoutRun.round((System.nanoTime() - t0) / 1e6);
    if (!response.ok()) {
      throw new IllegalStateException("GET /api/files -> " + response.status() + " " + response.body());
    }
    if (json != null) {
      json.put(key, lastMs);
    }
    return response;
  }

  /**
   * GET /api/files (uncompressed) to the last byte, counting the bytes as they arrive without
   * keeping them, as a download is measured: gathering 39 MB in the load generator's heap took it
   * longer than the node took to send them (curl read the same answer in 20-35 ms where gathering
   * it here took 100-690 ms). The count must be {@code expected} (the first answer's length) unless
   * that is -1 (the list changed since).
   */
  private void timedCount(Node node, String token, long expected, JsonObject json, String key) {
    long t0 = System.nanoTime();
    long bytes = harness.http().download(node.port(), "/api/files", token).await();
    lastMs = FanoutRun.round((System.nanoTime() - t0) / 1e6);
    if (expected >= 0 && bytes != expected) {
      throw new IllegalStateException("GET /api/files sent " + bytes + " bytes, the first answer " + expected);
    }
    if (json != null) {
      json.put(key, lastMs);
    }
  }

  private static List<Double> doubles(JsonArray values) {
    return values.stream().map(v -> ((Number) v).doubleValue()).toList();
  }

  private static String name(int n) {
    return String.format("%07d.nc", FIRST_NUMBER + n);
  }

  /**
   * Uploads files 0..count-1 with a fixed number in flight, within the time cap; returns {created,
   * errors, attempted} (files 0..attempted-1 were tried).
   */
  private int[] create(Node node, String token, int count) {
    Context context = harness.vertx().getOrCreateContext();
    int[] counts = {0, 0, 0};
    int[] next = {0};
    int[] inFlight = {0};
    long deadline = System.nanoTime() + settings.listCreateCapMs() * 1_000_000L;
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      Runnable[] pump = new Runnable[1];
      pump[0] = () -> {
        while (inFlight[0] < settings.listConcurrency() && next[0] < count && System.nanoTime() < deadline) {
          int n = next[0]++;
          inFlight[0]++;
          node.upload(token, name(n), Buffer.buffer("%\nO" + (n % 9000 + 1000) + "\nG0 X" + n + "\nM30\n%\n"))
            .onComplete(result -> {
              inFlight[0]--;
              counts[result.succeeded() ? 0 : 1]++;
              pump[0].run();
            });
        }
        if (inFlight[0] == 0) {
          done.tryComplete();
        }
      };
      pump[0].run();
    });
    done.future().await();
    counts[2] = next[0];
    return counts;
  }

  /**
   * Adds files {@code from..to-1} as copies of file 0 (all names share the group of file 0: the
   * first two digits), with one revision each, using the node's schema (storage-verticle db/V1).
   */
  private void seed(Path dataDir, int from, int to) {
    String template = name(0);
    String sql = """
      -- SYSTEM_RANGE names its column X (upper case, so quoted under DATABASE_TO_LOWER)
      INSERT INTO files (filename, name_key, grp, description, current_revision, size, sha256, created_at,
                         modified_at, deleted, locked_by, locked_at, lock_message)
        SELECT n.filename, LOWER(n.filename), t.grp, t.description, t.current_revision, t.size, t.sha256,
               t.created_at, t.modified_at, FALSE, NULL, NULL, NULL
        FROM (SELECT LPAD(CAST(%1$d + "X" AS VARCHAR), 7, '0') || '.nc' AS filename
              FROM SYSTEM_RANGE(%2$d, %3$d)) n
        CROSS JOIN (SELECT * FROM files WHERE filename = '%4$s') t;
      INSERT INTO revisions (filename, revision, major, minor, author, created_at, message, size, sha256)
        SELECT n.filename, r.revision, r.major, r.minor, r.author, r.created_at, r.message, r.size, r.sha256
        FROM (SELECT LPAD(CAST(%1$d + "X" AS VARCHAR), 7, '0') || '.nc' AS filename
              FROM SYSTEM_RANGE(%2$d, %3$d)) n
        CROSS JOIN (SELECT * FROM revisions WHERE filename = '%4$s') r;
      """.formatted(FIRST_NUMBER, from, to - 1, template);
    try {
      Path script = dataDir.resolveSibling("seed.sql");
      Files.writeString(script, sql);
      String url = "jdbc:h2:file:" + dataDir.resolve("db").resolve("pdm").toAbsolutePath() + ";DATABASE_TO_LOWER=TRUE";
      String output = Harness.run(List.of(Harness.javaBin(), "-cp", settings.jar().toString(), "org.h2.tools.RunScript",
        "-url", url, "-user", "sa", "-password", "", "-script", script.toString()), 300);
      if (!output.isBlank()) {
        throw new IllegalStateException("seeding with SQL failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int countFiles(JsonObject groups) {
    int n = 0;
    for (String group : groups.fieldNames()) {
      Object files = groups.getValue(group);
      if (files instanceof JsonArray array) {
        n += array.size();
      }
    }
    return n;
  }
}
