package com.ncvault.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Sizes and time limits of a run. {@link #full} is the documented benchmark (about 15 minutes on
 * 2 cores, at most about 30); {@link #smoke} proves in seconds that every part of the harness works.
 *
 * @param stepMs                 length of a fan-out step, stretched up to maxStepMs so that it holds at
 *                               least minStepEvents events at low rates
 * @param listApiFiles           files of the list scenario created through the API (within listCreateCapMs);
 *                               the rest up to listFiles are added with SQL (see ListScenario)
 * @param startMessagesPerSecond first rung of the fan-out ladder, in delivered messages per second
 *                               (the event rate is this divided by N); also the rate at which the
 *                               node and the ws baseline are compared like for like
 * @param bisections             most bisections of the fan-out ladder between its last pass and its first
 *                               failure, which stop once the two are within {@link FanoutRun#BISECT_UNTIL}
 *                               of each other: three take the doubling's factor of 2 down to 2^(1/8), about
 *                               9 %, finer than the gap between 1.41x and the delivered target's 1.5x
 * @param programMegabytes       size of each synthetic program of the program scenario (10^6 bytes)
 * @param runs                   measured runs per target whose median is the figure (--runs; fan-out
 *                               reference step, connect storm at the largest N, lock levels, transfers)
 * @param fanoutWarmupMaxMs      bound of a fan-out server's warm-up (steps at the reference rate until
 *                               two consecutive p50s are within 10 % and the server's JIT compilers are
 *                               quiet)
 */
record Settings(
  boolean smoke,
  Path root,
  Path resultsDir,
  Path tmpDir,
  Path wsPrefix,
  Set<String> scenarios,
  int generatorLoops,
  List<Integer> fanoutClients,
  int fanoutFiles,
  int viewerUsers,
  long stepMs,
  long maxStepMs,
  int minStepEvents,
  long drainMs,
  double startMessagesPerSecond,
  double maxEventRate,
  int maxSteps,
  int bisections,
  double p99LimitMs,
  int clusterClients,
  double clusterRate,
  long clusterMs,
  List<Integer> lockConcurrency,
  long lockMs,
  List<String> lockBackends,
  long transferBytes,
  int listFiles,
  int listApiFiles,
  int listConcurrency,
  long listCreateCapMs,
  int programMegabytes,
  int programWarmUp,
  int programRuns,
  int runs,
  long fanoutWarmupMaxMs) {

  static final List<String> ALL_SCENARIOS = List.of("fanout", "cluster", "locks", "transfers", "isolation", "list",
    "program");

  static Settings full(Path root, Path resultsDir, Path tmpDir, Path wsPrefix, Set<String> scenarios) {
    return new Settings(false, root, resultsDir, tmpDir, wsPrefix, scenarios, 2,
      List.of(100, 1_000, 5_000, 10_000), 32, 4,
      2_000, 4_000, 6, 3_000, 20_000, 2_000, 5, 3, 100,
      1_500, 10, 6_000,
      List.of(1, 8, 64), 3_000, List.of("h2", "postgres"),
      1L << 30,
      100_000, 2_000, 4, 10_000,
      20, 3, 7,
      3, 60_000);
  }

  static Settings smoke(Path root, Path resultsDir, Path tmpDir, Path wsPrefix, Set<String> scenarios) {
    return new Settings(true, root, resultsDir, tmpDir, wsPrefix, scenarios, 2,
      List.of(20), 4, 2,
      1_000, 2_000, 3, 3_000, 200, 50, 2, 0, 100,
      30, 5, 1_000,
      List.of(1, 8, 64), 1_000, List.of("h2"),
      16L << 20,
      100, 50, 4, 30_000,
      1, 1, 2,
      1, 2_000);
  }

  /** The same settings with another number of measured runs per target (at least 1). */
  Settings withRuns(int count) {
    return new Settings(smoke, root, resultsDir, tmpDir, wsPrefix, scenarios, generatorLoops, fanoutClients, fanoutFiles,
      viewerUsers, stepMs, maxStepMs, minStepEvents, drainMs, startMessagesPerSecond, maxEventRate, maxSteps, bisections,
      p99LimitMs, clusterClients, clusterRate, clusterMs, lockConcurrency, lockMs, lockBackends, transferBytes, listFiles,
      listApiFiles, listConcurrency, listCreateCapMs, programMegabytes, programWarmUp, programRuns, Math.max(1, count),
      fanoutWarmupMaxMs);
  }

  /** The same run with the fan-out scenario at {@code counts} clients only (--clients). */
  Settings withFanoutClients(List<Integer> counts) {
    if (counts.isEmpty() || counts.stream().anyMatch(n -> n < 1)) {
      throw new IllegalArgumentException("--clients needs one or more positive counts");
    }
    return new Settings(smoke, root, resultsDir, tmpDir, wsPrefix, scenarios, generatorLoops, List.copyOf(counts),
      fanoutFiles, viewerUsers, stepMs, maxStepMs, minStepEvents, drainMs, startMessagesPerSecond, maxEventRate, maxSteps,
      bisections, p99LimitMs, clusterClients, clusterRate, clusterMs, lockConcurrency, lockMs, lockBackends, transferBytes,
      listFiles, listApiFiles, listConcurrency, listCreateCapMs, programMegabytes, programWarmUp, programRuns, runs,
      fanoutWarmupMaxMs);
  }

  /** The node's runnable jar, built by mvn package. */
  Path jar() {
    return root.resolve("pdm-node/target/ncvault.jar");
  }

  /** The Node ws broadcaster. */
  Path baselineScript() {
    return root.resolve("bench/baseline/server.mjs");
  }

  boolean runs(String scenario) {
    return scenarios.contains(scenario);
  }
}
