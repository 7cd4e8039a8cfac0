package com.ncvault.sync;

import io.vertx.core.Vertx;

/** Time and one-shot timers, so that ordering and coalescing logic can be tested without a clock. */
interface Timers {

  /** Runs {@code task} once after {@code delayMs}; returns an id for {@link #cancel}. */
  long schedule(long delayMs, Runnable task);

  void cancel(long id);

  long now();

  /** Timers of {@code vertx}: tasks run on the context that scheduled them. */
  static Timers of(Vertx vertx) {
    return new Timers() {
      @Override
      public long schedule(long delayMs, Runnable task) {
        return vertx.setTimer(Math.max(1, delayMs), id -> task.run());
      }

      @Override
      public void cancel(long id) {
        vertx.cancelTimer(id);
      }

      @Override
      public long now() {
        return System.currentTimeMillis();
      }
    };
  }
}
