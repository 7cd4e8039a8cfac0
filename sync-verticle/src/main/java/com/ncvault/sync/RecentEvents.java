package com.ncvault.sync;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last events the node delivered, already encoded, readable from any hub thread. A socket
 * that reconnects with a recent {@code since} (a network blip, a node restart of a peer, a
 * reconnect storm) catches up from here without a storage query or a second encoding.
 * Written only by the sync-verticle's context, in seq order.
 */
final class RecentEvents {

  private final AtomicReferenceArray<OutboundEvent> ring;
  private final AtomicLong newest = new AtomicLong(-1);

  RecentEvents(int capacity) {
    ring = new AtomicReferenceArray<>(capacity);
  }

  void add(OutboundEvent event) {
    ring.set(slot(event.seq()), event);
    newest.set(event.seq());
  }

  /** The event of {@code seq} if it is still kept, else null. */
  OutboundEvent get(long seq) {
    if (seq < 0) {
      return null;
    }
    OutboundEvent event = ring.get(slot(seq));
    return event != null && event.seq() == seq ? event : null;
  }

  /** The seq of the last event added, -1 before the first. */
  long newest() {
    return newest.get();
  }

  private int slot(long seq) {
    return (int) (seq % ring.length());
  }
}
