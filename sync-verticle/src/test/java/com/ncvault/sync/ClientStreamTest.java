package com.ncvault.sync;

import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.EventTypes;
import com.ncvault.contract.FileInfo;
import com.ncvault.contract.WsCloseCodes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catch-up and ordering state machine without a socket: the test is the socket (full or not,
 * drained when it says), storage (pages and snapshots answered when it says) and the clock.
 */
class ClientStreamTest {

  private static final String T = "2025-01-02T03:04:05Z";

  /** The socket: records frames, is full when told, and its close. */
  private static final class Socket implements ClientStream.Outbox {
    final List<JsonObject> sent = new ArrayList<>();
    boolean full;
    Short closedWith;
    int closes;

    @Override
    public boolean full() {
      return full;
    }

    @Override
    public void send(Frame frame) {
      sent.add(new JsonObject(frame.text()));
    }

    @Override
    public void closeSocket(short code, String reason) {
      closedWith = code;
      closes++;
    }

    /** "TYPE@seq" of each frame with a seq. */
    List<String> stream() {
      return sent.stream().filter(m -> m.containsKey("seq")).map(m -> m.getString("type") + "@" + m.getLong("seq")).toList();
    }

    List<Long> seqs(String type) {
      return sent.stream().filter(m -> type.equals(m.getString("type"))).map(m -> m.getLong("seq")).toList();
    }
  }

  /** Storage: each request waits until the test answers it. */
  private static final class Storage implements ClientStream.Sources {
    final ArrayDeque<Promise<EventPage>> pages = new ArrayDeque<>();
    final List<Long> pageRequests = new ArrayList<>();
    final ArrayDeque<Promise<Snapshot>> snapshots = new ArrayDeque<>();

    @Override
    public Future<EventPage> eventsSince(long from, int limit) {
      pageRequests.add(from);
      Promise<EventPage> page = Promise.promise();
      pages.add(page);
      return page.future();
    }

    @Override
    public Future<Snapshot> snapshot() {
      Promise<Snapshot> snapshot = Promise.promise();
      snapshots.add(snapshot);
      return snapshot.future();
    }

    void answerSnapshot(long seq) {
      snapshots.poll().complete(ClientStreamTest.snapshot(seq));
    }

    /** Answers the oldest page request with the events from..to and the latest seq. */
    void answerPage(long from, long to, long latest) {
      List<DomainEvent> events = LongStream.rangeClosed(from, to).mapToObj(ClientStreamTest::domain).toList();
      pages.poll().complete(new EventPage(events, latest, false));
    }
  }

  private final Socket socket = new Socket();
  private final Storage storage = new Storage();
  private final ManualTimers timers = new ManualTimers();
  private final RecentEvents recent = new RecentEvents(64);

  private ClientStream stream(int proto, long since) {
    return stream(proto, since, "programmer", 0);
  }

  private ClientStream stream(int proto, long since, String role, long expiresAt) {
    return new ClientStream("bob", role, proto, since, expiresAt, recent, storage, timers, socket);
  }

  private static DomainEvent domain(long seq) {
    FileInfo file = new FileInfo("f" + seq + ".nc", "Misc", "", "1.0", 1, "ab", T, T, false, "locked", "alice", T, "m",
      "lock-" + seq, "draft", null);
    return new DomainEvent(seq, EventTypes.CHECKOUT, file.filename(), "alice", T, "1.0", "m", null, file);
  }

  private static OutboundEvent event(long seq) {
    return OutboundEvent.encode(domain(seq));
  }

  private static List<OutboundEvent> events(long from, long to) {
    return LongStream.rangeClosed(from, to).mapToObj(ClientStreamTest::event).toList();
  }

  private static Snapshot snapshot(long seq) {
    return new Snapshot(seq, Frame.text(Messages.fileListUpdated(seq, new JsonObject())));
  }

  /** Events the node delivered before: in its memory, as the node keeps them. */
  private void remember(long from, long to) {
    events(from, to).forEach(recent::add);
  }

  /** Events the node delivers now: kept in its memory first, then handed to the stream, as the node does. */
  private List<OutboundEvent> live(long from, long to) {
    List<OutboundEvent> delivered = events(from, to);
    delivered.forEach(recent::add);
    return delivered;
  }

  // ---- connect ----------------------------------------------------------------------------------

  @Test
  void aFirstConnectGetsTheFileListThenLiveEvents() {
    ClientStream stream = stream(3, -1);
    stream.start();
    assertThat(stream.state()).isEqualTo(ClientStream.State.CATCHING_UP);
    stream.onEvents(live(5, 6));
    storage.answerSnapshot(5);
    assertThat(stream.state()).isEqualTo(ClientStream.State.LIVE);
    stream.onEvents(live(7, 7));
    assertThat(socket.stream()).containsExactly("FILE_LIST_UPDATED@5", "EVENT@6", "EVENT@7");
  }

