package com.ncvault.bench;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 4: checkout+cancel pairs per second with 1, 8 and 64 concurrent actors (closed loop, each
 * on its own file), on the embedded H2 and on PostgreSQL. Each level is first run in windows until
 * its throughput is steady (the first window is the cold figure; the time it took is recorded), then
 * measured in several runs whose median is the figure. On PostgreSQL the same checkout and cancel SQL
 * is then run through pgbench at the same concurrency, one transaction per operation, as a baseline.
 */
final class LockScenario {

  /** A window of the warm-up, and how steady the last windows must be (their spread over their median). */
  static final long WINDOW_MS = 2_000;
  static final double STEADY_SPREAD = 0.10;
  static final int STEADY_WINDOWS = 3;
  static final long MAX_WARMUP_MS = 120_000;
  /** Most JIT compiler CPU in a steady window, in percent of one core: above it the node is still compiling. */
  static final double JIT_QUIET_PERCENT = 5;

  private final Harness harness;
  private final Settings settings;

  LockScenario(Harness harness) {
    this.harness = harness;
    this.settings = harness.settings();
  }

  JsonObject run() {
    JsonObject json = new JsonObject();
    for (String backend : settings.lockBackends()) {
      json.put(backend, FanoutScenario.guarded(() -> runBackend(backend)));
      Bench.log("locks on " + backend + " done");
    }
    return json;
  }

  private JsonObject runBackend(String backend) {
    if (backend.equals("postgres")) {
      if (!Postgres.available()) {
        return new JsonObject().put("skipped", "PostgreSQL is not reachable on 127.0.0.1:5432 with psql");
      }
      try (Postgres db = Postgres.create("locks")) {
        JsonObject json = measure(Node.Options.embedded("locks-postgres", "1g")
          .with(ConfigKeys.DB_KIND, "postgres").with(ConfigKeys.PG_URI, db.uri()));
        // after the node stopped, so that the two never share the cores
        json.put("pgbench", FanoutScenario.guarded(() -> pgbench(db)));
        return json;
      }
    }
    return measure(Node.Options.embedded("locks-h2", "1g"));
  }

  private JsonObject measure(Node.Options options) {
    int files = settings.lockConcurrency().stream().mapToInt(Integer::intValue).max().orElse(1);
    try (Node node = Node.start(harness, options)) {
      String token = node.user("bench-locker", "programmer");
      List<String> filenames = new ArrayList<>();
      // one after another: a user may run only maxUploadsPerUser uploads at once
      for (int i = 0; i < files; i++) {
        String name = String.format("lock-%02d.nc", i);
        filenames.add(name);
        node.upload(token, name, Buffer.buffer("%\nO2000 (" + name + ")\nM30\n%\n")).await();
      }
      JsonArray levels = new JsonArray();
      for (int concurrency : settings.lockConcurrency()) {
        JsonObject warmup = warmUp(node, token, filenames, concurrency);
        List<JsonObject> runs = new ArrayList<>();
        for (int i = 0; i < settings.runs(); i++) {
          runs.add(level(node, token, filenames, concurrency, settings.lockMs()));
        }
        JsonObject level = median(runs);
        level.put("warmup", warmup).put("coldPairsPerSecond", warmup.getDouble("coldPairsPerSecond"))
          .put("runs", new JsonArray(runs));
        levels.add(level);
      }
      if (!settings.smoke()) {
        profileEachLevel(node, token, filenames, levels);
      }
      JsonObject json = new JsonObject().put("levels", levels).put("serverAlive", node.process().alive())
        .put("method", "per level: windows of " + WINDOW_MS + " ms until " + STEADY_WINDOWS
          + " in a row are within " + (int) (STEADY_SPREAD * 100) + " % of their median and the node's JIT compilers"
          + " used at most " + (int) JIT_QUIET_PERCENT + " % of a core in the last of them (at most "
          + MAX_WARMUP_MS / 1000 + " s); then " + settings.runs() + " runs of " + settings.lockMs()
          + " ms, median. No flight recording runs while the levels are measured; the CPU profile is"
          + " recorded afterwards, in one more run of each level (warmed again at the first level once"
          + " the recording has started), whose pairs/s is given as profiledPairsPerSecond");
      return json.put("profile", node.profile());
    }
  }

