package com.ncvault.sync;

import io.vertx.core.Future;

import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * Proto-1 sockets get the whole file list after every change. During a burst that would be one
 * snapshot per event per socket; instead the node reads at most one snapshot per window (leading
 * edge: the first change is sent at once) and shares it among all proto-1 sockets. The last
 * snapshot of a burst is always read after the burst's last event, so clients end up to date.
 *
 * <p>Not thread-safe: runs on the sync-verticle's context.
 */
final class SnapshotCoalescer {

  private final long windowMs;
  private final Timers timers;
  private final LongFunction<Future<Snapshot>> snapshots;
  private final LongSupplier position;
  private final Consumer<Snapshot> broadcast;
  private boolean dirty;
  private boolean reading;
  private long timer = -1;
  private long lastReadAt = Long.MIN_VALUE / 2;
  private long lastBroadcastSeq = -1;

  /**
   * @param snapshots reads a snapshot reflecting at least the given seq
   * @param position the seq the node has delivered
   */
  SnapshotCoalescer(long windowMs, Timers timers, LongFunction<Future<Snapshot>> snapshots,
                    LongSupplier position, Consumer<Snapshot> broadcast) {
    this.windowMs = windowMs;
    this.timers = timers;
    this.snapshots = snapshots;
    this.position = position;
    this.broadcast = broadcast;
  }

  /** The file list changed. */
  void changed() {
    dirty = true;
    if (reading || timer >= 0) {
      return;
    }
    long wait = lastReadAt + windowMs - timers.now();
    if (wait <= 0) {
      read();
    } else {
      timer = timers.schedule(wait, () -> {
        timer = -1;
        read();
      });
    }
  }

  void stop() {
    if (timer >= 0) {
      timers.cancel(timer);
      timer = -1;
    }
  }

  private void read() {
    dirty = false;
    reading = true;
    lastReadAt = timers.now();
    snapshots.apply(position.getAsLong()).onComplete(ar -> {
      reading = false;
      if (ar.succeeded() && ar.result().seq() > lastBroadcastSeq) {
        lastBroadcastSeq = ar.result().seq();
        broadcast.accept(ar.result());
      } else if (ar.failed()) {
        dirty = true;
      }
      if (dirty) {
        changed();
      }
    });
  }
}