  @Test
  void protoTwoWritesTheDeltaAndActivityOfASeqAndProtoThreeOneFrame() {
    ClientStream two = stream(2, 0);
    two.start();
    assertThat(storage.pageRequests).containsExactly(0L);
    storage.answerPage(1, 1, 1);
    assertThat(socket.stream()).containsExactly("FILE_LOCKED@1", "ACTIVITY@1");
    Socket other = new Socket();
    ClientStream three = new ClientStream("bob", "programmer", 3, 1, 0, recent, storage, timers, other);
    three.start();
    storage.answerPage(2, 2, 2);
    assertThat(other.stream()).containsExactly("EVENT@2");
    JsonObject payload = other.sent.get(0).getJsonObject("payload");
    assertThat(payload.getJsonArray("changes")).containsExactly("FILE_LOCKED");
    assertThat(payload.getJsonObject("file").getString("lockedBy")).isEqualTo("alice");
    assertThat(payload.getString("event_type")).isEqualTo("checkout");
  }

  @Test
  void aSnapshotClientGetsOnlyFileLists() {
    ClientStream stream = stream(1, 3);
    stream.start();
    stream.onEvents(live(4, 5));
    storage.answerSnapshot(5);
    stream.onEvents(live(6, 6));
    stream.onSnapshot(snapshot(6));
    stream.onSnapshot(snapshot(6));
    assertThat(socket.stream()).containsExactly("FILE_LIST_UPDATED@5", "FILE_LIST_UPDATED@6");
  }

  @Test
  void aSnapshotClientGetsTheNewestListThatArrivedWhileItsOwnWasRead() {
    ClientStream stream = stream(1, -1);
    stream.start();
    stream.onSnapshot(snapshot(8));
    storage.answerSnapshot(7);
    assertThat(socket.stream()).containsExactly("FILE_LIST_UPDATED@8");
  }

  @Test
  void noFileListClosesWithServerError() {
    ClientStream stream = stream(3, -1);
    stream.start();
    storage.snapshots.poll().fail("down");
    assertThat(socket.closedWith).isEqualTo(WsCloseCodes.SERVER_ERROR);
    assertThat(stream.isClosed()).isTrue();
  }

  // ---- replay merged with live events ------------------------------------------------------------

  @Test
  void aReconnectReplaysFromMemoryWithoutStorageThenGoesLive() {
    remember(1, 10);
    ClientStream stream = stream(3, 4);
    stream.start();
    assertThat(storage.pageRequests).isEmpty();
    assertThat(stream.state()).isEqualTo(ClientStream.State.LIVE);
    assertThat(socket.seqs("EVENT")).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
  }

  @Test
  void liveEventsDuringAStorageReplayAreMergedWithoutRepeatOrGap() {
    ClientStream stream = stream(3, 2);
    stream.start();
    // while page 3..6 is read, 5..8 arrive live
    stream.onEvents(live(5, 6));
    stream.onEvents(live(7, 8));
    storage.answerPage(3, 6, 8);
    assertThat(socket.seqs("EVENT")).containsExactly(3L, 4L, 5L, 6L, 7L, 8L);
    assertThat(stream.state()).isEqualTo(ClientStream.State.LIVE);
  }

