package com.ncvault.bench;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Scenario 6: GET /api/files on a vault of many files. The files are created through the API (small
 * uploads, several in flight), as a user would, within a time cap; the result says how many exist.
 */
final class ListScenario {

  private static final int GETS = 3;

  private final Harness harness;
  private final Settings settings;

  ListScenario(Harness harness) {
    this.harness = harness;
    this.settings = harness.settings();
  }

  JsonObject run() {
    try (Node node = Node.start(harness, Node.Options.embedded("list-node", "1g"))) {
      String token = node.user("bench-lister", "programmer");
      long started = System.nanoTime();
      int[] created = create(node, token);
      double createSeconds = (System.nanoTime() - started) / 1e9;
      JsonArray gets = new JsonArray();
      long bytes = 0;
      int files = 0;
      for (int i = 0; i < GETS; i++) {
        long t0 = System.nanoTime();
        Http.Response response = harness.http().send(HttpMethod.GET, node.port(), "/api/files", token, null, null)
          .await();
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!response.ok()) {
          throw new IllegalStateException("GET /api/files -> " + response.status());
        }
        bytes = response.body().length();
        if (i == 0) {
          files = countFiles(response.json());
        }
        gets.add(FanoutRun.round(ms));
      }
      return new JsonObject()
        .put("requestedFiles", settings.listFiles())
        .put("createdFiles", created[0])
        .put("createErrors", created[1])
        .put("createdVia", "API: POST /api/files multipart uploads of ~40 bytes, " + settings.listConcurrency()
          + " in flight")
        .put("createSeconds", FanoutRun.round(createSeconds))
        .put("createPerSecond", FanoutRun.round(created[0] / createSeconds))
        .put("listedFiles", files)
        .put("responseBytes", bytes)
        .put("getMs", gets)
        .put("firstGetMs", gets.getDouble(0))
        .put("bestGetMs", gets.stream().mapToDouble(v -> ((Number) v).doubleValue()).min().orElse(0))
        .put("peakHeapBytes", node.peakHeapFromGcLog());
    }
  }

  /** Uploads files with a fixed number in flight until all exist or the time cap; returns {created, errors}. */
  private int[] create(Node node, String token) {
    Context context = harness.vertx().getOrCreateContext();
    int[] counts = {0, 0};
    int[] next = {0};
    int[] inFlight = {0};
    long deadline = System.nanoTime() + settings.listCreateCapMs() * 1_000_000L;
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      Runnable[] pump = new Runnable[1];
      pump[0] = () -> {
        while (inFlight[0] < settings.listConcurrency() && next[0] < settings.listFiles()
          && System.nanoTime() < deadline) {
          int n = next[0]++;
          inFlight[0]++;
          String name = String.format("%07d.nc", 1_000_000 + n);
          node.upload(token, name, Buffer.buffer("%\nO" + (n % 9000 + 1000) + "\nG0 X" + n + "\nM30\n%\n"))
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
    return counts;
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
