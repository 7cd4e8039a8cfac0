package com.ncvault.sync;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class HubTest {

  private static ClientSession session(String user) {
    // registration touches neither the socket nor the node
    return new ClientSession(null, user, "programmer", 3, -1, 0, null, null, null, null, new RecentEvents(4), null);
  }

  /** {@code count} sessions of 500 users, registered with {@code hub} in order. */
  private static List<ClientSession> register(Hub hub, int count) {
    List<ClientSession> sessions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ClientSession session = session("user" + (i % 500));
      sessions.add(session);
      hub.add(session);
    }
    return sessions;
  }

  @Test
  void socketsComeAndGoInAnyOrderEachInConstantTime() {
    Hub hub = new Hub(null);
    List<ClientSession> sessions = register(hub, 20_000);
    assertThat(hub.size()).isEqualTo(20_000);
    Collections.shuffle(sessions, new Random(7));
    List<ClientSession> gone = sessions.subList(0, 15_000);
    gone.forEach(hub::remove);
    // a second remove (close handler after a close) changes nothing
    gone.forEach(hub::remove);
    assertThat(hub.size()).isEqualTo(5_000);
    assertThat(gone).noneMatch(hub::contains);
    assertThat(sessions.subList(15_000, 20_000)).allMatch(hub::contains);
    gone.forEach(hub::add);
    assertThat(hub.size()).isEqualTo(20_000);
    assertThat(sessions).allMatch(hub::contains);
  }

  /** The sockets are spread over the ping slices evenly as they come, and a socket keeps its slice. */
  @Test
  void theSocketsAreSpreadOverEvenPingSlicesThatStayPut() {
    Hub hub = new Hub(null);
    List<ClientSession> sessions = register(hub, 20_000);
    int[] perSlice = new int[Hub.PING_SLICES];
    sessions.forEach(session -> perSlice[session.pingSlice]++);
    assertThat(perSlice).containsOnly(20_000 / Hub.PING_SLICES);
    List<Byte> before = sessions.stream().map(session -> session.pingSlice).toList();
    // sockets that leave move others in the hub's array, not between slices
    for (int i = 0; i < 20_000; i += 3) {
      hub.remove(sessions.get(i));
    }
    assertThat(sessions.stream().map(session -> session.pingSlice).toList()).isEqualTo(before);
  }

  private static List<OutboundEvent> events(long... seqs) {
    return LongStream.of(seqs).mapToObj(seq -> new OutboundEvent(seq, new Frame[0], null, true, false, null)).toList();
  }

  /**
   * Batches posted while the hub's loop is busy (here: with the task that posts them) leave in one
   * delivery; a task run in between is not overtaken by a batch posted after it.
   */
  @Test
  void batchesPostedWhileTheLoopIsBusyLeaveTogetherAndATaskRunBetweenThemIsNotOvertaken(Vertx vertx,
                                                                                        VertxTestContext ctx) {
    Context context = vertx.getOrCreateContext();
    Hub hub = new Hub(context);
    List<String> seen = new CopyOnWriteArrayList<>();
    context.runOnContext(v -> {
      hub.post(events(1));
      hub.post(events(2, 3));
      hub.run(() -> seen.add(hub.deliveries() + " deliveries, " + hub.deliveredEvents() + " events"));
      hub.post(events(4));
      hub.post(events(5));
      hub.post(events(6));
      hub.run(() -> seen.add(hub.deliveries() + " deliveries, " + hub.deliveredEvents() + " events"));
      hub.run(() -> {
        // nothing waits now: a batch posted from here on is a delivery of its own
        hub.post(events(7));
        hub.run(() -> ctx.verify(() -> {
          assertThat(seen).containsExactly("1 deliveries, 3 events", "2 deliveries, 6 events");
          assertThat(hub.deliveries()).isEqualTo(3);
          assertThat(hub.deliveredEvents()).isEqualTo(7);
          ctx.completeNow();
        }));
      });
    });
  }
}
