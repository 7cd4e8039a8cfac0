package com.ncvault.bench;

import com.ncvault.nc.SyntheticProgram;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * Scenario 7: what is inside a large NC program, through the API (embedded H2). Each run uploads
 * a new synthetic program (another seed: another SHA-256, so nothing is cached), then asks its
 * facts at once (GET /program: the node interprets the content right after storing it, and the
 * request waits for that), the facts again (stored), its top-view toolpath (drawn: two interpreter
 * passes and the SVG) and that again (cached). Warm-up runs first, then the median of the runs.
 */
final class ProgramScenario {

  private final Harness harness;
  private final Settings settings;

  ProgramScenario(Harness harness) {
    this.harness = harness;
    this.settings = harness.settings();
  }

  JsonObject run() {
    int bytes = settings.programMegabytes() * 1_000_000;
    JsonObject json = new JsonObject().put("programBytes", bytes).put("warmUpRuns", settings.programWarmUp());
    try (Node node = Node.start(harness, Node.Options.embedded("program-node", "1g"))) {
      String token = node.user("bench-programmer", "programmer");
      String[] steps = {"uploadMs", "factsMs", "factsAgainMs", "svgMs", "svgAgainMs"};
      double[][] measured = new double[steps.length][settings.programRuns()];
      for (int run = 0; run < settings.programWarmUp() + settings.programRuns(); run++) {
        String name = String.format("9%06d_BENCH.nc", run);
        byte[] program = SyntheticProgram.generate(bytes, 1000 + run);
        double[] times = new double[steps.length];
        long t0 = System.nanoTime();
        node.upload(token, name, Buffer.buffer(program)).await();
        times[0] = since(t0);
        JsonObject facts = null;
        for (int i = 1; i <= 2; i++) {
          long t = System.nanoTime();
          facts = get(node, token, "/api/files/" + name + "/program").json();
          times[i] = since(t);
        }
        for (int i = 3; i <= 4; i++) {
          long t = System.nanoTime();
          json.put("svgBytes", get(node, token, "/api/files/" + name + "/toolpath.svg?view=xy").body().length());
          times[i] = since(t);
        }
        json.put("lines", facts.getInteger("lines")).put("tools", facts.getJsonArray("tools").size());
        int measuredRun = run - settings.programWarmUp();
        if (measuredRun >= 0) {
          for (int s = 0; s < steps.length; s++) {
            measured[s][measuredRun] = times[s];
          }
        }
        Bench.log("program run " + run + ": facts " + Math.round(times[1]) + " ms, svg " + Math.round(times[3]) + " ms");
      }
      for (int s = 0; s < steps.length; s++) {
        JsonArray all = new JsonArray();
        Arrays.stream(measured[s]).forEach(ms -> all.add(FanoutRun.round(ms)));
        json.put(steps[s], all).put(steps[s].replace("Ms", "MedianMs"), FanoutRun.round(median(measured[s])));
      }
      return json.put("runs", settings.programRuns()).put("peakHeapBytes", node.peakHeapFromGcLog());
    }
  }

  private Http.Response get(Node node, String token, String uri) {
    Http.Response response = harness.http().send(HttpMethod.GET, node.port(), uri, token, null, null).await();
    if (!response.ok()) {
      throw new IllegalStateException("GET " + uri + " -> " + response.status() + " " + response.body());
    }
    return response;
  }

  private static double since(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e6;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
