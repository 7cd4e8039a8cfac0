package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The service another user gets while an attack runs against a node of this JVM: their request is
 * sent again and again and timed, and the heap in use and the process's open files are sampled
 * every few milliseconds. {@link Report#assertWithinBounds} fails the attack's test when the
 * other user waited too long or failed, the heap came near its limit, or files were held open.
 */
final class ServiceQuality {

  /** p90 of another user's request while an attack runs, ms: generous for two shared cores. */
  static final long P90_BOUND_MS = 500;
  /** Open files an attack may hold while it runs (its own connections among them). */
  static final long FILES_DURING_BOUND = 200;
  /** Open files left once the attack is over and its connections are closed. */
  static final long FILES_LEFT_BOUND = 20;
  /** Heap in use at any moment, as a share of the maximum heap. */
  static final double HEAP_BOUND_SHARE = 0.75;

  private final Vertx vertx;
  private final Supplier<Future<?>> request;
  private final long filesBefore;
  private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
  private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
  private final Promise<Void> stopped = Promise.promise();
  private final long sampler;
  private volatile boolean running = true;
  private volatile long heapPeak;
  private volatile long filesPeak;

  private ServiceQuality(Vertx vertx, Supplier<Future<?>> request) {
    this.vertx = vertx;
    this.request = request;
    this.filesBefore = openFiles();
    this.filesPeak = filesBefore;
    this.heapPeak = usedHeap();
    this.sampler = vertx.setPeriodic(10, id -> sample());
  }

  /** Starts sending {@code request} (another user's, expected to succeed) back to back. */
  static ServiceQuality watch(Vertx vertx, Supplier<Future<?>> request) {
    ServiceQuality probe = new ServiceQuality(vertx, request);
    vertx.runOnContext(v -> probe.next());
    return probe;
  }

  private void next() {
    // At least one request, so even an attack answered at once has been measured against.
    if (!running && !latencies.isEmpty()) {
      stopped.tryComplete();
      return;
    }
    long start = System.nanoTime();
    Future<?> answered;
    try {
      answered = request.get();
    } catch (RuntimeException e) {
      answered = Future.failedFuture(e);
    }
    answered.timeout(30, TimeUnit.SECONDS).onComplete(result -> {
      latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      if (result.failed()) {
        failures.add(String.valueOf(result.cause()));
      }
      sample();
      next();
    });
  }

  private void sample() {
    heapPeak = Math.max(heapPeak, usedHeap());
    filesPeak = Math.max(filesPeak, openFiles());
  }

  /**
   * Ends the watch once the request in flight is answered (so at least one request ran during
   * the attack) and the open files have come back near where they were (at most 10 s).
   */
  Report stop() throws Exception {
    running = false;
    stopped.future().await(40, TimeUnit.SECONDS);
    vertx.cancelTimer(sampler);
    sample();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long filesAfter = openFiles();
    // The node closes its side of a connection when it reads the client's close, a moment later.
    while (filesAfter >= filesBefore + FILES_LEFT_BOUND && System.nanoTime() < deadline) {
      Thread.sleep(20);
      filesAfter = openFiles();
    }
    return new Report(List.copyOf(latencies), List.copyOf(failures), heapPeak, filesBefore, filesPeak, filesAfter);
  }

  /** What another user got while the attack ran, and what the process held. */
  record Report(List<Long> latenciesMs, List<String> failures, long heapPeak, long filesBefore, long filesPeak,
                long filesAfter) {

    long p90() {
      if (latenciesMs.isEmpty()) {
        return 0;
      }
      List<Long> sorted = new ArrayList<>(latenciesMs);
      Collections.sort(sorted);
      return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(0.9 * sorted.size()) - 1));
    }

    void assertWithinBounds() {
      assertThat(latenciesMs).as("another user's requests during the attack").isNotEmpty();
      assertThat(failures).as("another user's requests that failed during the attack").isEmpty();
      assertThat(p90()).as("another user's request, p90 ms during the attack (%s)", latenciesMs)
        .isLessThan(P90_BOUND_MS);
      assertThat(heapPeak).as("heap in use during the attack")
        .isLessThan((long) (Runtime.getRuntime().maxMemory() * HEAP_BOUND_SHARE));
      assertThat(filesPeak).as("open files during the attack (before: %d)", filesBefore)
        .isLessThan(filesBefore + FILES_DURING_BOUND);
      assertThat(filesAfter).as("open files after the attack (before: %d)", filesBefore)
        .isLessThan(filesBefore + FILES_LEFT_BOUND);
    }
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static long openFiles() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }
}
