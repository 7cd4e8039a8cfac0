package com.ncvault.sync;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One file-list snapshot per node, shared: every socket that needs a FILE_LIST_UPDATED asks here,
 * and concurrent asks are served by one storage read. A cached snapshot is reused while it is at
 * least as new as the asker needs (the seq the node has delivered), so a reconnect storm costs one
 * query, not one per socket.
 *
 * <p>Not thread-safe: runs on the sync-verticle's context, except {@link #cachedAtLeast}, which any
 * thread may call.
 */
final class SnapshotService {

  private record Waiter(long minSeq, Promise<Snapshot> promise) {
  }

  private final Supplier<Future<Snapshot>> fetch;
  /** Written on the sync-verticle's context only; read by hubs through {@link #cachedAtLeast}. */
  private volatile Snapshot cached;
  private boolean fetching;
  /** Asks that arrived while a read was running: that read may predate what they need. */
  private List<Waiter> next = new ArrayList<>();

  SnapshotService(Supplier<Future<Snapshot>> fetch) {
    this.fetch = fetch;
  }

  /**
   * The cached snapshot when it reflects at least {@code minSeq}, else null: nothing to wait for, so a
   * hub may take it on its own thread (a snapshot is immutable).
   */
  Snapshot cachedAtLeast(long minSeq) {
    Snapshot current = cached;
    return current != null && current.seq() >= minSeq ? current : null;
  }

  /** A snapshot that reflects at least {@code minSeq}. */
  Future<Snapshot> atLeast(long minSeq) {
    Snapshot ready = cachedAtLeast(minSeq);
    if (ready != null) {
      return Future.succeededFuture(ready);
    }
    Promise<Snapshot> promise = Promise.promise();
    next.add(new Waiter(minSeq, promise));
    if (!fetching) {
      read();
    }
    return promise.future();
  }

  private void read() {
    List<Waiter> current = next;
    next = new ArrayList<>();
    fetching = true;
    fetch.get().onComplete(ar -> {
      fetching = false;
      if (ar.failed()) {
        current.forEach(waiter -> waiter.promise().fail(ar.cause()));
      } else {
        Snapshot snapshot = ar.result();
        if (cached == null || snapshot.seq() >= cached.seq()) {
          cached = snapshot;
        }
        // A read that started after an ask reflects everything committed before the ask.
        current.forEach(waiter -> waiter.promise().complete(snapshot));
        next.removeIf(waiter -> {
          if (cached.seq() >= waiter.minSeq()) {
            waiter.promise().complete(cached);
            return true;
          }
          return false;
        });
      }
      if (!next.isEmpty()) {
        read();
      }
    });
  }
}
