package com.ncvault.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How many checkout + cancel pairs per second the storage sustains with 8 users working at once,
 * each on their own file (embedded H2 here; PostgreSQL in the subclass). Prints the figure;
 * speed is not asserted.
 */
class LockThroughputTest extends StorageTestBase {

  static final int ACTORS = 8;
  static final int WARMUP_PAIRS = 100;
  static final int PAIRS_PER_ACTOR = 500;

  @Override
  protected JsonObject databaseConfig() {
    return new JsonObject();
  }

  /** Pairs each actor runs in the measured phase. */
  protected int pairsPerActor() {
    return PAIRS_PER_ACTOR;
  }

  /** Names the database in the printed figure. */
  protected String label() {
    return "H2";
  }

  @Test
  void eightUsersCheckingOutAndCancellingConcurrently() {
    for (int i = 0; i < ACTORS; i++) {
      create("bench" + i + ".nc", "G21\n" + i, "actor" + i);
    }
    StorageClient.settle(actors(WARMUP_PAIRS));
    long startSeq = latestSeq();

    com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    var before = StorageClient.await(storage.api().health());
    long cpuStart = os.getProcessCpuTime();
    long start = System.nanoTime();
    List<Future<Void>> actors = actors(pairsPerActor());
    StorageClient.await(Future.all(actors));
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;

    var after = StorageClient.await(storage.api().health());
    int pairs = ACTORS * pairsPerActor();
    System.out.printf("Lock throughput on %s: %d checkout+cancel pairs by %d actors in %.2f s = %.0f pairs/s"
      + " (process CPU %.2f s, %.0f us per pair, %d cores; %.1f changes per commit)%n", label(), pairs, ACTORS, seconds,
      pairs / seconds, cpuSeconds, cpuSeconds * 1e6 / pairs, Runtime.getRuntime().availableProcessors(),
      (double) (after.commits() - before.commits()) / (after.commitTransactions() - before.commitTransactions()));
    assertThat(latestSeq()).isEqualTo(startSeq + 2L * pairs);
  }

  private List<Future<Void>> actors(int pairs) {
    List<Future<Void>> actors = new ArrayList<>();
    for (int i = 0; i < ACTORS; i++) {
      actors.add(checkoutAndCancel("bench" + i + ".nc", "actor" + i, pairs));
    }
    return actors;
  }
}
