package com.ncvault.bench;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The harness's own arithmetic and parsing, without a node: frames, histograms, units, medians. */
class HarnessPartsTest {

  @Test
  void proto3EventsAreLockChangesByTheirEventTypeAndProto2DeltasStillAre() {
    String lock = FanoutScenario.syntheticMessage("fanout-01.nc", true);
    String unlock = FanoutScenario.syntheticMessage("fanout-01.nc", false);
    assertThat(JsonScan.stringField(lock, "type")).isEqualTo("EVENT");
    assertThat(ClientLoop.lockChange("EVENT", lock)).isTrue();
    assertThat(ClientLoop.lockChange("EVENT", unlock)).isFalse();
    assertThat(JsonScan.stringField(unlock, "filename")).isEqualTo("fanout-01.nc");
    String checkin = "{\"type\":\"EVENT\",\"seq\":3,\"payload\":{\"event_type\":\"checkin\",\"filename\":\"a.nc\"}}";
    assertThat(ClientLoop.lockChange("EVENT", checkin)).isNull();
    assertThat(ClientLoop.lockChange("FILE_LOCKED", "{}")).isTrue();
    assertThat(ClientLoop.lockChange("FILE_UNLOCKED", "{}")).isFalse();
    assertThat(ClientLoop.lockChange("PRESENCE", "{}")).isNull();
  }

  @Test
  void theLadderBisectsUntilItsPassAndFailureAreWithinFifteenPercent() {
    // a server that passes every step up to 100 events/s, after the doubling passed 80 and failed 160
    List<Double> tried = new ArrayList<>();
    DoubleFunction<JsonObject> server = rate -> {
      tried.add(rate);
      return ladderStep(rate, rate <= 100);
    };
    JsonObject best = FanoutRun.bisect(ladderStep(80, true), ladderStep(160, false), 5, server);
    // 113.1 fails, 95.1 passes, 103.7 fails; 103.7 / 95.1 < 1.15 ends it before the five allowed
    assertThat(tried).hasSize(3);
    assertThat(tried.get(0)).isCloseTo(113.14, within(0.01));
    assertThat(tried.get(1)).isCloseTo(95.14, within(0.01));
    assertThat(tried.get(2)).isCloseTo(103.75, within(0.01));
    assertThat(best.getDouble("targetEventsPerSecond")).isCloseTo(95.14, within(0.01));

    tried.clear();
    assertThat(FanoutRun.bisect(ladderStep(80, true), ladderStep(160, false), 1, server)
      .getDouble("targetEventsPerSecond")).isEqualTo(80.0);
    assertThat(tried).hasSize(1);
    tried.clear();
    // nothing to bisect when the ladder never failed, or never passed
    assertThat(FanoutRun.bisect(ladderStep(80, true), null, 3, server).getDouble("targetEventsPerSecond")).isEqualTo(80.0);
    assertThat(FanoutRun.bisect(null, ladderStep(1, false), 3, server)).isNull();
    assertThat(tried).isEmpty();
    assertThat(Bench.parse(new String[0]).bisections()).isEqualTo(3);
  }

  private static JsonObject ladderStep(double rate, boolean pass) {
    return new JsonObject().put("targetEventsPerSecond", rate).put("pass", pass);
  }

  @Test
  void clientsOptionNarrowsTheFanoutToTheGivenCountsAndRefusesNonsense() {
    Settings settings = Bench.parse(new String[] {"--only", "fanout", "--clients", "1000,5000", "--runs", "2"});
    assertThat(settings.fanoutClients()).containsExactly(1_000, 5_000);
    assertThat(settings.runs()).isEqualTo(2);
    assertThat(settings.scenarios()).containsExactly("fanout");
    assertThat(Bench.parse(new String[0]).fanoutClients()).containsExactly(100, 1_000, 5_000, 10_000);
    assertThatThrownBy(() -> Bench.parse(new String[] {"--clients", "0"}))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--clients");
  }