  @Test
  void aHoleBetweenTheReplayAndTheBufferedEventsIsReadFromStorage() {
    ClientStream stream = stream(3, 0);
    stream.start();
    stream.onEvents(live(9, 10));
    storage.answerPage(1, 4, 10);
    // 5..8 are neither replayed nor buffered: one more page
    assertThat(storage.pageRequests).containsExactly(0L, 4L);
    storage.answerPage(5, 8, 10);
    assertThat(socket.seqs("EVENT")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(stream.state()).isEqualTo(ClientStream.State.LIVE);
  }

  @Test
  void aLongReplayGoesPageByPage() {
    // the node's memory holds only the newest of them
    remember(650, 700);
    ClientStream stream = stream(3, 0);
    stream.start();
    storage.answerPage(1, ClientStream.REPLAY_PAGE, 700);
    assertThat(storage.pageRequests).containsExactly(0L, (long) ClientStream.REPLAY_PAGE);
    storage.answerPage(ClientStream.REPLAY_PAGE + 1, 700, 700);
    assertThat(socket.seqs("EVENT")).hasSize(700).isSorted();
    assertThat(stream.lastSeq()).isEqualTo(700);
  }

  @Test
  void aReplayPausesWhileTheSocketIsFullAndGoesOnAtItsDrain() {
    remember(1, 10);
    ClientStream stream = stream(3, 0);
    socket.full = true;
    stream.start();
    assertThat(socket.sent).isEmpty();
    stream.onEvents(live(11, 11));
    socket.full = false;
    stream.onDrain();
    assertThat(socket.seqs("EVENT")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
    assertThat(stream.state()).isEqualTo(ClientStream.State.LIVE);
  }

  @Test
  void historyNoLongerKeptTooLongOrInTheFutureMeansAFileList() {
    ClientStream gone = stream(3, 2);
    gone.start();
    storage.pages.poll().complete(new EventPage(List.of(), 50, true));
    storage.answerSnapshot(50);
    assertThat(socket.stream()).containsExactly("FILE_LIST_UPDATED@50");

    Socket second = new Socket();
    new ClientStream("bob", "programmer", 3, 2, 0, recent, storage, timers, second).start();
    storage.answerPage(3, 4, 3 + ClientStream.MAX_REPLAY);
    assertThat(storage.snapshots).hasSize(1);
    storage.answerSnapshot(3 + ClientStream.MAX_REPLAY);
    assertThat(second.stream()).containsExactly("FILE_LIST_UPDATED@" + (3 + ClientStream.MAX_REPLAY));

    Socket third = new Socket();
    new ClientStream("bob", "programmer", 3, 99, 0, recent, storage, timers, third).start();
    storage.pages.poll().complete(new EventPage(List.of(), 20, false));
    storage.answerSnapshot(20);
    assertThat(third.stream()).containsExactly("FILE_LIST_UPDATED@20");
  }

  @Test
  void aStorageFailureDuringReplayClosesWithServerError() {
    ClientStream stream = stream(2, 0);
    stream.start();
    storage.pages.poll().fail("down");
    assertThat(socket.closedWith).isEqualTo(WsCloseCodes.SERVER_ERROR);
  }

  // ---- overflow and holes while live ----------------------------------------------------------------

  @Test
  void tooManyEventsBufferedDuringCatchUpCloseWithResync() {
    ClientStream stream = stream(3, -1);
    stream.start();
    List<OutboundEvent> burst = new ArrayList<>();
    OutboundEvent one = event(1);
    for (int i = 0; i <= ClientStream.MAX_PENDING; i++) {
      burst.add(one);
    }
    stream.onEvents(burst);
    assertThat(socket.closedWith).isEqualTo(WsCloseCodes.RESYNC);
    // the snapshot that answers late finds the stream closed: nothing written
    storage.answerSnapshot(1);
    assertThat(socket.sent).isEmpty();
    assertThat(socket.closes).isEqualTo(1);
  }

  @Test
  void aHoleWhileLiveIsReadFromStorageThenTheStreamGoesOn() {
    remember(1, 3);
    ClientStream stream = stream(3, 0);
    stream.start();
    assertThat(stream.state()).isEqualTo(ClientStream.State.LIVE);
    // 4 and 5 never reach this node; 6 does
    stream.onEvents(live(6, 6));
    assertThat(stream.state()).isEqualTo(ClientStream.State.CATCHING_UP);
    assertThat(storage.pageRequests).containsExactly(3L);
    stream.onEvents(live(7, 7));
    storage.answerPage(4, 7, 7);
    assertThat(socket.seqs("EVENT")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(stream.state()).isEqualTo(ClientStream.State.LIVE);
  }

  @Test
  void aRepeatedLiveEventIsDropped() {
    remember(1, 2);
    ClientStream stream = stream(3, 0);
    stream.start();
    stream.onEvents(live(2, 3));
    assertThat(socket.seqs("EVENT")).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aLiveDeltaClientWhoseSocketIsFullIsToldToResync() {
    ClientStream stream = stream(3, -1);
    stream.start();
    storage.answerSnapshot(0);
    socket.full = true;
    stream.onEvents(live(1, 1));
    assertThat(socket.closedWith).isEqualTo(WsCloseCodes.RESYNC);
    assertThat(socket.seqs("EVENT")).isEmpty();
  }

  @Test
  void aControlMessageForAFullLiveDeltaClientClosesItWithResync() {
    ClientStream stream = stream(2, -1);
    stream.start();
    storage.answerSnapshot(0);
    socket.full = true;
    stream.sendControl(Messages.PONG);
    assertThat(socket.closedWith).isEqualTo(WsCloseCodes.RESYNC);
  }

  @Test
  void controlMessagesWaitForTheDrainUpToTheirBoundThenResync() {
    ClientStream stream = stream(1, -1);
    stream.start();
    storage.answerSnapshot(0);
    socket.full = true;
    for (int i = 0; i < ClientStream.MAX_QUEUED_CONTROL; i++) {
      stream.sendControl(Messages.PONG);
    }
    assertThat(socket.closedWith).isNull();
    socket.full = false;
    stream.onDrain();
    assertThat(socket.sent.stream().filter(m -> "PONG".equals(m.getString("type")))).hasSize(ClientStream.MAX_QUEUED_CONTROL);

    socket.full = true;
    for (int i = 0; i <= ClientStream.MAX_QUEUED_CONTROL; i++) {
      stream.sendControl(Messages.PONG);
    }
    assertThat(socket.closedWith).isEqualTo(WsCloseCodes.RESYNC);
  }

  @Test
  void controlMessagesQueuedBehindAFullSocketKeepTheirOrder() {
    ClientStream stream = stream(1, -1);
    stream.start();
    storage.answerSnapshot(0);
    socket.full = true;
    stream.sendControl(Frame.text("{\"type\":\"A\"}"));
    stream.sendControl(Frame.text("{\"type\":\"B\"}"));
    socket.full = false;
    stream.onDrain();
    stream.sendControl(Frame.text("{\"type\":\"C\"}"));
    assertThat(socket.sent).extracting(m -> m.getString("type")).containsExactly("FILE_LIST_UPDATED", "A", "B", "C");
  }

  @Test
  void aFullSnapshotClientGetsOnlyTheNewestListAtItsDrain() {
    ClientStream stream = stream(1, -1);
    stream.start();
    storage.answerSnapshot(1);
    socket.full = true;
    stream.onSnapshot(snapshot(2));
    stream.onSnapshot(snapshot(4));
    stream.onSnapshot(snapshot(3));
    assertThat(socket.closedWith).isNull();
    socket.full = false;
    stream.onDrain();
    assertThat(socket.stream()).containsExactly("FILE_LIST_UPDATED@1", "FILE_LIST_UPDATED@4");
  }

  // ---- who sees what -------------------------------------------------------------------------------

  @Test
  void userAdministrationReachesAdminsOnlyAndFollowsRoleChanges() {
    DomainEvent promote = new DomainEvent(2, EventTypes.USER_CHANGED, null, "admin", T, null, null,
      new JsonObject().put("username", "bob").put("role", "admin"), null);
    DomainEvent created = new DomainEvent(3, EventTypes.USER_CREATED, null, "admin", T, null, null,
      new JsonObject().put("username", "carol").put("role", "programmer"), null);
    ClientStream stream = stream(3, -1);
    stream.start();
    storage.answerSnapshot(0);
    stream.onEvents(List.of(event(1)));
    assertThat(socket.seqs("EVENT")).containsExactly(1L);
    stream.onEvents(List.of(OutboundEvent.encode(promote), OutboundEvent.encode(created)));
    // bob did not see his promotion (he was no admin yet), but sees what comes after it
    assertThat(socket.seqs("EVENT")).containsExactly(1L, 3L);
    assertThat(stream.lastSeq()).isEqualTo(3);
  }

  // ---- the end ---------------------------------------------------------------------------------------

  @Test
  void anExpiredSessionIsClosedWhenItsTimeComes() {
    ClientStream stream = stream(3, -1, "programmer", timers.now() + 5_000);
    stream.start();
    storage.answerSnapshot(0);
    timers.advance(4_999);
    assertThat(socket.closedWith).isNull();
    timers.advance(1);
    assertThat(socket.closedWith).isEqualTo(WsCloseCodes.SESSION_EXPIRED);
    assertThat(timers.pending()).isZero();
  }

  @Test
  void aSessionExpiredAlreadyIsClosedAtOnce() {
    ClientStream stream = stream(3, -1, "programmer", timers.now() - 1);
    stream.start();
    assertThat(socket.closedWith).isEqualTo(WsCloseCodes.SESSION_EXPIRED);
    assertThat(storage.snapshots).isEmpty();
  }

  @Test
  void aStreamWhoseSocketWentAwayWritesNothingMoreAndClosesNothing() {
    ClientStream stream = stream(3, -1, "programmer", timers.now() + 5_000);
    stream.start();
    stream.end();
    storage.answerSnapshot(0);
    stream.onEvents(live(1, 1));
    stream.sendControl(Messages.PONG);
    stream.close(WsCloseCodes.GOING_AWAY, "bye");
    timers.advance(10_000);
    assertThat(socket.sent).isEmpty();
    assertThat(socket.closes).isZero();
    assertThat(timers.pending()).isZero();
  }

  @Test
  void closeIsSentOnce() {
    ClientStream stream = stream(3, -1);
    stream.start();
    stream.close(WsCloseCodes.GOING_AWAY, "bye");
    stream.close(WsCloseCodes.RESYNC, "resync");
    assertThat(socket.closes).isEqualTo(1);
    assertThat(socket.closedWith).isEqualTo(WsCloseCodes.GOING_AWAY);
  }
}
