package com.ncvault.sync;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.EventTypes;
import com.ncvault.contract.NodePresence;
import com.ncvault.contract.Notification;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class WatchNotifyPresenceTest {

  private static final String FILE = "1234567.mcam";

  @Test
  void bobIsToldOnceWhenTheFileHeWatchesIsFree(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> {
      node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
      node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "alice");
      return node.connectReady("bob").compose(bob -> node.connectReady("carol").compose(carol -> {
        bob.send("{\"type\":\"WATCH\",\"payload\":{\"filename\":\"" + FILE + "\"}}");
        return bob.awaitType("WATCHING").compose(ack -> {
          node.storage.commitAndPublish(EventTypes.CHECKIN, FILE, "alice");
          node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "alice");
          node.storage.commitAndPublish(EventTypes.CANCEL, FILE, "alice");
          return Future.all(bob.awaitActivity(5), carol.awaitActivity(5));
        }).map(v -> {
          assertThat(carol.ofType("NOTIFY")).isEmpty();
          return bob;
        });
      }));
    }).onComplete(ctx.succeeding(bob -> ctx.verify(() -> {
      JsonObject ack = bob.ofType("WATCHING").get(0).getJsonObject("payload");
      assertThat(ack.getString("filename")).isEqualTo(FILE);
      assertThat(ack.getBoolean("watching")).isTrue();
      List<JsonObject> notices = bob.ofType("NOTIFY");
      assertThat(notices).hasSize(1);
      JsonObject notice = notices.get(0).getJsonObject("payload");
      assertThat(notice.getString("kind")).isEqualTo("free");
      assertThat(notice.getString("filename")).isEqualTo(FILE);
      assertThat(notice.getString("from")).isEqualTo("alice");
      assertThat(notice.getString("text")).isEqualTo(FILE + ", which you watch, is free now");
      // the notice follows the unlock it announces
      List<String> types = bob.messages().stream().map(m -> m.getString("type")).toList();
      assertThat(types.indexOf("NOTIFY")).isGreaterThan(types.indexOf("FILE_UNLOCKED"));
      ctx.completeNow();
    })));
  }

  @Test
  void aWatchOutlivesTheSocketThatAskedAndEveryPageOfTheUserIsTold(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> {
      node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
      node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "alice");
      return Future.all(node.connectReady("bob"), node.connectReady("bob")).compose(both -> {
        TestSocket asking = both.resultAt(0);
        TestSocket other = both.resultAt(1);
        asking.send("{\"type\":\"WATCH\",\"payload\":{\"filename\":\"" + FILE + "\"}}");
        return Future.all(asking.awaitType("WATCHING"), other.awaitType("WATCHING"))
          .compose(v -> asking.close())
          .compose(v -> {
            node.storage.commitAndPublish(EventTypes.CANCEL, FILE, "alice");
            return other.awaitType("NOTIFY");
          });
      });
    }).onComplete(ctx.succeeding(notice -> ctx.verify(() -> {
      JsonObject payload = notice.getJsonObject("payload");
      assertThat(payload.getString("kind")).isEqualTo("free");
      assertThat(payload.getString("filename")).isEqualTo(FILE);
      assertThat(payload.getLong("id")).isPositive();
      assertThat(payload.getInteger("unread")).isEqualTo(1);
      ctx.completeNow();
    })));
  }

  @Test
  void aNoticeThatOvertakesTheEventItTellsOfWaitsForIt(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> {
      node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
      node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "alice");
      return node.connectReady("bob").compose(bob -> {
        DomainEvent cancel = node.storage.commit(EventTypes.CANCEL, FILE, "alice");
        vertx.eventBus().publish(Addresses.NOTIFY, JsonObject.mapFrom(new Notification("bob", "alice", "free", FILE,
          FILE + ", which you watch, is free now", Instant.now().toString()).kept(7, 1).after(cancel.seq())));
        bob.send("{\"type\":\"PING\"}");
        return bob.awaitType("PONG")
          .compose(pong -> {
            node.storage.publish(cancel);
            return Future.all(bob.awaitType("NOTIFY"), bob.awaitActivity(cancel.seq()));
          })
          .map(bob);
      });
    }).onComplete(ctx.succeeding(bob -> ctx.verify(() -> {
      List<String> types = bob.messages().stream().map(m -> m.getString("type")).toList();
      assertThat(types.indexOf("NOTIFY")).isGreaterThan(types.indexOf("FILE_UNLOCKED"));
      assertThat(bob.ofType("NOTIFY").get(0).getJsonObject("payload").getLong("id")).isEqualTo(7);
      ctx.completeNow();
    })));
  }

  @Test
  void unwatchStopsTheNotice(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> {
      node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
      node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "alice");
      return node.connectReady("bob").compose(bob -> {
        bob.send("{\"type\":\"WATCH\",\"payload\":{\"filename\":\"" + FILE + "\"}}");
        bob.send("{\"type\":\"UNWATCH\",\"payload\":{\"filename\":\"" + FILE + "\"}}");
        return bob.await(m -> "WATCHING".equals(m.getString("type"))
            && !m.getJsonObject("payload").getBoolean("watching"))
          .compose(ack -> {
            node.storage.commitAndPublish(EventTypes.CANCEL, FILE, "alice");
            return bob.awaitActivity(3);
          }).map(bob);
      });
    }).onComplete(ctx.succeeding(bob -> ctx.verify(() -> {
      assertThat(bob.ofType("NOTIFY")).isEmpty();
      ctx.completeNow();
    })));
  }

  @Test
  void aNotificationReachesEverySocketOfItsUserAndNoOneElse(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> Future.all(node.connectReady("bob"), node.connectReady("bob"),
      node.connect("bob", 1, null), node.connectReady("carol")).compose(all -> {
        TestSocket bob1 = all.resultAt(0);
        TestSocket bob2 = all.resultAt(1);
        TestSocket bobSeed = all.resultAt(2);
        TestSocket carol = all.resultAt(3);
        Notification message = new Notification("bob", "admin", "message", null, "Lunch is ready",
          Instant.now().toString());
        vertx.eventBus().publish(Addresses.NOTIFY, JsonObject.mapFrom(message));
        return Future.all(bob1.awaitType("NOTIFY"), bob2.awaitType("NOTIFY"), bobSeed.awaitType("NOTIFY"))
          .compose(v -> {
            // carol is told something afterwards; had she got bob's, it would have come first
            vertx.eventBus().publish(Addresses.NOTIFY, JsonObject.mapFrom(
              new Notification("carol", "admin", "message", null, "Hi carol", Instant.now().toString())));
            return carol.awaitType("NOTIFY");
          })
          .map(v -> List.of(bob1, bob2, carol));
      })).onComplete(ctx.succeeding(sockets -> ctx.verify(() -> {
        JsonObject payload = sockets.get(0).ofType("NOTIFY").get(0).getJsonObject("payload");
        assertThat(payload.getString("kind")).isEqualTo("message");
        assertThat(payload.getString("from")).isEqualTo("admin");
        assertThat(payload.getString("text")).isEqualTo("Lunch is ready");
        assertThat(payload.containsKey("to")).isFalse();
        assertThat(sockets.get(1).ofType("NOTIFY")).hasSize(1);
        assertThat(sockets.get(2).ofType("NOTIFY")).hasSize(1);
        assertThat(sockets.get(2).ofType("NOTIFY").get(0).getJsonObject("payload").getString("text"))
          .isEqualTo("Hi carol");
        ctx.completeNow();
      })));
  }

  @Test
  void presenceListsWhoIsConnectedOnWhichNode(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> Future.all(node.connectReady("bob"), node.connectReady("alice"),
      node.connectReady("alice")).compose(all -> {
        TestSocket bob = all.resultAt(0);
        // another node of the cluster announces its users
        NodePresence other = new NodePresence("node-9090",
          List.of(new NodePresence.UserConnections("alice", 1), new NodePresence.UserConnections("dave", 2)), 30_000);
        vertx.eventBus().publish(Addresses.PRESENCE, JsonObject.mapFrom(other));
        return bob.await(m -> "PRESENCE".equals(m.getString("type"))
            && m.getJsonObject("payload").getJsonArray("users").size() == 3)
          .compose(presence -> node.status().map(status -> List.of(presence, status)));
      })).onComplete(ctx.succeeding(result -> ctx.verify(() -> {
        JsonArray users = result.get(0).getJsonObject("payload").getJsonArray("users");
        assertThat(users.getJsonObject(0)).isEqualTo(new JsonObject().put("username", "alice")
          .put("nodes", new JsonArray().add("node-9090").add("node-test")).put("connections", 3));
        assertThat(users.getJsonObject(1)).isEqualTo(new JsonObject().put("username", "bob")
          .put("nodes", new JsonArray().add("node-test")).put("connections", 1));
        assertThat(users.getJsonObject(2).getString("username")).isEqualTo("dave");
        assertThat(result.get(1)).isEqualTo(new JsonObject().put("node", "node-test").put("connections", 3)
          .put("users", 2));
        ctx.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  void aSecondSocketOfAUserIsCountedInWhatTheNodeTellsTheClusterAndThePages(Vertx vertx, VertxTestContext ctx) {
    // a count alone changes: the node's view learns it when the next push is due, not per socket
    io.vertx.core.Promise<JsonObject> published = io.vertx.core.Promise.promise();
    vertx.eventBus().<JsonObject>consumer(Addresses.PRESENCE, m -> {
      JsonArray users = m.body().getJsonArray("users");
      if ("node-test".equals(m.body().getString("node")) && users != null && users.size() == 1
        && users.getJsonObject(0).getInteger("connections") == 2) {
        published.tryComplete(m.body());
      }
    });
    SyncHarness.start(vertx).compose(node -> node.connectReady("bob")
      .compose(first -> node.connectReady("bob").compose(second -> first.await(m -> "PRESENCE".equals(m.getString("type"))
          && m.getJsonObject("payload").getJsonArray("users").getJsonObject(0).getInteger("connections") == 2)))
      .compose(pushed -> published.future().map(cluster -> List.of(pushed, cluster))))
      .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
        assertThat(result.get(0).getJsonObject("payload").getJsonArray("users")).hasSize(1);
        assertThat(result.get(1).getJsonArray("users").getJsonObject(0).getString("username")).isEqualTo("bob");
        ctx.completeNow();
      })));
  }

  /**
   * A page of a user already online gets who is online with its first frames, from the frame the
   * node has made, and not that frame again when the node learns of the socket (the frames of a
   * connect leave in one write). Marker: an event committed after the page was ready.
   */
  @Test
  void aNewPageOfAUserAlreadyOnlineGetsWhoIsOnlineOnce(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> node.connectReady("bob").compose(first -> first
      .await(m -> bobsConnections(m) == 1)
      .compose(seen -> node.connectReady("bob"))
      .compose(second -> {
        DomainEvent marker = node.storage.commitAndPublish(EventTypes.CREATE, "1234567_AB1.nc", "alice");
        return second.awaitActivity(marker.seq()).map(v -> second.messages());
      })))
      .onComplete(ctx.succeeding(messages -> ctx.verify(() -> {
        List<JsonObject> presences = messages.stream().filter(m -> "PRESENCE".equals(m.getString("type"))).toList();
        assertThat(presences).as("who is online, from the connect to the marker").isNotEmpty();
        assertThat(bobsConnections(presences.get(0))).isEqualTo(1);
        for (int i = 1; i < presences.size(); i++) {
          assertThat(presences.get(i)).as("PRESENCE %d the same as the one before", i).isNotEqualTo(presences.get(i - 1));
        }
        ctx.completeNow();
      })));
  }

  /**
   * A page of a user coming online gets who is online with its first frames (made before the node
   * counted that user), then the list with the user in it once: the node's push to every page
   * reaches the new page too, and is not sent to it a second time; also when that push waits for its
   * window (bob came online just before). Marker: an event committed once bob's page has the push
   * with alice in it (the same push reaches alice's page before the event).
   */
  @Test
  void aPageOfAUserComingOnlineGetsTheListWithThemOnce(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> node.connectReady("bob")
      .compose(bob -> node.connectReady("alice").compose(alice -> presence(bob, users -> users.size() == 2)
        .compose(both -> {
          DomainEvent marker = node.storage.commitAndPublish(EventTypes.CREATE, "1234567_AB2.nc", "bob");
          return alice.awaitActivity(marker.seq()).map(v -> alice.messages());
        }))))
      .onComplete(ctx.succeeding(messages -> ctx.verify(() -> {
        List<Integer> sizes = messages.stream().filter(m -> "PRESENCE".equals(m.getString("type")))
          .map(m -> m.getJsonObject("payload").getJsonArray("users").size()).toList();
        assertThat(sizes).as("users in each PRESENCE alice's page got, from the connect to the marker")
          .containsExactly(1, 2);
        ctx.completeNow();
      })));
  }

  /** The next PRESENCE on {@code socket} whose users match. */
  private static Future<JsonObject> presence(TestSocket socket, java.util.function.Predicate<JsonArray> users) {
    return socket.await(m -> "PRESENCE".equals(m.getString("type"))
      && users.test(m.getJsonObject("payload").getJsonArray("users")));
  }

  /** bob and alice connected, once bob's page lists them both: [bob, alice]. */
  private static Future<List<TestSocket>> bobSeesAlice(SyncHarness node) {
    return Future.all(node.connectReady("bob"), node.connectReady("alice")).compose(all -> {
      TestSocket bob = all.resultAt(0);
      TestSocket alice = all.resultAt(1);
      return presence(bob, users -> users.size() == 2).map(both -> List.of(bob, alice));
    });
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  void aCountChangedWhileAPushOfWhoLeftWaitsReachesThePagesWithThatPush(Vertx vertx, VertxTestContext ctx) {
    // alice comes and goes (her leaving waits for the push window), and bob's second socket joins
    // meanwhile: it gets a PRESENCE frame built before the waiting push runs, which must still carry
    // bob's two connections to the pages
    SyncHarness.start(vertx).compose(node -> bobSeesAlice(node).compose(sockets -> {
        TestSocket bob = sockets.get(0);
        return sockets.get(1).socket.close()
          .compose(v -> node.connectReady("bob"))
          .compose(second -> presence(bob, users -> users.size() == 1
            && users.getJsonObject(0).getInteger("connections") == 2));
      }))
      .onComplete(ctx.succeeding(presence -> ctx.verify(() -> {
        assertThat(presence.getJsonObject("payload").getJsonArray("users").getJsonObject(0).getString("username"))
          .isEqualTo("bob");
        ctx.completeNow();
      })));
  }

  @Test
  void aUserWhoDisconnectsLeavesThePresenceList(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> bobSeesAlice(node).compose(sockets -> {
        TestSocket bob = sockets.get(0);
        int seen = bob.size();
        return sockets.get(1).socket.close().compose(v -> bob.awaitAfter(seen, m -> "PRESENCE".equals(m.getString("type"))
          && m.getJsonObject("payload").getJsonArray("users").size() == 1));
      })).onComplete(ctx.succeeding(presence -> ctx.verify(() -> {
        assertThat(presence.getJsonObject("payload").getJsonArray("users").getJsonObject(0).getString("username"))
          .isEqualTo("bob");
        ctx.completeNow();
      })));
  }

  @Test
  void aNewPageGetsThePresenceListAtOnceWhileConnectionCountsFollowLater(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> node.connectReady("bob").compose(first -> first
      .await(m -> bobsConnections(m) == 1)
      .compose(seen -> {
        long started = System.nanoTime();
        // bob opens a second page: who is online stays the same, only bob's count changes
        return node.connectReady("bob").compose(second -> second.await(m -> bobsConnections(m) >= 1)
          .compose(toSecond -> {
            long secondMs = (System.nanoTime() - started) / 1_000_000;
            return Future.all(first.await(m -> bobsConnections(m) == 2), second.await(m -> bobsConnections(m) == 2))
              .map(counted -> List.of(secondMs, (System.nanoTime() - started) / 1_000_000));
          }));
      }))).onComplete(ctx.succeeding(ms -> ctx.verify(() -> {
        assertThat(ms.get(0)).as("ms until the new page had the presence list").isLessThan(2_000);
        assertThat(ms.get(1)).as("ms until both pages had bob's new count (counts alone: at most one push per "
          + SyncSettings.PRESENCE_COUNTS_PUSH_MS + " ms)").isBetween(3_000L, SyncSettings.PRESENCE_COUNTS_PUSH_MS + 2_000);
        ctx.completeNow();
      })));
  }

  /** bob's connection count in a PRESENCE message; -1 for any other message. */
  private static int bobsConnections(JsonObject message) {
    if (!"PRESENCE".equals(message.getString("type"))) {
      return -1;
    }
    for (Object user : message.getJsonObject("payload").getJsonArray("users")) {
      if (user instanceof JsonObject entry && "bob".equals(entry.getString("username"))) {
        return entry.getInteger("connections");
      }
    }
    return -1;
  }

  @Test
  void theNodeAnnouncesItsUsersToTheCluster(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> {
      io.vertx.core.Promise<JsonObject> announced = io.vertx.core.Promise.promise();
      vertx.eventBus().<JsonObject>consumer(Addresses.PRESENCE, m -> {
        if (m.body().getJsonArray("users").size() == 1) {
          announced.tryComplete(m.body());
        }
      });
      return node.connectReady("bob").compose(bob -> announced.future());
    }).onComplete(ctx.succeeding(announcement -> ctx.verify(() -> {
      NodePresence presence = announcement.mapTo(NodePresence.class);
      assertThat(presence.node()).isEqualTo("node-test");
      assertThat(presence.users()).containsExactly(new NodePresence.UserConnections("bob", 1));
      assertThat(presence.ttlMs()).isPositive();
      ctx.completeNow();
    })));
  }

  @Test
  void stoppingTheNodeClosesSocketsWith1001(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> Future.all(node.connectReady("bob"), node.connect("carol", 1, null)
        .compose(seed -> seed.awaitType("FILE_LIST_UPDATED").map(seed)))
      .compose(all -> node.undeploySync().compose(v -> Future.all(
        all.<TestSocket>resultAt(0).closed(), all.<TestSocket>resultAt(1).closed()))))
      .onComplete(ctx.succeeding(codes -> ctx.verify(() -> {
        assertThat(codes.<Short>resultAt(0)).isEqualTo((short) 1001);
        assertThat(codes.<Short>resultAt(1)).isEqualTo((short) 1001);
        ctx.completeNow();
      })));
  }

  @Test
  void anExpiredSessionIsClosedWith4001(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> node.connect(
        SyncHarness.query("bob", 2, null, System.currentTimeMillis() + 300))
      .compose(bob -> bob.awaitType("FILE_LIST_UPDATED").compose(snapshot -> bob.closed())))
      .onComplete(ctx.succeeding(code -> ctx.verify(() -> {
        assertThat(code).isEqualTo((short) 4001);
        ctx.completeNow();
      })));
  }

  @Test
  void aPeerThatNeverAnswersPingsIsClosed(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = SyncHarness.testConfig().put(ConfigKeys.WS_PING_SECONDS, 1);
    NetClient tcp = vertx.createNetClient();
    SyncHarness.start(vertx, config, options -> { }).compose(node -> tcp
      .connect(node.port, SyncHarness.HOST)
      .compose(raw -> {
        // a peer that completes the handshake and then never answers anything, like a dead network
        String upgrade = "GET /ws?user=bob&proto=1 HTTP/1.1\r\nHost: localhost:" + node.port + "\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n";
        raw.handler(data -> { });
        return raw.write(upgrade)
          .compose(v -> node.awaitStatus(status -> status.getInteger("connections") == 1))
          .compose(status -> {
            long registered = System.currentTimeMillis();
            return node.awaitStatus(s -> s.getInteger("connections") == 0)
              .map(s -> System.currentTimeMillis() - registered);
          })
          .compose(silentMs -> raw.close().map(silentMs));
      }).eventually(tcp::close))
      .onComplete(ctx.succeeding(silentMs -> ctx.verify(() -> {
        // closed after two unanswered ping intervals (1 s each), give or take a tick
        assertThat(silentMs).isBetween(1_000L, 4_000L);
        ctx.completeNow();
      })));
  }

  @Test
  void eachSocketIsPingedOncePerIntervalThoughTheTicksComeTenTimesAsOften(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = SyncHarness.testConfig().put(ConfigKeys.WS_PING_SECONDS, 1);
    int sockets = 12;
    long windowMs = 3_000;
    List<AtomicInteger> pings = new ArrayList<>();
    SyncHarness.start(vertx, config, options -> { }).compose(node -> {
      Future<Void> connected = Future.succeededFuture();
      for (int i = 0; i < sockets; i++) {
        AtomicInteger count = new AtomicInteger();
        pings.add(count);
        ClientWebSocket ws = node.client.webSocket();
        ws.frameHandler(frame -> {
          if (frame.isPing()) {
            count.incrementAndGet();
          }
        });
        String uri = SyncHarness.query("viewer" + i, 3, null, null);
        connected = connected.compose(v -> ws.connect(new WebSocketConnectOptions().setURI(uri)).mapEmpty());
      }
      return connected
        .compose(v -> node.awaitStatus(status -> status.getInteger("connections") == sockets))
        .compose(status -> {
          // from here, the pings of a window of three intervals (the client answers each with a pong)
          pings.forEach(count -> count.set(0));
          return vertx.timer(windowMs);
        })
        .map(v -> pings.stream().map(AtomicInteger::get).toList())
        .compose(counts -> node.status().map(status -> {
          assertThat(status.getInteger("connections")).as("every socket answered its pings").isEqualTo(sockets);
          return counts;
        }));
    }).onComplete(ctx.succeeding(counts -> ctx.verify(() -> {
      // once a second each, whichever tenth of the second its slice is pinged in: 3 in the window, or
      // one fewer or more where the window's edges cut a slice's tick; every tick would give 30
      assertThat(counts).hasSize(sockets).allSatisfy(count -> assertThat(count).isBetween(2, 4));
      ctx.completeNow();
    })));
  }

  @Test
  void theSocketsOfADeletedAccountAreClosedWith4001AndNoOneElses(Vertx vertx, VertxTestContext ctx) {
    endingSessions(vertx, ctx, EventTypes.USER_DELETED, new JsonObject(), "account deleted");
  }

  @Test
  void aNewPasswordClosesTheAccountsSocketsWith4001(Vertx vertx, VertxTestContext ctx) {
    endingSessions(vertx, ctx, EventTypes.USER_CHANGED, new JsonObject().put("passwordChanged", true), "password changed");
  }

  @Test
  void userAdministrationReachesAdminsSocketsOnlyLiveAndInCatchUpWhileFileEventsReachEveryone(Vertx vertx,
                                                                                             VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> Future.all(node.connectReady("vic", "viewer"),
      node.connectReady("bob", "programmer"), node.connectReady("ada", "admin")).compose(all -> {
        long before = node.storage.lastSeq();
        long created = node.storage.commitAndPublishUserEvent(EventTypes.USER_CREATED, "ulla", "ada",
          new JsonObject().put("role", "viewer")).seq();
        long file = node.storage.commitAndPublish(EventTypes.CREATE, FILE, "bob").seq();
        long promoted = node.storage.commitAndPublishUserEvent(EventTypes.USER_CHANGED, "ulla", "ada",
          new JsonObject().put("role", "programmer")).seq();
        long deleted = node.storage.commitAndPublishUserEvent(EventTypes.USER_DELETED, "ulla", "ada", new JsonObject()).seq();
        long checkout = node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "bob").seq();
        List<TestSocket> sockets = List.of(all.resultAt(0), all.resultAt(1), all.resultAt(2));
        return Future.all(sockets.stream().map(s -> s.awaitActivity(checkout)).toList())
          // a viewer coming back after all this reads the same from the history
          .compose(v -> node.connect("vic", 2, before)).compose(late -> late.awaitActivity(checkout).map(late))
          .map(late -> {
            assertThat(sockets.get(0).activitySeqs()).as("the viewer").containsExactly(file, checkout);
            assertThat(sockets.get(1).activitySeqs()).as("a programmer").containsExactly(file, checkout);
            assertThat(sockets.get(2).activitySeqs()).as("the admin").containsExactly(created, file, promoted, deleted,
              checkout);
            assertThat(late.activitySeqs()).as("the viewer catching up").containsExactly(file, checkout);
            assertThat(sockets.get(0).messages()).as("nothing of it in any message")
              .noneMatch(m -> m.encode().contains("ulla"));
            return sockets;
          });
      }).compose(sockets -> {
        // vic is made an admin: what follows reaches him; ada is made a viewer: it no longer reaches her
        long vicPromoted = node.storage.commitAndPublishUserEvent(EventTypes.USER_CHANGED, "vic", "ada",
          new JsonObject().put("role", "admin")).seq();
        long adaDemoted = node.storage.commitAndPublishUserEvent(EventTypes.USER_CHANGED, "ada", "vic",
          new JsonObject().put("role", "viewer")).seq();
        long zoe = node.storage.commitAndPublishUserEvent(EventTypes.USER_CREATED, "zoe", "vic",
          new JsonObject().put("role", "viewer")).seq();
        long checkin = node.storage.commitAndPublish(EventTypes.CHECKIN, FILE, "bob").seq();
        return Future.all(sockets.get(0).awaitActivity(checkin), sockets.get(2).awaitActivity(checkin)).map(v -> {
          assertThat(sockets.get(0).activitySeqs()).as("vic, promoted").contains(adaDemoted, zoe).doesNotContain(vicPromoted);
          assertThat(sockets.get(2).activitySeqs()).as("ada, demoted").contains(vicPromoted, adaDemoted).doesNotContain(zoe);
          return null;
        });
      })).onComplete(ctx.succeeding(v -> ctx.completeNow()));
  }

  @Test
  void aRoleChangeLeavesTheSocketsOpen(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> node.connectReady("bob").compose(bob -> {
      node.storage.commitAndPublishUserEvent(EventTypes.USER_CHANGED, "bob", "admin", new JsonObject().put("role", "viewer"));
      long next = node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice").seq();
      return bob.awaitActivity(next).map(bob);
    })).onComplete(ctx.succeeding(bob -> ctx.verify(() -> {
      assertThat(bob.socket.isClosed()).isFalse();
      ctx.completeNow();
    })));
  }

  /** Bob has two sockets and carol one; the event about bob closes both of his and none of hers. */
  private void endingSessions(Vertx vertx, VertxTestContext ctx, String type, JsonObject details, String reason) {
    SyncHarness.start(vertx).compose(node -> Future.all(node.connectReady("bob"), node.connectReady("bob"),
      node.connectReady("carol")).compose(all -> {
        TestSocket bob = all.resultAt(0);
        TestSocket carol = all.resultAt(2);
        node.storage.commitAndPublishUserEvent(type, "bob", "admin", details);
        return Future.all(bob.closed(), all.<TestSocket>resultAt(1).closed())
          .compose(closed -> {
            // carol goes on receiving what happens next
            long next = node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice").seq();
            return carol.awaitActivity(next).map(v -> List.<Object>of(closed.resultAt(0), closed.resultAt(1), carol,
              bob.socket.closeReason()));
          });
      })).onComplete(ctx.succeeding(result -> ctx.verify(() -> {
        assertThat(result.get(0)).isEqualTo((short) 4001);
        assertThat(result.get(1)).isEqualTo((short) 4001);
        assertThat(((TestSocket) result.get(2)).socket.isClosed()).isFalse();
        assertThat(result.get(3)).isEqualTo(reason);
        ctx.completeNow();
      })));
  }
}
