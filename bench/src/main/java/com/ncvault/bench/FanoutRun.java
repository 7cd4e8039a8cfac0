package com.ncvault.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.function.LongSupplier;

/**
 * One server with N connected clients and an actor: idle memory per connection, then steps at
 * fixed event rates with the latency from the actor's request to each client's receipt.
 */
final class FanoutRun implements AutoCloseable {

  /** The server under test: its process (for RSS and CPU), its heap after a full GC, how events are made. */
  record Target(String name, long pid, LongSupplier heapAfterGc, Actor.Source source) {
  }

  /** The ladder stops halving here: below one event a second a step of a few seconds says little. */
  private static final double MIN_RATE = 1;
  /** The ladder's bisections stop once its last pass and first failure are this near (a ratio). */
  static final double BISECT_UNTIL = 1.15;
  /** Warm-up: steps at the reference rate until two consecutive p50s are within this share of each other. */
  static final double STEADY_P50 = 0.10;
  /** Warm-up: at most this many steps, whatever the time bound (the event book has room for them). */
  static final int MAX_WARMUP_STEPS = 25;
  /**
   * Fewest connect storms at the largest N before they may count as warm: a fresh node's connect path
   * took 7-8 storms of 10,000 connects to reach its speed here (3.5 s, then 2.2, 1.8, 1.5, 1.4, 1.1,
   * 0.95, 0.9, 0.75 s from a warm load generator), and storms in between can agree by chance.
   */
  static final int MIN_STORMS = 8;
  /** Most connect storms at the largest N while waiting for steady ones. */
  static final int MAX_STORMS = 14;
  /** Storms in a row that must agree within {@link #STEADY_P50} of their median. */
  static final int STEADY_STORMS = 3;
  /** Class histogram: how many classes the report lists. */
  static final int HISTOGRAM_CLASSES = 25;

  private final Harness harness;
  private final Settings settings;
  private final Target target;
  private final EventBook book;
  private final Fleet fleet;
  private final Actor actor;
  private final int groups;
  private final List<String> filenames;
  private final String readyType;
  private Runnable afterSteps;
  private Path histogramDir;
  private boolean fleetClosed;
  private String actorDeployment;
  private int nextStep;
  private int clients;

  FanoutRun(Harness harness, Target target, List<String> filenames, String readyType, int groups) {
    this.harness = harness;
    this.settings = harness.settings();
    this.target = target;
    this.groups = groups;
    this.filenames = filenames;
    this.readyType = readyType;
    // two warm-ups at the largest N (before the measured steps and once the flight recording has
    // started) and the recorded step after them
    int steps = settings.maxSteps() + settings.bisections() + 5 + 2 * MAX_WARMUP_STEPS + settings.runs();
    double eventsPerStep = Math.max(settings.maxEventRate(), settings.clusterRate()) * settings.maxStepMs() / 1000.0
      + settings.clusterRate() * settings.clusterMs() / 1000.0;
    int perFile = (int) (eventsPerStep * steps / filenames.size()) + 256;
    this.book = new EventBook(filenames.size(), perFile, steps);
    this.fleet = new Fleet(harness.vertx(), book, filenames, readyType);
    this.actor = new Actor(book, target.source());
  }

  Fleet fleet() {
    return fleet;
  }

  /**
   * Runs {@code action} once the measured steps are over (it starts a flight recording); a second
   * warm-up follows it (the recording makes the node recompile part of its code), then one step at
   * the reference rate for the recording. No measured step runs under the recording: the baseline
   * server has none.
   */
  FanoutRun afterSteps(Runnable action) {
    this.afterSteps = action;
    return this;
  }

  /**
   * Takes a class histogram of the server (a JVM) before the clients connect and after they are
   * all ready, saved under {@code dir}; {@link #connect} adds the growth per connection.
   */
  FanoutRun classHistogram(Path dir) {
    this.histogramDir = dir;
    return this;
  }

