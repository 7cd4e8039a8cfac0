package com.ncvault.sync;

import com.ncvault.contract.DomainEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class EventSequencerTest {

  private final ManualTimers timers = new ManualTimers();
  private final List<Long> delivered = new ArrayList<>();
  private final Map<Long, DomainEvent> storage = new TreeMap<>();
  private final List<Long> fetchedFrom = new ArrayList<>();
  private long oldestKept = 1;
  /** When set, the next storage read stays open until the test completes it. */
  private boolean deferFetch;
  private Promise<EventPage> openFetch;

  private final EventSequencer sequencer = new EventSequencer(200, this::fetch, timers,
    events -> events.forEach(e -> delivered.add(e.seq())));

  private Future<EventPage> fetch(long since, int limit) {
    fetchedFrom.add(since);
    List<DomainEvent> page = storage.values().stream().filter(e -> e.seq() > since && e.seq() >= oldestKept)
      .limit(limit).toList();
    EventPage result = new EventPage(page, storage.size(), false);
    if (deferFetch) {
      deferFetch = false;
      openFetch = Promise.promise();
      Promise<EventPage> open = openFetch;
      return open.future().map(v -> result);
    }
    return Future.succeededFuture(result);
  }

  private DomainEvent commit(long seq) {
    DomainEvent event = new DomainEvent(seq, "checkout", "a.nc", "alice", "t", "1.0", "m", null, null);
    storage.put(seq, event);
    return event;
  }

  @Test
  void inOrderEventsPassStraightThrough() {
    sequencer.start(0);
    for (long seq = 1; seq <= 3; seq++) {
      sequencer.offer(commit(seq));
    }
    assertThat(delivered).containsExactly(1L, 2L, 3L);
    assertThat(timers.pending()).isZero();
  }

  @Test
  void outOfOrderEventsAreHeldAndReleasedInOrder() {
    sequencer.start(2);
    DomainEvent e3 = commit(3);
    DomainEvent e4 = commit(4);
    DomainEvent e5 = commit(5);
    sequencer.offer(e5);
    sequencer.offer(e3);
    assertThat(delivered).containsExactly(3L);
    sequencer.offer(e4);
    assertThat(delivered).containsExactly(3L, 4L, 5L);
    assertThat(timers.pending()).isZero();
    assertThat(fetchedFrom).isEmpty();
  }

  @Test
  void duplicatesAndOldEventsAreDropped() {
    sequencer.start(5);
    sequencer.offer(commit(4));
    sequencer.offer(commit(6));
    sequencer.offer(commit(6));
    assertThat(delivered).containsExactly(6L);
  }

  @Test
  void aGapIsReadFromStorageOnlyAfterTheGapWait() {
    sequencer.start(0);
    sequencer.offer(commit(1));
    commit(2);
    sequencer.offer(commit(3));
    assertThat(delivered).containsExactly(1L);
    timers.advance(199);
    assertThat(fetchedFrom).isEmpty();
    timers.advance(1);
    assertThat(fetchedFrom).containsExactly(1L);
    assertThat(delivered).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aLateEventWithinTheWaitNeedsNoStorageRead() {
    sequencer.start(0);
    DomainEvent e1 = commit(1);
    sequencer.offer(commit(2));
    timers.advance(100);
    sequencer.offer(e1);
    timers.advance(500);
    assertThat(delivered).containsExactly(1L, 2L);
    assertThat(fetchedFrom).isEmpty();
  }

  @Test
  void eventsArrivingWhileTheGapIsReadAreNotLostNorDoubled() {
    sequencer.start(0);
    commit(1);
    DomainEvent e2 = commit(2);
    DomainEvent e3 = commit(3);
    sequencer.offer(e3);
    deferFetch = true;
    timers.advance(200);
    assertThat(fetchedFrom).containsExactly(0L);
    // while storage is being read, the late events arrive after all
    DomainEvent e1 = storage.get(1L);
    sequencer.offer(e1);
    sequencer.offer(e2);
    sequencer.offer(commit(4));
    assertThat(delivered).containsExactly(1L, 2L, 3L, 4L);
    openFetch.complete();
    assertThat(delivered).containsExactly(1L, 2L, 3L, 4L);
    assertThat(timers.pending()).isZero();
  }

  @Test
  void eventsBeforeStartAreKeptUntilTheStartingPointIsKnown() {
    DomainEvent e3 = commit(3);
    DomainEvent e2 = commit(2);
    sequencer.offer(e3);
    sequencer.offer(e2);
    assertThat(delivered).isEmpty();
    sequencer.start(2);
    assertThat(delivered).containsExactly(3L);
  }

  @Test
  void whenStorageNoLongerHasTheMissingEventsTheStreamMovesOn() {
    sequencer.start(0);
    commit(1);
    commit(2);
    oldestKept = 3;
    sequencer.offer(commit(3));
    timers.advance(200);
    assertThat(delivered).containsExactly(3L);
    sequencer.offer(commit(4));
    assertThat(delivered).containsExactly(3L, 4L);
  }

  @Test
  void aLongGapIsReadPageAfterPage() {
    sequencer.start(0);
    for (long seq = 1; seq <= 1200; seq++) {
      commit(seq);
    }
    sequencer.offer(commit(1201));
    timers.advance(200);
    assertThat(delivered).hasSize(1201);
    assertThat(delivered).isSorted();
    assertThat(fetchedFrom).containsExactly(0L, 500L, 1000L);
  }

  @Test
  void eventsWhosePublishNeverArrivedAreReadOnceStorageReportsThemCommitted() {
    // A node cut off from the one that made the changes: nothing later reveals the gap.
    sequencer.start(0);
    commit(1);
    commit(2);
    commit(3);
    timers.advance(10_000);
    assertThat(delivered).isEmpty();
    sequencer.catchUp(3);
    timers.advance(199);
    assertThat(fetchedFrom).as("their publish may still be on its way").isEmpty();
    timers.advance(1);
    assertThat(fetchedFrom).containsExactly(0L);
    assertThat(delivered).containsExactly(1L, 2L, 3L);
    assertThat(timers.pending()).isZero();
  }

  @Test
  void eventsStillOnTheirWayWhenStorageReportsThemCostNoStorageRead() {
    sequencer.start(0);
    DomainEvent e1 = commit(1);
    DomainEvent e2 = commit(2);
    sequencer.catchUp(2);
    timers.advance(50);
    sequencer.offer(e2);
    sequencer.offer(e1);
    timers.advance(500);
    assertThat(delivered).containsExactly(1L, 2L);
    assertThat(fetchedFrom).isEmpty();
    assertThat(timers.pending()).isZero();
  }

  @Test
  void aLatestSeqAlreadyDeliveredChangesNothing() {
    sequencer.start(0);
    sequencer.offer(commit(1));
    sequencer.catchUp(1);
    sequencer.catchUp(0);
    assertThat(timers.pending()).isZero();
    assertThat(delivered).containsExactly(1L);
  }

  @Test
  void aLongBacklogFoundByTheLatestSeqIsReadPageAfterPageAndThenFollowedLive() {
    sequencer.start(0);
    for (long seq = 1; seq <= 1100; seq++) {
      commit(seq);
    }
    sequencer.catchUp(1100);
    timers.advance(200);
    assertThat(fetchedFrom).containsExactly(0L, 500L, 1000L);
    assertThat(delivered).hasSize(1100).isSorted();
    sequencer.offer(commit(1101));
    assertThat(delivered).hasSize(1101);
    assertThat(timers.pending()).isZero();
  }
}
