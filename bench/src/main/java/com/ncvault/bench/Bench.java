package com.ncvault.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The benchmark harness: {@code java -cp ... com.ncvault.bench.Bench [--smoke] [--root DIR]
 * [--results DIR] [--tmp DIR] [--ws-prefix DIR] [--runs N] [--only fanout,cluster,locks,transfers,isolation,list,program]}.
 * Normally started by bench/run.sh, which builds the jar, installs ws (and nginx) and raises the
 * open-file limit first. Writes latest.json and latest.md to the results directory.
 */
public final class Bench {

  private Bench() {
  }

  public static void main(String[] args) {
    Settings settings = parse(args);
    JsonObject results = run(settings);
    System.out.println(Report.markdown(results));
    System.exit(0);
  }

  static Settings parse(String[] args) {
    boolean smoke = false;
    Path root = Path.of(".").toAbsolutePath().normalize();
    Path results = null;
    Path tmp = null;
    Path wsPrefix = null;
    Set<String> only = new LinkedHashSet<>(Settings.ALL_SCENARIOS);
    Integer runs = null;
    List<Integer> clients = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> smoke = true;
        case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
        case "--results" -> results = Path.of(args[++i]).toAbsolutePath();
        case "--tmp" -> tmp = Path.of(args[++i]).toAbsolutePath();
        case "--ws-prefix" -> wsPrefix = Path.of(args[++i]).toAbsolutePath();
        case "--only" -> only = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--clients" -> clients = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    // a smoke run never replaces the committed results of a full run
    results = results == null ? root.resolve(smoke ? "bench/results/smoke" : "bench/results") : results;
    tmp = tmp == null ? root.resolve("bench/results/tmp") : tmp;
    Settings settings = smoke ? Settings.smoke(root, results, tmp, wsPrefix, only)
      : Settings.full(root, results, tmp, wsPrefix, only);
    settings = runs == null ? settings : settings.withRuns(runs);
    return clients == null ? settings : settings.withFanoutClients(clients);
  }

  /** Runs the selected scenarios one after another and writes the results; returns them. */
  static JsonObject run(Settings settings) {
    if (!Files.isRegularFile(settings.jar())) {
      throw new IllegalStateException(settings.jar() + " is missing: build it with mvn -DskipTests package");
    }
    long started = System.nanoTime();
    JsonObject results = new JsonObject()
      .put("mode", settings.smoke() ? "smoke" : "full")
      .put("runs", settings.runs())
      .put("startedAt", Instant.now().toString())
      .put("machine", Machine.describe());
    try (Harness harness = new Harness(settings)) {
      if (settings.runs("fanout")) {
        results.put("fanout", new FanoutScenario(harness).run());
      }
      if (settings.runs("cluster")) {
        results.put("cluster", FanoutScenario.guarded(() -> new ClusterScenario(harness).run()));
        log("cluster done");
      }
      if (settings.runs("locks")) {
        results.put("locks", new LockScenario(harness).run());
      }
      if (settings.runs("transfers")) {
        results.put("transfers", FanoutScenario.guarded(() -> new TransferScenario(harness).run()));
        log("transfers done");
      }
      if (settings.runs("isolation")) {
        results.put("isolation", FanoutScenario.guarded(() -> new IsolationScenario(harness).run()));
        log("isolation done");
      }
      if (settings.runs("list")) {
        results.put("list", FanoutScenario.guarded(() -> new ListScenario(harness).run()));
        log("list done");
      }
      if (settings.runs("program")) {
        results.put("program", FanoutScenario.guarded(() -> new ProgramScenario(harness).run()));
        log("program done");
      }
    }
    results.put("durationSeconds", FanoutRun.round((System.nanoTime() - started) / 1e9));
    results.put("targets", Targets.evaluate(results));
    write(settings.resultsDir(), results);
    return results;
  }

  private static void write(Path dir, JsonObject results) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("latest.json"), results.encodePrettily() + "\n");
      Files.writeString(dir.resolve("latest.md"), Report.markdown(results));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void log(String line) {
    System.err.println("[bench " + Instant.now().toString().substring(11, 19) + "] " + line);
  }

  /** The machine the numbers were measured on. */
  static final class Machine {
    private Machine() {
    }

    static JsonObject describe() {
      String cpu = "";
      try {
        cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("");
      } catch (IOException ignored) {
        // not Linux: left empty
      }
      String memory = Harness.run(List.of("free", "-h"), 10).lines().filter(l -> l.startsWith("Mem:"))
        .findFirst().map(l -> l.trim().split("\\s+")[1]).orElse("");
      return new JsonObject()
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("memory", memory)
        .put("cpu", cpu)
        .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
        .put("kernel", Harness.run(List.of("uname", "-r"), 10).trim())
        .put("node", Harness.onPath("node") ? Harness.run(List.of("node", "--version"), 10).trim() : "")
        .put("openFileLimit", System.getenv().getOrDefault("BENCH_NOFILE", ""))
        .put("loadAverageAtStart", loadAverage());
    }

    /** Other work on the machine competes for the same 2 cores; the 1-minute load average says how much. */
    private static String loadAverage() {
      try {
        return Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0];
      } catch (IOException e) {
        return "";
      }
    }
  }
}
