package com.ncvault.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import org.HdrHistogram.Histogram;

import java.util.Arrays;

/**
 * Makes lock and unlock events at a fixed rate (open loop: the schedule does not wait for the
 * clients). The events of one file are serialised: the next one is sent after the previous answer,
 * which keeps a file's events in a known order; several files let the rate exceed one round trip.
 * When every file is busy the actor falls behind, which shows in the achieved rate.
 */
final class Actor extends VerticleBase {

  /** What makes an event: a checkout or cancel on a node, a POST /broadcast on the ws baseline. */
  interface Source {
    Future<Void> make(int file, boolean lock);
  }

  /** One run at one rate. {@code ids} are the events made, in the book. */
  record Result(double targetRate, double seconds, int issued, int completed, int errors, String firstError,
                int[] ids, Histogram requestMicros) {

    double achievedRate() {
      return seconds <= 0 ? 0 : completed / seconds;
    }
  }

  private final EventBook book;
  private final Source source;
  private final boolean[] locked;
  private final boolean[] busy;
  private final int[] ordinal;
  private int cursor;

  Actor(EventBook book, Source source) {
    this.book = book;
    this.source = source;
    this.locked = new boolean[book.files()];
    this.busy = new boolean[book.files()];
    this.ordinal = new int[book.files()];
  }

  @Override
  public Future<?> start() {
    return Future.succeededFuture();
  }

  /** Makes events at {@code rate} per second for {@code durationMs}, then waits for the last answers. */
  Future<Result> run(double rate, long durationMs, int step) {
    Promise<Result> promise = Promise.promise();
    context.runOnContext(v -> new Run(rate, durationMs, step, promise).begin());
    return promise.future();
  }

  private final class Run {
    final double rate;
    final long durationNanos;
    final int step;
    final Promise<Result> promise;
    final Histogram requestMicros = new Histogram(3);
    int[] ids = new int[256];
    long start;
    long timer;
    int issued;
    int completed;
    int errors;
    int inFlight;
    boolean finishing;
    String firstError;

    Run(double rate, long durationMs, int step, Promise<Result> promise) {
      this.rate = rate;
      this.durationNanos = durationMs * 1_000_000L;
      this.step = step;
      this.promise = promise;
    }

    void begin() {
      start = System.nanoTime();
      tick();
      timer = vertx.setPeriodic(1, id -> tick());
    }

    void tick() {
      long elapsed = System.nanoTime() - start;
      if (elapsed >= durationNanos) {
        vertx.cancelTimer(timer);
        finishing = true;
        finishIfDone();
        return;
      }
      // the first event goes at t=0, then one every 1/rate seconds
      long due = (long) (rate * elapsed / 1e9) + 1 - issued;
      while (due-- > 0) {
        int file = nextIdleFile();
        if (file < 0) {
          return;
        }
        issue(file);
      }
    }

    int nextIdleFile() {
      for (int i = 0; i < busy.length; i++) {
        int file = (cursor + i) % busy.length;
        if (!busy[file] && book.hasRoom(ordinal[file])) {
          cursor = file + 1;
          return file;
        }
      }
      return -1;
    }

    void issue(int file) {
      int n = ordinal[file];
      boolean lock = !locked[file];
      busy[file] = true;
      issued++;
      inFlight++;
      long sent = System.nanoTime();
      book.sending(file, n, step, lock, sent);
      source.make(file, lock).onComplete(result -> {
        busy[file] = false;
        inFlight--;
        requestMicros.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
        if (result.succeeded()) {
          locked[file] = lock;
          ordinal[file] = n + 1;
          completed++;
          if (completed > ids.length) {
            ids = Arrays.copyOf(ids, ids.length * 2);
          }
          ids[completed - 1] = book.id(file, n);
        } else {
          errors++;
          if (firstError == null) {
            firstError = String.valueOf(result.cause().getMessage());
          }
        }
        finishIfDone();
      });
    }

    void finishIfDone() {
      if (finishing && inFlight == 0) {
        promise.tryComplete(new Result(rate, durationNanos / 1e9, issued, completed, errors, firstError,
          Arrays.copyOf(ids, completed), requestMicros));
      }
    }
  }
}
