package com.ncvault.sync;

import com.ncvault.contract.EventTypes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three protocol versions side by side on one node: the seed's snapshots (proto 1, with its
 * {@code ?user=}), deltas with an ACTIVITY per seq (proto 2) and one EVENT per seq (proto 3), and
 * each frame encoded once for the node however many sockets get it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ProtocolVersionsTest {

  private static final String FILE = "1234567.mcam";

  private static Future<TestSocket> ready(SyncHarness node, String user, int proto) {
    return node.connect(user, proto, null)
      .compose(socket -> socket.await(m -> "FILE_LIST_UPDATED".equals(m.getString("type"))).map(socket));
  }

  /** Every change of the test: create, checkout, check-in that releases, checkout, override. */
  private static void changes(SyncHarness node) {
    node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
    node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "alice");
    node.storage.commitAndPublish(EventTypes.CHECKIN, FILE, "alice");
    node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "alice");
    node.storage.commitAndPublish(EventTypes.CANCEL, FILE, "alice");
  }

  @Test
  void eachVersionGetsTheSameChangesInItsOwnShape(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> ready(node, "carol", 1).compose(one -> ready(node, "bob", 2)
      .compose(two -> ready(node, "dave", 3).compose(three -> {
        changes(node);
        return Future.all(one.await(m -> m.getLong("seq", 0L) == 5), two.awaitActivity(5),
          three.await(m -> "EVENT".equals(m.getString("type")) && m.getLong("seq") == 5))
          .map(v -> List.of(one, two, three));
      })))).onComplete(ctx.succeeding(sockets -> ctx.verify(() -> {
        TestSocket one = sockets.get(0);
        TestSocket two = sockets.get(1);
        TestSocket three = sockets.get(2);
        // proto 1: file lists only, the last one reflecting the last change
        assertThat(one.messages()).extracting(m -> m.getString("type")).containsOnly("FILE_LIST_UPDATED", "PRESENCE");
        List<JsonObject> lists = one.ofType("FILE_LIST_UPDATED");
        assertThat(lists.get(lists.size() - 1).getJsonObject("payload").getJsonArray("12XXXXX").getJsonObject(0)
          .getString("status")).isEqualTo("unlocked");
        // proto 2: as before, deltas then ACTIVITY, several messages per seq
        assertThat(two.messages().stream().filter(m -> m.getLong("seq", 0L) > 0)
          .map(m -> m.getString("type") + "@" + m.getLong("seq")).toList()).containsExactly(
            "FILE_ADDED@1", "ACTIVITY@1", "FILE_LOCKED@2", "ACTIVITY@2", "REVISION_ADDED@3", "FILE_UNLOCKED@3",
            "ACTIVITY@3", "FILE_LOCKED@4", "ACTIVITY@4", "FILE_UNLOCKED@5", "ACTIVITY@5");
        // proto 3: one message per seq, carrying what proto 2 sends in several
        List<JsonObject> events = three.messages().stream().filter(m -> m.getLong("seq", 0L) > 0).toList();
        assertThat(events).extracting(m -> m.getString("type") + "@" + m.getLong("seq"))
          .containsExactly("EVENT@1", "EVENT@2", "EVENT@3", "EVENT@4", "EVENT@5");
        for (JsonObject event : events) {
          long seq = event.getLong("seq");
          JsonObject payload = event.getJsonObject("payload");
          List<JsonObject> ofSeq = two.messages().stream().filter(m -> m.getLong("seq", 0L) == seq).toList();
          JsonObject activity = ofSeq.get(ofSeq.size() - 1).getJsonObject("payload");
          List<JsonObject> deltas = ofSeq.subList(0, ofSeq.size() - 1);
          assertThat(payload.getJsonArray("changes")).isEqualTo(new JsonArray(deltas.stream().map(m -> m.getString("type")).toList()));
          for (String field : List.of("event_type", "filename", "user", "timestamp", "revision", "message")) {
            assertThat(payload.getValue(field)).as(field + " of seq " + seq).isEqualTo(activity.getValue(field));
          }
          JsonObject lastDelta = deltas.get(deltas.size() - 1).getJsonObject("payload");
          assertThat(payload.getJsonObject("file")).isEqualTo(lastDelta.getJsonObject("file"));
          assertThat(payload.getValue("reason")).isEqualTo(lastDelta.getValue("reason"));
        }
        assertThat(events.get(2).getJsonObject("payload").getString("reason")).isEqualTo("checkin");
        ctx.completeNow();
      })));
  }

  @Test
  void aProtoThreeClientThatReconnectsGetsEachMissedSeqOnceAsOneMessage(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> ready(node, "dave", 3).compose(dave -> {
      node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
      return dave.await(m -> m.getLong("seq", 0L) == 1).compose(seen -> dave.socket.close());
    }).compose(v -> {
      for (int i = 0; i < 20; i++) {
        node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "alice");
        node.storage.commitAndPublish(EventTypes.CHECKIN, FILE, "alice");
      }
      return node.connect("dave", 3, 1L);
    }).compose(dave -> {
      node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "carol");
      return dave.await(m -> m.getLong("seq", 0L) == 42).map(dave);
    })).onComplete(ctx.succeeding(dave -> ctx.verify(() -> {
      List<JsonObject> withSeq = dave.messages().stream().filter(m -> m.containsKey("seq")).toList();
      assertThat(withSeq).extracting(m -> m.getString("type")).containsOnly("EVENT");
      assertThat(withSeq).extracting(m -> m.getLong("seq"))
        .containsExactlyElementsOf(LongStream.rangeClosed(2, 42).boxed().toList());
      ctx.completeNow();
    })));
  }

  @Test
  void anEventIsEncodedOnceForTheNodeHoweverManySocketsReceiveIt(Vertx vertx, VertxTestContext ctx) {
    int perProto = 25;
    int changes = 10;
    AtomicLong before = new AtomicLong();
    SyncHarness.start(vertx).compose(node -> {
      node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
      List<Future<TestSocket>> connecting = new ArrayList<>();
      for (int i = 0; i < perProto; i++) {
        connecting.add(ready(node, "user" + i, 2));
        connecting.add(ready(node, "user" + i, 3));
      }
      return Future.all(connecting).map(all -> all.<TestSocket>list())
        .compose(sockets -> node.awaitStatus(s -> s.getInteger("connections") == 2 * perProto).map(sockets))
        .compose(sockets -> {
          before.set(Frame.encoded());
          for (int i = 0; i < changes / 2; i++) {
            node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "alice");
            node.storage.commitAndPublish(EventTypes.CANCEL, FILE, "alice");
          }
          long last = 1 + changes;
          List<Future<JsonObject>> received = new ArrayList<>();
          for (TestSocket socket : sockets) {
            received.add(socket.await(m -> m.getLong("seq", 0L) == last
              && ("ACTIVITY".equals(m.getString("type")) || "EVENT".equals(m.getString("type")))));
          }
          return Future.all(received).map(v -> Frame.encoded() - before.get());
        });
    }).onComplete(ctx.succeeding(encodings -> ctx.verify(() -> {
      // per event: its delta, its ACTIVITY, its EVENT (a watcher's notice comes from storage, not from
      // the event); a few more for the connects' presence pushes (one per 500 ms at most). Encoding per
      // socket would be 50 per frame.
      int perNode = changes * 3;
      assertThat(encodings).isBetween((long) perNode, (long) perNode + 4);
      ctx.completeNow();
    })));
  }
}