  /**
   * Measures the server idle, connects the clients, waits until each is ready, measures again.
   * Returns the connection counts and the memory per connection.
   */
  JsonObject connect(List<ClientLoop.Endpoint> endpoints) {
    fleet.start(settings.generatorLoops(), 64).await();
    actorDeployment = harness.vertx().deployVerticle(actor).await();
    long heapBefore = target.heapAfterGc().getAsLong();
    long rssBefore = ProcStats.rssBytes(target.pid());
    String histogramName = "class-histogram-" + target.name() + "-" + endpoints.size();
    Map<String, ClassHistogram.Row> histogramBefore = histogramDir == null ? null
      : ClassHistogram.take(target.pid(), histogramDir.resolve(histogramName + "-before.txt"));
    long started = System.nanoTime();
    fleet.connect(endpoints).await();
    int ready = fleet.awaitReady(60_000);
    double connectSeconds = (System.nanoTime() - started) / 1e9;
    harness.pause(1_000);
    long heapAfter = target.heapAfterGc().getAsLong();
    long rssAfter = ProcStats.rssBytes(target.pid());
    ClientLoop.Stats stats = fleet.stats();
    clients = endpoints.size();
    JsonObject json = new JsonObject()
      .put("clients", endpoints.size())
      .put("connected", stats.connected())
      .put("ready", ready)
      .put("connectFailures", stats.connectFailures())
      .put("connectSeconds", round(connectSeconds))
      .put("connectConcurrency", settings.generatorLoops() * 64)
      .put("heapBeforeBytes", heapBefore)
      .put("heapAfterBytes", heapAfter)
      .put("rssBeforeBytes", rssBefore)
      .put("rssAfterBytes", rssAfter);
    if (stats.firstConnectError() != null) {
      json.put("firstConnectError", stats.firstConnectError());
    }
    if (histogramBefore != null) {
      // after the heap and RSS figures: jmap's full GC and attach must not be in them
      Map<String, ClassHistogram.Row> histogramAfter = ClassHistogram.take(target.pid(),
        histogramDir.resolve(histogramName + "-after.txt"));
      json.put("classHistogram", ClassHistogram.perConnection(histogramBefore, histogramAfter, ready, HISTOGRAM_CLASSES)
        .put("files", new JsonArray().add(histogramName + "-before.txt").add(histogramName + "-after.txt")));
    }
    if (ready > 0) {
      if (heapBefore >= 0 && heapAfter >= 0) {
        json.put("heapPerConnectionBytes", (heapAfter - heapBefore) / ready);
      }
      json.put("rssPerConnectionBytes", (rssAfter - rssBefore) / ready);
    }
    return json;
  }

  /** One step: events at {@code rate} per second for {@code ms}, then up to drainMs for the last receipts. */
  JsonObject step(double rate, long ms) {
    return step(rate, ms, 1);
  }

