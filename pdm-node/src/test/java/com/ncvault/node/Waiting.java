package com.ncvault.node;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/** Waiting for a state other processes reach in their own time (replication, a node's view). */
final class Waiting {

  private Waiting() {
  }

  /** Completes once {@code check} yields true (asked again 200 ms after each answer); fails after {@code timeoutMs}. */
  static Future<Void> until(Vertx vertx, long timeoutMs, String what, Supplier<Future<Boolean>> check) {
    Promise<Void> done = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    ask(vertx, deadline, what, check, done);
    return done.future();
  }

  private static void ask(Vertx vertx, long deadline, String what, Supplier<Future<Boolean>> check, Promise<Void> done) {
    check.get().onComplete(result -> {
      if (result.succeeded() && result.result()) {
        done.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        done.tryFail(new AssertionError("timed out waiting until " + what));
      } else {
        vertx.setTimer(200, id -> ask(vertx, deadline, what, check, done));
      }
    });
  }
}
