package com.ncvault.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness in smoke mode against the real runnable jar (packaged earlier in the same reactor
 * build): 20 clients, a few events, the ws baseline when node and npm are there, locks on H2 for
 * 2 s, a small transfer, a small list (half uploaded, half added with SQL) and the facts and toolpath of two 1 MB programs. Proves the harness measures, not how fast anything is.
 */
class BenchSmokeTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void smokeRunMeasuresEveryClientReceivingEveryEventAndWritesTheResults(@TempDir Path tmp) throws Exception {
    Settings settings = Settings.smoke(ROOT, tmp.resolve("results"), tmp.resolve("tmp"), installWs(tmp),
      Set.of("fanout", "locks", "transfers", "list", "program"));
    assertThat(settings.jar()).as("pdm-node is packaged before bench in mvn verify").isRegularFile();

    JsonObject results = Bench.run(settings);

    JsonObject written = new JsonObject(Files.readString(settings.resultsDir().resolve("latest.json")));
    assertThat(written.getString("mode")).isEqualTo("smoke");
    assertThat(Files.readString(settings.resultsDir().resolve("latest.md"))).contains("| 20 | ncvault |");

    JsonObject run = results.getJsonObject("fanout").getJsonArray("runs").getJsonObject(0);
    JsonObject node = run.getJsonObject("ncvault");
    assertEveryClientGotEveryEvent(node);
    if (settings.wsPrefix() != null) {
      assertEveryClientGotEveryEvent(run.getJsonObject("ws"));
    }
    // the page's protocol: one EVENT frame per change, the lock event the only frame of its seq
    JsonObject reference = node.getJsonObject("reference");
    assertThat(reference.getLong("framesPerSecond")).as("frames per second = lock messages per second")
      .isLessThanOrEqualTo(reference.getLong("deliveredPerSecond") + 40);
    assertThat(node.getJsonObject("warmup").getInteger("stepCount")).isPositive();
    assertThat(node.getJsonObject("warmup").getJsonObject("cold").getJsonObject("latency").getDouble("p50Ms")).isPositive();
    assertThat(node.getJsonObject("connectStorm").getDouble("medianSeconds")).isPositive();
    JsonObject histogram = node.getJsonObject("idle").getJsonObject("classHistogram");
    assertThat(histogram.getJsonArray("top")).isNotEmpty();
    for (Object file : histogram.getJsonArray("files")) {
      assertThat(settings.resultsDir().resolve((String) file)).isRegularFile();
    }
    // the profiles come from a step recorded after the measured ones, not from the measured steps
    assertThat(node.getJsonObject("profiledStep").getInteger("events")).as("events of the recorded step").isPositive();
    JsonObject allocations = node.getJsonObject("allocations");
    assertThat(allocations.getInteger("samples")).as("allocation samples of the fan-out steps").isPositive();
    assertThat(allocations.getJsonArray("topFrames")).isNotEmpty();
    String md = Files.readString(settings.resultsDir().resolve("latest.md"));
    assertThat(md).contains("#### Class histogram", "#### Allocation profile", "connect storm");

    JsonArray targets = results.getJsonArray("targets");
    assertThat(targets.stream().map(t -> ((JsonObject) t).getString("target")))
      .anyMatch(t -> t.startsWith("connect storm"))
      .anyMatch(t -> t.startsWith("H2 checkout+cancel pairs/s, 64 actors"))
      .anyMatch(t -> t.startsWith("GET /api/files"));

    JsonArray levels = results.getJsonObject("locks").getJsonObject("h2").getJsonArray("levels");
    assertThat(levels).as("1, 8 and 64 actors").hasSize(3);
    for (int i = 0; i < levels.size(); i++) {
      JsonObject level = levels.getJsonObject(i);
      assertThat(level.getDouble("pairsPerSecond")).as("lock pairs/s").isPositive();
      assertThat(level.getInteger("errors")).as("failed checkouts or cancels").isZero();
    }

    JsonObject transfers = results.getJsonObject("transfers");
    assertThat(transfers.getJsonObject("ncvault").getDouble("uploadMBps")).isPositive();
    assertThat(transfers.getJsonObject("ncvault").getDouble("downloadMBps")).isPositive();
    // a smoke run warms each path with one transfer, which is also its cold figure
    JsonObject uploadWarmUp = transfers.getJsonObject("ncvault").getJsonObject("uploadWarmUp");
    assertThat(uploadWarmUp.getInteger("uploads")).isEqualTo(1);
    assertThat(uploadWarmUp.getDouble("coldMBps")).isPositive();
    assertThat(transfers.getJsonObject("ncvault").getJsonObject("downloadWarmUp").getInteger("downloads")).isEqualTo(1);
    assertThat(transfers.getJsonObject("dd").getDouble("writeMBps")).isPositive();

    JsonObject list = results.getJsonObject("list");
    assertThat(list.getInteger("apiFiles")).as("files uploaded through the API").isEqualTo(settings.listApiFiles());
    assertThat(list.getInteger("sqlFiles")).as("files added with SQL")
      .isEqualTo(settings.listFiles() - settings.listApiFiles());
    assertThat(list.getInteger("listedFiles")).isEqualTo(settings.listFiles());
    assertThat(list.getLong("responseBytes")).isPositive();

    JsonObject program = results.getJsonObject("program");
    assertThat(program.containsKey("error")).as("program scenario failed: %s", program.getString("error")).isFalse();
    assertThat(program.getInteger("lines")).as("lines of the synthetic program").isPositive();
    assertThat(program.getDouble("factsMedianMs")).isPositive();
    assertThat(program.getInteger("svgBytes")).isPositive();
    assertThat(Files.readString(settings.resultsDir().resolve("latest.md"))).contains("#### Program facts and toolpath");
  }

  private static void assertEveryClientGotEveryEvent(JsonObject server) {
    assertThat(server.containsKey("error")).as("run failed: %s", server.getString("error")).isFalse();
    assertThat(server.getJsonObject("idle").getInteger("ready")).isEqualTo(20);
    JsonArray steps = server.getJsonArray("steps");
    assertThat(steps).isNotEmpty();
    for (int i = 0; i < steps.size(); i++) {
      JsonObject step = steps.getJsonObject(i);
      assertThat(step.getInteger("events")).as("events made").isPositive();
      assertThat(step.getInteger("requestErrors")).isZero();
      assertThat(step.getLong("receipts")).as("receipts of every event by every client")
        .isEqualTo(step.getLong("expectedReceipts")).isEqualTo(20L * step.getInteger("events"));
      assertThat(step.getInteger("orderMismatches")).isZero();
      assertThat(step.getJsonObject("latency").getDouble("p50Ms")).isPositive();
      assertThat(step.getJsonObject("latency").getDouble("maxMs"))
        .isGreaterThanOrEqualTo(step.getJsonObject("latency").getDouble("p99Ms"));
    }
  }

  /** Node's ws package from the npm registry into a temp directory; null (baseline skipped) without node and npm. */
  private static Path installWs(Path tmp) throws Exception {
    if (!Harness.onPath("node") || !Harness.onPath("npm")) {
      return null;
    }
    Path prefix = tmp.resolve("ws");
    Process npm = new ProcessBuilder(List.of("npm", "install", "--prefix", prefix.toString(), "ws", "--no-audit",
      "--no-fund", "--silent")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!npm.waitFor(120, TimeUnit.SECONDS)) {
      npm.destroyForcibly();
      return null;
    }
    return npm.exitValue() == 0 && Files.isDirectory(prefix.resolve("node_modules/ws")) ? prefix : null;
  }
}