  private JsonObject step(double rate, long minMs, int minEvents) {
    long ms = Math.max(minMs, Math.min(settings.maxStepMs(), (long) Math.ceil(minEvents * 1000 / rate)));
    int step = nextStep++;
    Map<Integer, Integer> openByGroup = fleet.openByGroup();
    int expected = openByGroup.values().stream().mapToInt(Integer::intValue).sum();
    ClientLoop.Stats before = fleet.stats();
    ProcStats.CpuWindow generatorCpu = ProcStats.CpuWindow.start(ProcessHandle.current().pid());
    ProcStats.CpuWindow serverCpu = ProcStats.CpuWindow.start(target.pid());
    Actor.Result result = actor.run(rate, ms, step).await();
    double generatorPercent = generatorCpu.percent();
    double serverPercent = serverCpu.percent();
    long drainDeadline = System.currentTimeMillis() + settings.drainMs();
    while (received(result.ids(), expected) < (long) expected * result.ids().length
      && System.currentTimeMillis() < drainDeadline) {
      harness.pause(20);
    }
    book.close(step);
    ClientLoop.Stats after = fleet.stats();

    long receipts = received(result.ids(), expected);
    long wanted = (long) expected * result.ids().length;
    Histogram all = new Histogram(3);
    Histogram allClients = new Histogram(3);
    int incompleteEvents = 0;
    for (int id : result.ids()) {
      if (book.receipts(id) >= expected && expected > 0) {
        allClients.recordValue(Math.max(1, (book.lastReceiptNanos(id) - book.sentNanos(id)) / 1000));
      } else {
        incompleteEvents++;
      }
    }
    JsonObject byGroup = new JsonObject();
    for (int g = 0; g < groups; g++) {
      Histogram h = fleet.histogram(step, g);
      all.add(h);
      if (groups > 1) {
        byGroup.put(Integer.toString(g), Latency.of(h).put("clients", openByGroup.getOrDefault(g, 0)));
      }
    }
    JsonObject latency = Latency.of(all);
    double seconds = result.seconds();
    boolean pass = result.errors() == 0 && receipts == wanted && expected > 0
      && result.achievedRate() >= 0.95 * rate
      && latency.getDouble("p99Ms", Double.MAX_VALUE) < settings.p99LimitMs();
    JsonObject json = new JsonObject()
      .put("step", step)
      .put("targetEventsPerSecond", round(rate))
      .put("achievedEventsPerSecond", round(result.achievedRate()))
      .put("seconds", round(seconds))
      .put("events", result.completed())
      .put("requestErrors", result.errors())
      .put("clients", expected)
      .put("expectedReceipts", wanted)
      .put("receipts", receipts)
      .put("missingReceipts", wanted - receipts)
      .put("incompleteEvents", incompleteEvents)
      .put("lateReceipts", after.late() - before.late())
      .put("orderMismatches", after.mismatched() - before.mismatched())
      .put("unmatchedMessages", after.unmatched() - before.unmatched())
      .put("deliveredPerSecond", Math.round(receipts / seconds))
      .put("framesPerSecond", Math.round((after.frames() - before.frames()) / seconds))
      .put("bytesPerSecond", Math.round((after.bytes() - before.bytes()) / seconds))
      .put("latency", latency)
      .put("allClientsLatency", Latency.of(allClients))
      .put("requestLatency", Latency.of(result.requestMicros()))
      .put("generatorCpuPercent", round(generatorPercent))
      .put("serverCpuPercent", round(serverPercent))
      .put("closedDuringRun", closeCodes(after.closeCodes()))
      .put("pass", pass);
    if (groups > 1) {
      json.put("latencyByGroup", byGroup);
    }
    if (result.firstError() != null) {
      json.put("firstRequestError", result.firstError());
    }
    return json;
  }

  /** Clients closed by the server during the run, by close code (4000 = resync: too slow). */
  private static JsonObject closeCodes(Map<Integer, Integer> codes) {
    JsonObject json = new JsonObject();
    codes.forEach((code, n) -> json.put(Integer.toString(code), n));
    return json;
  }

  private long received(int[] ids, int expected) {
    long sum = 0;
    for (int id : ids) {
      sum += Math.min(expected, book.receipts(id));
    }
    return sum;
  }

