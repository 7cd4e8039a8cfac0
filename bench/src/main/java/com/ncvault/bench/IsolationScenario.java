package com.ncvault.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Scenario 7: one kind of request must not stall a node. 60 clients log in for made-up names (each a
 * full bcrypt on the node) again and again, while another user downloads a 1 KiB file, checks a file
 * out and in, and asks /health, one after the other; their latencies are measured first without
 * the flood (same sequence), then with it.
 */
final class IsolationScenario {

  static final int FLOOD_CLIENTS = 60;

  private final Harness harness;
  private final Settings settings;

  IsolationScenario(Harness harness) {
    this.harness = harness;
    this.settings = harness.settings();
  }

  JsonObject run() {
    try (Node node = Node.start(harness, Node.Options.embedded("isolation-node", "1g"))) {
      String alice = node.user("bench-alice", "programmer");
      node.upload(alice, "1000001_ISO.nc", Buffer.buffer("G21\n".repeat(256))).await();
      long ms = settings.smoke() ? 1_000 : 10_000;
      // warm-up, not recorded
      measure(node, alice, ms);
      JsonObject quiet = measure(node, alice, ms);
      AtomicBoolean flooding = new AtomicBoolean(true);
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      Context context = harness.vertx().getOrCreateContext();
      Promise<Void> floodStarted = Promise.promise();
      context.runOnContext(v -> {
        for (int i = 0; i < FLOOD_CLIENTS; i++) {
          flood(node, flooding, statuses);
        }
        floodStarted.complete();
      });
      floodStarted.future().await();
      JsonObject during = measure(node, alice, ms);
      flooding.set(false);
      JsonObject logins = new JsonObject();
      statuses.forEach((status, n) -> logins.put(String.valueOf(status), n.get()));
      return new JsonObject()
        .put("floodClients", FLOOD_CLIENTS)
        .put("seconds", ms / 1000.0)
        .put("withoutFlood", quiet)
        .put("duringFlood", during)
        .put("floodLoginStatuses", logins)
        .put("serverAlive", node.process().alive());
    }
  }

  /** One login after another for a new made-up name, while {@code flooding}. */
  private void flood(Node node, AtomicBoolean flooding, Map<Integer, AtomicInteger> statuses) {
    if (!flooding.get()) {
      return;
    }
    harness.http().send(HttpMethod.POST, node.port(), "/api/auth/login", null, "application/json",
        new JsonObject().put("username", "nobody-" + UUID.randomUUID()).put("password", "guess-guess").toBuffer())
      .onComplete(r -> {
        if (r.succeeded()) {
          statuses.computeIfAbsent(r.result().status(), s -> new AtomicInteger()).incrementAndGet();
        }
        flood(node, flooding, statuses);
      });
  }

  /** The other user's requests, one after another for {@code ms}: each kind's latency. */
  private JsonObject measure(Node node, String token, long ms) {
    Histogram download = new Histogram(3);
    Histogram checkout = new Histogram(3);
    Histogram health = new Histogram(3);
    long end = System.nanoTime() + ms * 1_000_000L;
    int errors = 0;
    while (System.nanoTime() < end) {
      errors += timed(download, () -> harness.http().download(node.port(), "/api/files/1000001_ISO.nc/content", token));
      errors += timed(checkout, () -> node.checkout(token, "1000001_ISO.nc").compose(v -> node.cancel(token,
        "1000001_ISO.nc")));
      errors += timed(health, () -> harness.http().send(HttpMethod.GET, node.port(), "/health", null, null, null)
        .compose(r -> r.ok() ? Future.succeededFuture() : Future.failedFuture("health " + r.status())));
    }
    return new JsonObject()
      .put("download1KiB", Latency.of(download))
      .put("checkoutAndCancel", Latency.of(checkout))
      .put("health", Latency.of(health))
      .put("errors", errors);
  }

  private static int timed(Histogram histogram, Supplier<Future<?>> request) {
    long t0 = System.nanoTime();
    try {
      request.get().await();
    } catch (RuntimeException failed) {
      return 1;
    }
    histogram.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
    return 0;
  }
}