  @Test
  void classHistogramGrowthIsCountedPerConnection() {
    String before = """
       num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:           100           4000  [B (java.base@17.0.15)
         2:            10            400  java.lang.String (java.base@17.0.15)
      Total           110           4400
      """;
    String after = """
       num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:          1100          84000  [B (java.base@17.0.15)
         2:            10            400  java.lang.String (java.base@17.0.15)
         3:            20           1600  io.vertx.core.http.impl.ServerWebSocketImpl
      Total          1130          86000
      """;
    JsonObject growth = ClassHistogram.perConnection(ClassHistogram.parse(before), ClassHistogram.parse(after), 20, 25);
    assertThat(growth.getLong("liveBytesGrowth")).isEqualTo(81_600);
    assertThat(growth.getLong("bytesPerConnection")).isEqualTo(4_080);
    JsonObject first = growth.getJsonArray("top").getJsonObject(0);
    assertThat(first.getString("class")).isEqualTo("[B");
    assertThat(first.getDouble("bytesPerConnection")).isEqualTo(4_000.0);
    assertThat(first.getDouble("instancesPerConnection")).isEqualTo(50.0);
    assertThat(growth.getJsonArray("top").getJsonObject(1).getString("class"))
      .isEqualTo("io.vertx.core.http.impl.ServerWebSocketImpl");
  }

  @Test
  void allocationWeightsAreReadInJfrUnits() {
    assertThat(Profile.bytes("812 bytes")).isEqualTo(812);
    assertThat(Profile.bytes("1.5 kB")).isCloseTo(1536, within(0.01));
    assertThat(Profile.bytes("2.0 MB")).isCloseTo(2 * 1024 * 1024, within(0.01));
    assertThat(Profile.bytes("n/a")).isZero();
  }

  @Test
  void warmUpIsSteadyWhenTwoP50sAreWithinTenPercentAndNothingWasMissing() {
    assertThat(FanoutRun.steadyP50(step(10, 0), step(10.9, 0))).isTrue();
    assertThat(FanoutRun.steadyP50(step(10, 0), step(12, 0))).isFalse();
    assertThat(FanoutRun.steadyP50(step(10, 0), step(10, 3))).isFalse();
  }

  @Test
  void warmUpEndsOnlyOnceTheServersCompilersAreQuietInBothSteps() {
    assertThat(FanoutRun.warm(step(10, 0).put("jitPercent", 4.0), step(10.5, 0).put("jitPercent", 1.0))).isTrue();
    assertThat(FanoutRun.warm(step(10, 0).put("jitPercent", 25.0), step(10.5, 0).put("jitPercent", 1.0)))
      .as("still compiling in the step before").isFalse();
    assertThat(FanoutRun.warm(step(10, 0).put("jitPercent", 1.0), step(10.5, 0).put("jitPercent", 6.0)))
      .as("still compiling in the last step").isFalse();
    assertThat(FanoutRun.warm(step(10, 0).put("jitPercent", 0.0), step(12, 0).put("jitPercent", 0.0)))
      .as("quiet but not steady").isFalse();
  }

  @Test
  void theReferenceIsTheMedianOfItsRunsPerPercentile() {
    JsonObject median = FanoutRun.medianStep(List.of(step(10, 0, 50), step(30, 0, 10), step(20, 0, 90)));
    assertThat(median.getJsonObject("latency").getDouble("p50Ms")).isEqualTo(20.0);
    assertThat(median.getJsonObject("latency").getDouble("p99Ms")).isEqualTo(50.0);
    assertThat(median.getInteger("runs")).isEqualTo(3);
  }

  @Test
  void connectStormsAreSteadyOnlyWhenTheLastThreeAgreeWithinTenPercentOfTheirMedian() {
    assertThat(FanoutRun.steadyStorms(List.of(1.68, 1.64))).as("two storms are not enough").isFalse();
    assertThat(FanoutRun.steadyStorms(List.of(2.2, 1.0, 1.05, 0.97))).isTrue();
    assertThat(FanoutRun.steadyStorms(List.of(1.45, 1.41, 1.09))).as("still getting faster").isFalse();
    assertThat(FanoutRun.steadyStorms(List.of(0.9, 1.0, 1.11))).as("1.11 is 11 % over the median").isFalse();
  }

