package com.ncvault.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
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
 * the flood (same sequence), then with it. The other user has an HTTP client (a connection pool) of
 * its own, as a different person's browser would: the flood's requests never queue in front of its
 * requests inside the load generator. A request that fails, or that exceeds {@link Http}'s bounds,
 * counts as an error, and its time is recorded too.
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
    Http user = new Http(harness.vertx(), 4);
    try (Node node = Node.start(harness, Node.Options.embedded("isolation-node", "1g"))) {
      String alice = node.user("bench-alice", "programmer");
      node.upload(alice, "1000001_ISO.nc", Buffer.buffer("G21\n".repeat(256))).await();
      long ms = settings.smoke() ? 1_000 : 10_000;
      // warm-up, not recorded
      measure(user, node, alice, ms);
      JsonObject quiet = measure(user, node, alice, ms);
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
      JsonObject during = measure(user, node, alice, ms);
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
    } finally {
      user.close().await();
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
  private JsonObject measure(Http user, Node node, String token, long ms) {
    Histogram download = new Histogram(3);
    Histogram checkout = new Histogram(3);
    Histogram health = new Histogram(3);
    List<String> errors = new ArrayList<>();
    String file = "1000001_ISO.nc";
    long end = System.nanoTime() + ms * 1_000_000L;
    while (System.nanoTime() < end) {
      timed(download, errors, () -> user.download(node.port(), "/api/files/" + file + "/content", token));
      timed(checkout, errors, () -> node.checkout(user, token, file).compose(v -> node.cancel(user, token, file)));
      timed(health, errors, () -> user.send(HttpMethod.GET, node.port(), "/health", null, null, null)
        .compose(r -> r.ok() ? Future.succeededFuture() : Future.failedFuture("health " + r.status())));
    }
    return new JsonObject()
      .put("download1KiB", Latency.of(download))
      .put("checkoutAndCancel", Latency.of(checkout))
      .put("health", Latency.of(health))
      .put("errors", errors.size())
      .put("firstErrors", new JsonArray(errors.stream().distinct().limit(5).toList()));
  }

  /** Records the time of one request, also when it fails (a failure is what the user waited for). */
  private static void timed(Histogram histogram, List<String> errors, Supplier<Future<?>> request) {
    long t0 = System.nanoTime();
    try {
      request.get().await();
    } catch (RuntimeException failed) {
      errors.add(String.valueOf(failed.getCause() == null ? failed.getMessage() : failed.getCause().getMessage()));
    }
    histogram.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
  }
}
