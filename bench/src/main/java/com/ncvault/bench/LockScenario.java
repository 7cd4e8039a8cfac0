package com.ncvault.bench;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 4: checkout+cancel pairs per second with 1, 8 and 64 concurrent actors (closed loop, each
 * on its own file), on the embedded H2 and on PostgreSQL.
 */
final class LockScenario {

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
        return measure(Node.Options.embedded("locks-postgres", "1g")
          .with(ConfigKeys.DB_KIND, "postgres").with(ConfigKeys.PG_URI, db.uri()));
      }
    }
    return measure(Node.Options.embedded("locks-h2", "1g"));
  }

  private JsonObject measure(Node.Options options) {
    int files = settings.lockConcurrency().stream().mapToInt(Integer::intValue).max().orElse(1);
    try (Node node = Node.start(harness, options)) {
      String token = node.user("bench-locker", "programmer");
      List<String> filenames = new ArrayList<>();
      List<Future<Void>> uploads = new ArrayList<>();
      for (int i = 0; i < files; i++) {
        String name = String.format("lock-%02d.nc", i);
        filenames.add(name);
        uploads.add(node.upload(token, name, Buffer.buffer("%\nO2000 (" + name + ")\nM30\n%\n")));
      }
      Future.all(uploads).await();
      // warm-up, not recorded: the first requests load classes and compile the hot paths
      level(node, token, filenames, Math.min(8, files), Math.min(1_000, settings.lockMs() / 2));
      if (!settings.smoke()) {
        node.startProfile();
      }
      JsonArray levels = new JsonArray();
      for (int concurrency : settings.lockConcurrency()) {
        levels.add(level(node, token, filenames, concurrency, settings.lockMs()));
      }
      JsonObject json = new JsonObject().put("levels", levels).put("serverAlive", node.process().alive());
      return json.put("profile", node.profile());
    }
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