  /**
   * Step search for the highest event rate whose p99 stays under the limit with every message
   * delivered: doubles from the start rate until a step fails, halves when the first one fails,
   * then bisects (geometrically) between the last pass and the first failure.
   */
  JsonObject ladder() {
    JsonArray steps = new JsonArray();
    double start = Math.min(settings.maxEventRate(), settings.startMessagesPerSecond() / Math.max(1, clients));
    // the first events load classes and compile hot paths on both sides: warm until steady, keep the cold figures
    JsonObject warmup = warmUp(start);
    double rate = start;
    JsonObject lastPass = null;
    JsonObject firstFail = null;
    List<JsonObject> referenceRuns = new ArrayList<>();
    int runs = 0;
    while (runs < settings.maxSteps()) {
      JsonObject s = step(rate, settings.stepMs(), settings.minStepEvents());
      steps.add(s);
      if (runs == 0) {
        // the reference: the first rung and more runs at the same rate, their median is the figure
        referenceRuns.add(s);
        for (int i = 1; i < settings.runs(); i++) {
          referenceRuns.add(step(rate, settings.stepMs(), settings.minStepEvents()));
        }
      }
      runs++;
      if (s.getBoolean("pass")) {
        lastPass = best(lastPass, s);
        if (firstFail != null || rate * 2 > settings.maxEventRate()) {
          break;
        }
        rate *= 2;
      } else {
        firstFail = s;
        if (lastPass != null || rate / 2 < MIN_RATE) {
          break;
        }
        rate /= 2;
      }
    }
    lastPass = bisect(lastPass, firstFail, settings.bisections(),
      at -> {
        JsonObject s = step(at, settings.stepMs(), settings.minStepEvents());
        steps.add(s);
        return s;
      });
    JsonObject warmupAfterProfileStart = null;
    JsonObject profiledStep = null;
    if (afterSteps != null) {
      afterSteps.run();
      warmupAfterProfileStart = warmUp(start);
      profiledStep = summary(step(start, settings.stepMs(), settings.minStepEvents()));
    }
    JsonObject json = new JsonObject().put("warmup", warmup).put("warmupAfterProfileStart", warmupAfterProfileStart)
      .put("profiledStep", profiledStep)
      .put("steps", steps)
      .put("reference", medianStep(referenceRuns))
      .put("referenceRuns", new JsonArray(referenceRuns.stream().map(FanoutRun::summary).toList()));
    if (lastPass != null) {
      json.put("best", lastPass);
    }
    json.put("bestIsCeiling", firstFail == null);
    return json;
  }

  /**
   * Steps at the reference rate until two consecutive p50s are within {@link #STEADY_P50} of each
   * other (and every message arrived) and the server's JIT compilers used at most
   * {@link LockScenario#JIT_QUIET_PERCENT} of a core during each of those two steps, bounded by
   * fanoutWarmupMaxMs and {@link #MAX_WARMUP_STEPS}. A node whose p50 is steady may still be
   * compiling: per-thread scheduler counters of a node at 1,000 clients showed its C1 and C2 threads
   * using a quarter of a core 20-30 s after the node started, more than either event loop,
   * on the two cores that the event loops and the load generator share. The first step is the cold
   * figure.
   */
  JsonObject warmUp(double rate) {
    long started = System.nanoTime();
    List<JsonObject> steps = new ArrayList<>();
    boolean steady = false;
    while (true) {
      long jitBefore = ProcStats.jitCpuNanos(target.pid());
      long stepStart = System.nanoTime();
      JsonObject s = step(rate, settings.stepMs(), settings.minStepEvents());
      double jitPercent = round(100.0 * (ProcStats.jitCpuNanos(target.pid()) - jitBefore)
        / (System.nanoTime() - stepStart));
      steps.add(summary(s).put("jitPercent", jitPercent));
      steady = steps.size() >= 2 && warm(steps.get(steps.size() - 2), steps.get(steps.size() - 1));
      long elapsedMs = (System.nanoTime() - started) / 1_000_000;
      if (steady || elapsedMs >= settings.fanoutWarmupMaxMs() || steps.size() >= MAX_WARMUP_STEPS) {
        return new JsonObject()
          .put("seconds", round(elapsedMs / 1000.0))
          .put("stepCount", steps.size())
          .put("steady", steady)
          .put("cold", steps.get(0))
          .put("steps", new JsonArray(steps))
          .put("method", "steps at the reference rate until two consecutive p50s are within "
            + Math.round(STEADY_P50 * 100) + " % and the server's JIT compilers used at most "
            + Math.round(LockScenario.JIT_QUIET_PERCENT) + " % of a core in each of them (at most "
            + settings.fanoutWarmupMaxMs() / 1000.0 + " s or " + MAX_WARMUP_STEPS
            + " steps); the first step is the cold figure");
      }
    }
  }

  /** Two consecutive warm-up steps: p50s steady and the compilers quiet in both. */
  static boolean warm(JsonObject previous, JsonObject current) {
    return steadyP50(previous, current)
      && previous.getDouble("jitPercent", 0.0) <= LockScenario.JIT_QUIET_PERCENT
      && current.getDouble("jitPercent", 0.0) <= LockScenario.JIT_QUIET_PERCENT;
  }

