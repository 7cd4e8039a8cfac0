package com.ncvault.sync;

import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.EventTypes;
import com.ncvault.contract.WsCloseCodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class SocketPolicyTest {

  private static final String FILE = "1234567.mcam";

  @Test
  void pingIsAnsweredWithPong(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> node.connect("bob", 1, null)).compose(seed -> {
      seed.send("ping");
      return seed.awaitType("PONG").compose(pong -> {
        seed.send("{\"type\":\"PING\"}");
        return seed.await(m -> "PONG".equals(m.getString("type")) && seed.ofType("PONG").size() == 2);
      }).map(seed);
    }).onComplete(ctx.succeeding(seed -> ctx.verify(() -> {
      assertThat(seed.ofType("PONG")).hasSize(2).allMatch(m -> m.equals(new JsonObject().put("type", "PONG")));
      ctx.completeNow();
    })));
  }

  @Test
  void malformedFramesGetAnErrorAndTheConnectionStays(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> node.connectReady("bob").compose(bob -> {
      bob.send("{bad json");
      bob.send("[1,2,3]");
      bob.send("{\"type\":\"LAUNCH_MISSILES\"}");
      bob.send("{\"payload\":{}}");
      bob.send("{\"type\":\"WATCH\",\"payload\":{\"filename\":42}}");
      bob.socket.writeBinaryMessage(Buffer.buffer(new byte[] {1, 2, 3}));
      return bob.await(m -> bob.ofType("ERROR").size() == 6).compose(sixth -> {
        node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
        return bob.awaitActivity(1);
      }).map(bob);
    })).onComplete(ctx.succeeding(bob -> ctx.verify(() -> {
      List<String> codes = bob.ofType("ERROR").stream().map(m -> m.getJsonObject("payload").getString("code")).toList();
      assertThat(codes).containsExactly("invalid_json", "invalid_json", "bad_request", "bad_request",
        "validation_failed", "unsupported_media_type");
      assertThat(bob.ofType("ERROR")).allMatch(m -> !m.getJsonObject("payload").getString("message").isBlank());
      assertThat(bob.socket.isClosed()).isFalse();
      ctx.completeNow();
    })));
  }

  @Test
  void anOversizeFrameClosesWith1009WhileOthersGoOn(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = SyncHarness.testConfig().put(ConfigKeys.WS_MAX_FRAME_BYTES, 1024);
    SyncHarness.start(vertx, config, options -> { }).compose(node -> node.connectReady("bob")
      .compose(bob -> node.connectReady("mallory").compose(mallory -> {
        mallory.send("{\"type\":\"PING\",\"pad\":\"" + "x".repeat(4000) + "\"}");
        return mallory.closed();
      }).compose(code -> {
        node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
        return bob.awaitActivity(1).map(code);
      }))).onComplete(ctx.succeeding(code -> ctx.verify(() -> {
        assertThat(code).isEqualTo((short) 1009);
        ctx.completeNow();
      })));
  }

  @Test
  void aFloodClosesWith1008WhileOthersGoOn(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> node.connectReady("bob")
      .compose(bob -> node.connectReady("mallory").compose(mallory -> {
        for (int i = 0; i < 200; i++) {
          mallory.send("ping");
        }
        return mallory.closed().map(code -> {
          assertThat(mallory.socket.closeReason()).isEqualTo("rate limit");
          assertThat(mallory.ofType("PONG").size()).isLessThanOrEqualTo(50);
          return code;
        });
      }).compose(code -> {
        node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
        return bob.awaitActivity(1).map(code);
      }))).onComplete(ctx.succeeding(code -> ctx.verify(() -> {
        assertThat(code).isEqualTo((short) 1008);
        ctx.completeNow();
      })));
  }

  @Test
  void aClientThatStopsReadingIsToldToResyncWhileOthersGetEveryEvent(Vertx vertx, VertxTestContext ctx) {
    // a grace long enough for the paused client to resume and read its close code
    JsonObject config = SyncHarness.testConfig().put(ConfigKeys.WS_WRITE_QUEUE_BYTES, 512 * 1024)
      .put(ConfigKeys.WS_CLOSE_GRACE_MS, 30_000);
    String message = "m".repeat(400);
    // The node stops reading "slow" once it gives up on it (SocketClosing), so the answer to its close frame
    // never arrives: the connection ends 1 s after "slow" has read the close frame (Vert.x's default is 10 s).
    Consumer<HttpServerOptions> server = options -> options.setSendBufferSize(8 * 1024).setWebSocketClosingTimeout(1);
    SyncHarness.start(vertx, config, server).compose(node -> {
      WebSocketClient smallBuffers = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setDefaultHost(SyncHarness.HOST).setDefaultPort(node.port).setReceiveBufferSize(8 * 1024));
      return node.connectReady("bob").compose(bob -> TestSocket.connect(smallBuffers, SyncHarness.query("slow", 2, null, null))
        .compose(slow -> slow.awaitType("FILE_LIST_UPDATED").compose(snapshot -> {
          slow.socket.pause();
          node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
          // a steady stream (about 150 kB/s) that a reading client keeps up with, until the server gives up on "slow"
          AtomicBoolean publishing = new AtomicBoolean(true);
          publishSteadily(vertx, node, message, publishing);
          return node.awaitStatus(status -> status.getInteger("connections") <= 1).map(status -> {
            publishing.set(false);
            assertThat(bob.socket.isClosed()).as("the reading client is still connected").isFalse();
            return node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "carol").seq();
          });
        })
        .compose(last -> bob.awaitActivity(last).compose(all -> {
          slow.socket.resume();
          return slow.closed();
        }).map(code -> {
          assertThat(bob.activitySeqs()).containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
          List<Long> slowSeqs = slow.activitySeqs();
          assertThat(slowSeqs.size()).isLessThan(last.intValue() - 1);
          assertThat(slowSeqs).containsExactlyElementsOf(LongStream.rangeClosed(1, slowSeqs.size()).boxed().toList());
          return code;
        }))))
        // also keeps the client reachable until then: a client the collector finds unreachable is closed
        .eventually(smallBuffers::close);
    }).onComplete(ctx.succeeding(code -> ctx.verify(() -> {
      assertThat(code).isEqualTo((short) 4000);
      ctx.completeNow();
    })));
  }

  @Test
  void pingFramesCountTowardTheRateAndGetAtMostOnePongEach(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> node.connectReady("bob")
      .compose(bob -> node.connectReady("mallory").compose(mallory -> {
        AtomicInteger pongs = new AtomicInteger();
        mallory.socket.pongHandler(data -> pongs.incrementAndGet());
        for (int i = 0; i < 200; i++) {
          mallory.socket.writePing(Buffer.buffer("p" + i));
        }
        return mallory.closed().map(code -> {
          assertThat(mallory.socket.closeReason()).isEqualTo("rate limit");
          assertThat(pongs.get()).as("pongs for 200 pings").isBetween(1, 50);
          return code;
        });
      }).compose(code -> {
        node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
        return bob.awaitActivity(1).map(code);
      }))).onComplete(ctx.succeeding(code -> ctx.verify(() -> {
        assertThat(code).isEqualTo((short) 1008);
        ctx.completeNow();
      })));
  }

  @Test
  void continuationFramesCountTowardTheRate(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> node.connectReady("mallory").compose(mallory -> {
      mallory.socket.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer("x"), false));
      for (int i = 0; i < 200; i++) {
        mallory.socket.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("x"), false));
      }
      return mallory.closed().map(code -> {
        assertThat(mallory.socket.closeReason()).isEqualTo("rate limit");
        return code;
      });
    })).onComplete(ctx.succeeding(code -> ctx.verify(() -> {
      assertThat(code).isEqualTo((short) 1008);
      ctx.completeNow();
    })));
  }

  @Test
  void aFragmentedBinaryMessageCountsTowardTheSizeLimit(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = SyncHarness.testConfig().put(ConfigKeys.WS_MAX_FRAME_BYTES, 1024);
    SyncHarness.start(vertx, config, options -> { }).compose(node -> node.connectReady("mallory").compose(mallory -> {
      Buffer part = Buffer.buffer(new byte[600]);
      mallory.socket.writeFrame(WebSocketFrame.binaryFrame(part, false));
      for (int i = 0; i < 4; i++) {
        mallory.socket.writeFrame(WebSocketFrame.continuationFrame(part, false));
      }
      return mallory.closed();
    })).onComplete(ctx.succeeding(code -> ctx.verify(() -> {
      assertThat(code).isEqualTo((short) 1009);
      ctx.completeNow();
    })));
  }

  @Test
  void aUsersSocketBeyondTheCapIsRefusedWith4003(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = SyncHarness.testConfig().put(ConfigKeys.WS_MAX_SOCKETS_PER_USER, 2);
    SyncHarness.start(vertx, config, options -> { }).compose(node -> node.connectReady("mallory")
      .compose(first -> node.connectReady("mallory").compose(second -> node.connect("mallory", 2, null)
        .compose(TestSocket::closed)
        .compose(code -> {
          assertThat(code).isEqualTo(WsCloseCodes.TOO_MANY_SOCKETS);
          assertThat(first.socket.isClosed()).isFalse();
          assertThat(second.socket.isClosed()).isFalse();
          return first.socket.close();
        })
        .compose(v -> node.awaitStatus(status -> status.getInteger("connections") == 1))
        .compose(v -> node.connectReady("mallory"))
        .map(third -> third.socket.isClosed()))))
      .onComplete(ctx.succeeding(closed -> ctx.verify(() -> {
        assertThat(closed).as("a socket opened once another was closed").isFalse();
        ctx.completeNow();
      })));
  }

  /** One event every 10 ms; a timer chain, so a stalled loop never catches up in a burst. */
  private static void publishSteadily(Vertx vertx, SyncHarness node, String message,
                                      AtomicBoolean publishing) {
    vertx.setTimer(10, id -> {
      if (publishing.get()) {
        node.storage.publish(node.storage.commit(
          node.storage.lastSeq() % 2 == 1 ? EventTypes.CHECKOUT : EventTypes.CANCEL, FILE, "alice", message));
        publishSteadily(vertx, node, message, publishing);
      }
    });
  }
}