  /**
   * The CPU profile of each level, recorded after the measured runs so that the recording's cost (in
   * lock-only runs the single actor made 300-470 pairs/s under it, against 450-690 in its warm-up
   * before it) falls on no measured figure. Starting a recording makes the node recompile part of its
   * code, so the first level is warmed again first.
   */
  private void profileEachLevel(Node node, String token, List<String> filenames, JsonArray levels) {
    node.startProfile();
    JsonObject rewarm = warmUp(node, token, filenames, settings.lockConcurrency().get(0));
    for (int i = 0; i < levels.size(); i++) {
      JsonObject level = levels.getJsonObject(i);
      JsonObject profiled = level(node, token, filenames, level.getInteger("concurrency"), settings.lockMs());
      level.put("profiledPairsPerSecond", profiled.getDouble("pairsPerSecond"))
        .put("profiledPairP50Ms", profiled.getJsonObject("pairLatency").getDouble("p50Ms"));
    }
    levels.getJsonObject(0).put("warmupAfterProfileStart", rewarm);
  }

  /**
   * Windows until the last few agree and the node's JIT compilers have gone quiet; the first window is
   * the cold figure.
   */
  private JsonObject warmUp(Node node, String token, List<String> filenames, int concurrency) {
    List<Double> rates = new ArrayList<>();
    List<Double> jit = new ArrayList<>();
    long started = System.nanoTime();
    long limit = settings.smoke() ? WINDOW_MS / 2 : MAX_WARMUP_MS;
    while (true) {
      long jitBefore = ProcStats.jitCpuNanos(node.pid());
      long windowStart = System.nanoTime();
      rates.add(level(node, token, filenames, concurrency, settings.smoke() ? WINDOW_MS / 4 : WINDOW_MS)
        .getDouble("pairsPerSecond"));
      jit.add(FanoutRun.round(100.0 * (ProcStats.jitCpuNanos(node.pid()) - jitBefore)
        / (System.nanoTime() - windowStart)));
      long elapsedMs = (System.nanoTime() - started) / 1_000_000;
      boolean warm = steady(rates) && jit.get(jit.size() - 1) <= JIT_QUIET_PERCENT;
      if (warm || elapsedMs >= limit) {
        return new JsonObject().put("seconds", FanoutRun.round(elapsedMs / 1000.0))
          .put("windows", new JsonArray(rates)).put("jitPercent", new JsonArray(jit)).put("steady", warm)
          .put("coldPairsPerSecond", rates.get(0));
      }
    }
  }

  static boolean steady(List<Double> rates) {
    if (rates.size() < STEADY_WINDOWS) {
      return false;
    }
    List<Double> last = rates.subList(rates.size() - STEADY_WINDOWS, rates.size());
    double median = TransferScenario.median(last);
    double spread = last.stream().mapToDouble(Double::doubleValue).max().orElse(0)
      - last.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    return median > 0 && spread / median <= STEADY_SPREAD;
  }

  /** The run whose pairs/s is the median, with the median pair latency figures of all runs. */
  private static JsonObject median(List<JsonObject> runs) {
    List<JsonObject> byRate = runs.stream()
      .sorted(java.util.Comparator.comparingDouble(r -> r.getDouble("pairsPerSecond"))).toList();
    JsonObject middle = byRate.get(byRate.size() / 2).copy();
    for (String key : List.of("p50Ms", "p99Ms")) {
      middle.getJsonObject("pairLatency").put(key, TransferScenario.median(runs.stream()
        .map(r -> r.getJsonObject("pairLatency").getDouble(key)).toList()));
    }
    return middle;
  }