  static boolean steadyP50(JsonObject previous, JsonObject current) {
    Double a = Targets.path(previous, "latency", "p50Ms");
    Double b = Targets.path(current, "latency", "p50Ms");
    Long missing = current.getLong("missingReceipts", 0L) + previous.getLong("missingReceipts", 0L);
    return a != null && b != null && a > 0 && b > 0 && missing == 0
      && Math.abs(a - b) / Math.max(a, b) <= STEADY_P50;
  }

  /** The figures of a step without its per-group and CPU details. */
  private static JsonObject summary(JsonObject step) {
    JsonObject json = new JsonObject();
    for (String key : List.of("step", "targetEventsPerSecond", "achievedEventsPerSecond", "seconds", "events",
      "missingReceipts", "latency", "serverCpuPercent", "generatorCpuPercent", "pass")) {
      if (step.containsKey(key)) {
        json.put(key, step.getValue(key));
      }
    }
    return json;
  }

  /** The run with the median p99, its latency percentiles replaced by the medians over the runs. */
  static JsonObject medianStep(List<JsonObject> runs) {
    List<JsonObject> byP99 = runs.stream()
      .sorted(Comparator.comparingDouble(r -> r.getJsonObject("latency").getDouble("p99Ms", Double.MAX_VALUE)))
      .toList();
    JsonObject middle = byP99.get(byP99.size() / 2).copy();
    if (runs.size() > 1) {
      JsonObject latency = middle.getJsonObject("latency");
      for (String key : List.of("p50Ms", "p95Ms", "p99Ms", "maxMs")) {
        List<Double> values = runs.stream().map(r -> Targets.path(r, "latency", key)).filter(v -> v != null).toList();
        if (!values.isEmpty()) {
          latency.put(key, TransferScenario.median(values));
        }
      }
      middle.put("runs", runs.size());
    }
    return middle;
  }

