package com.ncvault.sync;

import com.ncvault.contract.DomainEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One answer of {@code StorageActions.EVENTS_SINCE}: events oldest first and the latest committed
 * seq. {@code truncated} is set when storage says the requested history is no longer kept.
 */
record EventPage(List<DomainEvent> events, long latestSeq, boolean truncated) {

  static EventPage fromJson(JsonObject reply) {
    JsonArray array = reply.getJsonArray("events", new JsonArray());
    List<DomainEvent> events = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      events.add(array.getJsonObject(i).mapTo(DomainEvent.class));
    }
    long latest = reply.getLong("latestSeq", events.isEmpty() ? 0L : events.get(events.size() - 1).seq());
    return new EventPage(events, latest, reply.getBoolean("truncated", false));
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
