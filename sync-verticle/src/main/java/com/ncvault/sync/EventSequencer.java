package com.ncvault.sync;

import com.ncvault.contract.DomainEvent;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Turns the domain events a node receives (possibly late, out of order or twice) into one stream
 * in {@code seq} order without gap or duplicate. An event that arrives ahead of the next expected
 * seq is held; when a gap lasts {@code gapWaitMs} the missing events are read from storage. Storage
 * is the source of truth for order, so a publish lost on the way costs a short delay, never a hole.
 * A publish that never arrives and is followed by nothing (the node was cut off from the one that
 * published it) shows as a gap once the node learns the latest committed seq ({@link #catchUp}).
 *
 * <p>Not thread-safe: every method runs on the sync-verticle's context, except {@link #lastDelivered},
 * which any thread may call.
 */
final class EventSequencer {

  /** Reads committed events after a seq. */
  interface Fetcher {
    Future<EventPage> since(long seq, int limit);
  }

  static final int FETCH_LIMIT = 500;
  private static final Logger LOG = LoggerFactory.getLogger(EventSequencer.class);

  private final long gapWaitMs;
  private final Fetcher fetcher;
  private final Timers timers;
  private final Consumer<List<DomainEvent>> sink;
  private final TreeMap<Long, DomainEvent> held = new TreeMap<>();
  private boolean started;
  /**
   * Written here only, read by hubs too ({@link #lastDelivered}); raised before the events are
   * handed on, so a hub that has run a delivery sees at least its seq.
   */
  private volatile long delivered;
  /** The latest seq storage reported as committed. */
  private long committed;
  private long gapTimer = -1;
  private boolean fetching;

  EventSequencer(long gapWaitMs, Fetcher fetcher, Timers timers, Consumer<List<DomainEvent>> sink) {
    this.gapWaitMs = gapWaitMs;
    this.fetcher = fetcher;
    this.timers = timers;
    this.sink = sink;
  }

  /** Starts delivering after {@code lastSeq} (the latest seq in storage when the node started). */
  void start(long lastSeq) {
    delivered = lastSeq;
    committed = lastSeq;
    started = true;
    release();
  }

  /** The seq of the last event handed to the sink (at least; from any thread). */
  long lastDelivered() {
    return delivered;
  }

  boolean started() {
    return started;
  }

  void offer(DomainEvent event) {
    if (started && event.seq() <= delivered) {
      return;
    }
    held.putIfAbsent(event.seq(), event);
    if (started) {
      release();
    }
  }

  /**
   * Storage has committed every event up to {@code latestSeq}. Those not received by then are a gap
   * like any other: waited for {@code gapWaitMs} (their publish may be on its way), then read.
   */
  void catchUp(long latestSeq) {
    if (!started || latestSeq <= committed) {
      return;
    }
    committed = latestSeq;
    release();
  }

  void stop() {
    if (gapTimer >= 0) {
      timers.cancel(gapTimer);
      gapTimer = -1;
    }
    held.clear();
  }

  private void release() {
    if (!started) {
      return;
    }
    while (!held.isEmpty() && held.firstKey() <= delivered) {
      held.pollFirstEntry();
    }
    List<DomainEvent> ready = null;
    while (!held.isEmpty() && held.firstKey() == delivered + 1) {
      DomainEvent next = held.pollFirstEntry().getValue();
      delivered = next.seq();
      if (ready == null) {
        ready = new ArrayList<>();
      }
      ready.add(next);
    }
    if (missingUpTo() <= delivered) {
      if (gapTimer >= 0) {
        timers.cancel(gapTimer);
        gapTimer = -1;
      }
    } else if (gapTimer < 0 && !fetching) {
      gapTimer = timers.schedule(gapWaitMs, this::fillGap);
    }
    if (ready != null) {
      sink.accept(ready);
    }
  }

  /** The last seq of the current gap: the one before the first held event, else the latest committed. */
  private long missingUpTo() {
    return held.isEmpty() ? committed : held.firstKey() - 1;
  }

  private void fillGap() {
    gapTimer = -1;
    if (missingUpTo() <= delivered || fetching) {
      return;
    }
    long from = delivered;
    int missing = (int) Math.min(FETCH_LIMIT, missingUpTo() - from);
    fetching = true;
    fetcher.since(from, missing).onComplete(ar -> {
      fetching = false;
      boolean fullPage = false;
      if (ar.succeeded()) {
        EventPage page = ar.result();
        fullPage = page.events().size() >= missing;
        for (DomainEvent event : page.events()) {
          if (event.seq() > delivered) {
            held.putIfAbsent(event.seq(), event);
          }
        }
        if (!page.continuesFrom(from) && delivered == from && !held.isEmpty()) {
          // Storage no longer keeps the missing events: clients notice the jump and resync.
          LOG.warn("Events {}..{} are no longer in storage; continuing from {}", from + 1, held.firstKey() - 1,
            held.firstKey());
          delivered = held.firstKey() - 1;
        }
      } else {
        LOG.warn("Could not read missing events after seq {}: {}", from, ar.cause().getMessage());
      }
      release();
      if (fullPage && gapTimer >= 0) {
        // A long gap is read page after page without waiting between pages.
        timers.cancel(gapTimer);
        fillGap();
      }
    });
  }
}
