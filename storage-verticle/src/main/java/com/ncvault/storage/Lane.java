package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageApi.LaneState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A named pool of worker threads for one kind of blocking work (password hashing, blob I/O,
 * diffs), called unordered so that independent jobs never wait in one queue, and apart from the
 * other kinds so that a flood of one cannot hold up the rest. Work that anyone can ask for without
 * limit (an anonymous login) goes through {@link #tryRun}: beyond the lane's backlog bound it is
 * refused at once with 503 and a Retry-After instead of waiting without end.
 */
final class Lane {

  private final String name;
  private final WorkerExecutor executor;
  private final int threads;
  private final int maxWaiting;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();

  /** {@code maxWaiting}: the backlog {@link #tryRun} accepts; < 0 for no bound. */
  Lane(Vertx vertx, String name, int threads, int maxWaiting) {
    this.name = name;
    this.threads = threads;
    this.maxWaiting = maxWaiting;
    this.executor = vertx.createSharedWorkerExecutor("pdm-" + name, threads);
  }

  /** Runs the work, waiting for a thread however long the backlog is. */
  <T> Future<T> run(Callable<T> work) {
    inFlight.incrementAndGet();
    return executor.executeBlocking(work, false).andThen(done -> inFlight.decrementAndGet());
  }

  /** Runs the work, or refuses it (503, Retry-After) when the backlog is at its bound. */
  <T> Future<T> tryRun(Callable<T> work) {
    int now = inFlight.incrementAndGet();
    if (maxWaiting >= 0 && now > threads + maxWaiting) {
      inFlight.decrementAndGet();
      refused.incrementAndGet();
      return Future.failedFuture(new PdmError(ErrorCode.UNAVAILABLE, "The node is busy (" + name
        + "); please try again in a moment", new JsonObject().put("retryAfterSeconds", 1)));
    }
    return executor.executeBlocking(work, false).andThen(done -> inFlight.decrementAndGet());
  }

  /** What the lane is doing now, for /health. */
  LaneState state() {
    int n = inFlight.get();
    return new LaneState(threads, Math.min(n, threads), Math.max(0, n - threads), refused.get());
  }

  int threads() {
    return threads;
  }

  String name() {
    return name;
  }

  Future<Void> close() {
    return executor.close();
  }
}
