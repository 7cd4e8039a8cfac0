package com.ncvault.api;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Small helpers that keep the asynchronous tests readable. */
final class Checks {

  private Checks() {
  }

  /** Runs the assertions on the future's value and completes the test (fails it on any error). */
  static <T> void verify(VertxTestContext ctx, Future<T> future, Consumer<T> assertions) {
    future.onComplete(ctx.succeeding(value -> ctx.verify(() -> {
      assertions.accept(value);
      ctx.completeNow();
    })));
  }

  /** Completes once the condition holds; fails after {@code timeoutMs}. Checks every 20 ms. */
  static Future<Void> eventually(Vertx vertx, long timeoutMs, String what, BooleanSupplier condition) {
    Promise<Void> promise = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    vertx.setPeriodic(0, 20, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        promise.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        promise.tryFail(new AssertionError("timed out waiting until " + what));
      }
    });
    return promise.future();
  }
}