  /**
   * The connect storm, warm: closes the measured clients, then connects the same endpoints with a fresh
   * fleet until each is ready, and closes them, again and again until {@link #STEADY_STORMS} storms in
   * a row are within {@link #STEADY_P50} of their median (at least {@link #MIN_STORMS} and {@code runs}
   * storms, at most {@link #MAX_STORMS}); the figure is the median of the last {@code runs}. Every
   * storm's time is kept, so the warm-up shows. The server's connect path is compiled by then, as
   * the rest of its paths are by the warm-up. {@code firstSeconds} (the one {@link #connect} measured,
   * the server's first connects ever) is the cold figure. {@code runs} 0: the cold figure only.
   */
  JsonObject storms(List<ClientLoop.Endpoint> endpoints, double firstSeconds, int runs) {
    List<Double> seconds = new ArrayList<>();
    if (runs > 0) {
      fleet.close().recover(e -> Future.succeededFuture()).await();
      fleetClosed = true;
    }
    JsonArray ready = new JsonArray();
    // memory per connection of each storm: the server idle (the previous storm's clients gone, after a
    // full GC) against the server holding this storm's clients (1 s after the last is ready, after a full GC)
    List<Double> rssPerConnection = new ArrayList<>();
    List<Double> heapPerConnection = new ArrayList<>();
    // a smoke run proves the parts work: its storms are only as many as its runs
    int least = settings.smoke() ? runs : Math.max(runs, MIN_STORMS);
    int most = settings.smoke() ? runs : MAX_STORMS;
    while (runs > 0 && seconds.size() < most && (seconds.size() < least || !steadyStorms(seconds))) {
      harness.pause(1_000);
      long heapBefore = target.heapAfterGc().getAsLong();
      long rssBefore = ProcStats.rssBytes(target.pid());
      Fleet storm = new Fleet(harness.vertx(), book, filenames, readyType);
      storm.start(settings.generatorLoops(), 64).await();
      long started = System.nanoTime();
      storm.connect(endpoints).await();
      int readyClients = storm.awaitReady(60_000);
      ready.add(readyClients);
      seconds.add(round((System.nanoTime() - started) / 1e9));
      harness.pause(1_000);
      long heapAfter = target.heapAfterGc().getAsLong();
      long rssAfter = ProcStats.rssBytes(target.pid());
      rssPerConnection.add((double) (rssAfter - rssBefore) / Math.max(1, readyClients));
      heapPerConnection.add(heapBefore < 0 || heapAfter < 0 ? -1.0 : (double) (heapAfter - heapBefore) / Math.max(1, readyClients));
      storm.close().recover(e -> Future.succeededFuture()).await();
    }
    int from = Math.max(0, seconds.size() - runs);
    List<Double> measured = runs > 0 ? seconds.subList(from, seconds.size()) : List.of(firstSeconds);
    JsonObject json = new JsonObject().put("clients", endpoints.size()).put("coldSeconds", firstSeconds)
      .put("seconds", new JsonArray(seconds)).put("readyInStorms", ready)
      .put("steady", runs == 0 || settings.smoke() || steadyStorms(seconds))
      .put("medianSeconds", round(TransferScenario.median(measured)))
      .put("method", runs == 0 ? "the first connect of the clients (cold)"
        : settings.smoke() ? runs + " storms (smoke run); the median"
        : "storms until " + STEADY_STORMS + " in a row are within " + Math.round(STEADY_P50 * 100)
          + " % of their median (at least " + least + ", at most " + most + "); the median of the last " + runs);
    if (runs > 0) {
      json.put("rssPerConnectionBytes", new JsonArray(rssPerConnection))
        .put("heapPerConnectionBytes", new JsonArray(heapPerConnection))
        .put("medianRssPerConnectionBytes", Math.round(TransferScenario.median(rssPerConnection.subList(from, seconds.size()))))
        .put("medianHeapPerConnectionBytes", Math.round(TransferScenario.median(heapPerConnection.subList(from, seconds.size()))))
        .put("memoryMethod", "per storm: RSS (and heap after a full GC) with the storm's clients held, 1 s after the "
          + "last is ready, less the same with the server idle before it (the previous storm's clients closed, "
          + "after a full GC); the median of the same last " + runs + " storms");
    }
    return json;
  }

  static boolean steadyStorms(List<Double> seconds) {
    if (seconds.size() < STEADY_STORMS) {
      return false;
    }
    List<Double> last = seconds.subList(seconds.size() - STEADY_STORMS, seconds.size());
    double median = TransferScenario.median(last);
    return last.stream().allMatch(s -> Math.abs(s - median) <= STEADY_P50 * median);
  }

  /**
   * Bisects (geometrically) between the ladder's last pass and its first failure, at most
   * {@code bisections} times and until the two are within {@link #BISECT_UNTIL}; returns the best
   * pass. {@code step} runs a step at the rate given (events/s) and answers its summary with
   * {@code targetEventsPerSecond} and {@code pass}.
   */
  static JsonObject bisect(JsonObject lastPass, JsonObject firstFail, int bisections,
                           DoubleFunction<JsonObject> step) {
    JsonObject pass = lastPass;
    JsonObject fail = firstFail;
    for (int i = 0; i < bisections && pass != null && fail != null; i++) {
      double low = pass.getDouble("targetEventsPerSecond");
      double high = fail.getDouble("targetEventsPerSecond");
      if (high / low < BISECT_UNTIL) {
        break;
      }
      JsonObject s = step.apply(Math.sqrt(low * high));
      if (s.getBoolean("pass")) {
        pass = best(pass, s);
      } else {
        fail = s;
      }
    }
    return pass;
  }

  private static JsonObject best(JsonObject current, JsonObject candidate) {
    return current == null || candidate.getDouble("targetEventsPerSecond") > current.getDouble("targetEventsPerSecond")
      ? candidate : current;
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  @Override
  public void close() {
    if (!fleetClosed) {
      fleet.close().recover(e -> Future.succeededFuture()).await();
    }
    if (actorDeployment != null) {
      harness.vertx().undeploy(actorDeployment).recover(e -> Future.succeededFuture()).await();
    }
  }
}