  /**
   * The node's checkout and cancel SQL (a conditional UPDATE, the seq counter, the activity row), one
   * transaction per operation, through pgbench at each concurrency, each client on its own file.
   */
  private JsonObject pgbench(Postgres db) {
    if (!Harness.onPath("pgbench")) {
      return new JsonObject().put("skipped", "pgbench is not installed (Debian's postgresql package has it)");
    }
    Path script = harness.tmp("pgbench").resolve("pair.sql");
    String event = "x".repeat(600);
    String sql = """
      BEGIN;
      UPDATE files SET locked_by = 'bench', locked_at = 1, lock_message = NULL WHERE filename = 'lock-' || lpad(:client_id::text, 2, '0') || '.nc' AND deleted = FALSE AND locked_by IS NULL RETURNING *;
      UPDATE counters SET current_value = current_value + 1 WHERE name = 'seq' RETURNING current_value;
      INSERT INTO activity (seq, event_type, filename, username, created_at, revision, message, event_json) SELECT current_value, 'checkout', 'lock-' || lpad(:client_id::text, 2, '0') || '.nc', 'bench', 1, '1.0', NULL, '%1$s' FROM counters WHERE name = 'seq';
      COMMIT;
      BEGIN;
      UPDATE files SET locked_by = NULL, locked_at = NULL, lock_message = NULL WHERE filename = 'lock-' || lpad(:client_id::text, 2, '0') || '.nc' AND deleted = FALSE AND locked_by = 'bench' RETURNING *;
      UPDATE counters SET current_value = current_value + 1 WHERE name = 'seq' RETURNING current_value;
      INSERT INTO activity (seq, event_type, filename, username, created_at, revision, message, event_json) SELECT current_value, 'cancel', 'lock-' || lpad(:client_id::text, 2, '0') || '.nc', 'bench', 1, '1.0', NULL, '%1$s' FROM counters WHERE name = 'seq';
      COMMIT;
      """.formatted(event);
    try {
      Files.writeString(script, sql);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JsonArray levels = new JsonArray();
    long seconds = Math.max(1, settings.lockMs() / 1000);
    for (int clients : settings.lockConcurrency()) {
      List<String> command = List.of("pgbench", "-h", "127.0.0.1", "-U", "postgres", "-n", "-c", String.valueOf(clients),
        "-j", String.valueOf(Math.min(clients, 2)), "-T", String.valueOf(seconds * settings.runs()), "-f", script.toString(),
        db.name());
      String output = Harness.run(command, 120);
      java.util.regex.Matcher tps = java.util.regex.Pattern.compile("tps = ([0-9.]+)").matcher(output);
      if (!tps.find()) {
        throw new IllegalStateException("pgbench gave no tps:\n" + output);
      }
      levels.add(new JsonObject().put("concurrency", clients).put("pairsPerSecond",
        FanoutRun.round(Double.parseDouble(tps.group(1)))));
    }
    return new JsonObject().put("levels", levels).put("command", "pgbench -c N -j min(N,2) -T "
      + seconds * settings.runs() + " -f pair.sql (checkout and cancel, one transaction each, the node's SQL)");
  }

  private JsonObject level(Node node, String token, List<String> filenames, int concurrency, long ms) {
    Context context = harness.vertx().getOrCreateContext();
    Histogram pairMicros = new Histogram(3);
    int[] pairs = {0};
    int[] errors = {0};
    String[] firstError = {null};
    Promise<Void> done = Promise.promise();
    ProcStats.CpuWindow generatorCpu = ProcStats.CpuWindow.start(ProcessHandle.current().pid());
    ProcStats.CpuWindow serverCpu = ProcStats.CpuWindow.start(node.pid());
    long start = System.nanoTime();
    long end = start + ms * 1_000_000L;
    int[] running = {concurrency};
    context.runOnContext(v -> {
      for (int i = 0; i < concurrency; i++) {
        String file = filenames.get(i);
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> {
          long t0 = System.nanoTime();
          node.checkout(token, file).compose(x -> node.cancel(token, file)).onComplete(result -> {
            long now = System.nanoTime();
            Future<Void> settled = Future.succeededFuture();
            if (result.succeeded()) {
              pairs[0]++;
              pairMicros.recordValue(Math.max(1, (now - t0) / 1000));
            } else {
              errors[0]++;
              if (firstError[0] == null) {
                firstError[0] = String.valueOf(result.cause().getMessage());
              }
              // a failed cancel leaves the file locked: release it before the next pair
              settled = node.cancel(token, file).otherwiseEmpty();
            }
            settled.onComplete(x -> {
              if (System.nanoTime() < end) {
                loop[0].run();
              } else if (--running[0] == 0) {
                done.complete();
              }
            });
          });
        };
        loop[0].run();
      }
    });
    done.future().await();
    double seconds = (System.nanoTime() - start) / 1e9;
    JsonObject json = new JsonObject()
      .put("concurrency", concurrency)
      .put("seconds", FanoutRun.round(seconds))
      .put("pairs", pairs[0])
      .put("pairsPerSecond", FanoutRun.round(pairs[0] / seconds))
      .put("errors", errors[0])
      .put("pairLatency", Latency.of(pairMicros))
      .put("generatorCpuPercent", FanoutRun.round(generatorCpu.percent()))
      .put("serverCpuPercent", FanoutRun.round(serverCpu.percent()));
    if (firstError[0] != null) {
      json.put("firstError", firstError[0]);
    }
    return json;
  }
}