  @Test
  void targetsCompareTheConnectStormAndTheClusterAndNameEveryIssueTarget() {
    JsonObject results = new JsonObject()
      .put("fanout", new JsonObject().put("runs", new io.vertx.core.json.JsonArray().add(new JsonObject()
        .put("clients", 1000)
        .put("ncvault", new JsonObject().put("connectStorm", new JsonObject().put("medianSeconds", 1.2)))
        .put("ws", new JsonObject().put("connectStorm", new JsonObject().put("medianSeconds", 1.0))))))
      .put("cluster", new JsonObject().put("sameNode", new JsonObject().put("p99Ms", 20.0))
        .put("crossNode", new JsonObject().put("p99Ms", 26.0)));
    Map<String, Object> met = new java.util.HashMap<>();
    Targets.evaluate(results).forEach(t -> met.put(((JsonObject) t).getString("target"), ((JsonObject) t).getValue("met")));
    assertThat(met).containsEntry("connect storm: 1000 clients connected and ready (median of runs)", true);
    assertThat(met.entrySet()).anySatisfy(e -> {
      assertThat(e.getKey()).startsWith("cluster: cross-node p99");
      assertThat(e.getValue()).isEqualTo(false);
    });
    assertThat(met.keySet()).anyMatch(k -> k.startsWith("p99 request-to-every-client at N=1000"))
      .anyMatch(k -> k.startsWith("H2 checkout+cancel pairs/s, 64 actors"))
      .anyMatch(k -> k.startsWith("another user's health p99"));
  }

  private static JsonObject step(double p50, long missing) {
    return step(p50, missing, p50 * 2);
  }

  private static JsonObject step(double p50, long missing, double p99) {
    return new JsonObject().put("missingReceipts", missing)
      .put("latency", new JsonObject().put("p50Ms", p50).put("p95Ms", p99).put("p99Ms", p99).put("maxMs", p99));
  }

  @Test
  void aServersPortIsFreeAndBelowTheKernelsEphemeralRange() throws Exception {
    int ephemeralFrom = Harness.ephemeralRangeStart();
    if (java.nio.file.Files.exists(Harness.EPHEMERAL_RANGE)) {
      assertThat(ephemeralFrom).as("the start of the kernel's ephemeral range").isGreaterThan(1024);
    }
    for (int i = 0; i < 20; i++) {
      int port = Harness.freePort();
      if (ephemeralFrom > 11_000) {
        assertThat(port).as("a port no outgoing connection is given").isBetween(10_000, ephemeralFrom - 1);
      }
      try (java.net.ServerSocket bound = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        assertThat(bound.getLocalPort()).isEqualTo(port);
      }
    }
  }

  @Test
  void benchmarkedNodesRunWithTheHeapFlagsOfTheServiceUnitAndTheClusterScript() throws Exception {
    java.nio.file.Path root = java.nio.file.Path.of("..");
    String unit = java.nio.file.Files.readString(root.resolve("scripts/systemd/ncvault.service"));
    String script = java.nio.file.Files.readString(root.resolve("scripts/node.sh"));
    String execStart = unit.substring(unit.indexOf("ExecStart="), unit.indexOf("-jar", unit.indexOf("ExecStart=")));
    String jvmArray = script.substring(script.indexOf("local jvm=("), script.indexOf(")", script.indexOf("local jvm=(")));
    assertThat(Node.SERVICE_HEAP_FLAGS).isNotEmpty();
    for (String flag : Node.SERVICE_HEAP_FLAGS) {
      assertThat(execStart).as("the systemd unit's java command").contains(" " + flag + " ");
      assertThat(jvmArray).as("scripts/node.sh's JVM options").contains(flag + " ");
    }
  }
}
