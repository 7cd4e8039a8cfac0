package com.ncvault.sync;

import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.StorageApi;
import java.util.List;

/**
 * One answer of {@link StorageApi#eventsSince}: events oldest first and the latest committed
 * seq. {@code truncated} is set when storage says the requested history is no longer kept.
 */
record EventPage(List<DomainEvent> events, long latestSeq, boolean truncated) {

  static EventPage of(StorageApi.EventPage page) {
    return new EventPage(page.events(), page.latestSeq(), page.truncated());
  }

  /**
   * True when this page continues a history that ended at {@code since} without a hole: its first
   * event is {@code since + 1}, or it is empty and nothing newer exists.
   */
  boolean continuesFrom(long since) {
    if (truncated) {
      return false;
    }
    return events.isEmpty() ? latestSeq <= since : events.get(0).seq() == since + 1;
  }

  /** True when {@code since} is newer than anything storage has (for example a reset database). */
  boolean isBehind(long since) {
    return since > latestSeq;
  }
}
