package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether H2's file is known to be on the disk. Once a sync of it has failed, the node takes no more
 * changes until it is restarted: Linux reports a failed write-back to one sync and then forgets it, so
 * a later sync that succeeds does not mean the earlier writes reached the disk, and answering 2xx on
 * top of them would promise what the disk may not hold (PostgreSQL stops for the same reason). Reads
 * go on; {@code /health} reports the node down, so a load balancer and the web page's fallback move
 * users to another node. Thread-safe: syncs fail on the commit thread and on pool threads.
 */
final class DiskSyncState {

  private static final Logger LOG = LoggerFactory.getLogger(DiskSyncState.class);

  /** When the first sync failed, in epoch milliseconds; 0 while every sync succeeded. */
  private volatile long failedAt;
  private final AtomicLong failures = new AtomicLong();

  /** Records a sync that failed; {@code what} says which write it was to confirm, for the log. */
  void failed(String what, Throwable cause, long at) {
    if (failures.getAndIncrement() == 0) {
      failedAt = at;
      LOG.error("H2's file could not be synced to the disk after {}; this node takes no more changes until it is "
        + "restarted, once its disk has been seen to", what, cause);
    } else {
      LOG.error("H2's file could not be synced to the disk after {} (failure {} since {})", what, failures.get(),
        FileRow.iso(failedAt), cause);
    }
  }

  /** When the first sync failed (epoch milliseconds), or 0. */
  long failedAt() {
    return failedAt;
  }

  /** The refusal of a change once a sync has failed (503), or null while none has. */
  PdmError refusal() {
    long at = failedAt;
    return at == 0 ? null : new PdmError(ErrorCode.UNAVAILABLE, "This node's disk did not confirm a write at "
      + FileRow.iso(at) + "; the node takes no changes until it is restarted (its disk needs attention)");
  }
}
