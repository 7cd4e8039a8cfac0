package com.ncvault.api;

import static com.ncvault.api.Checks.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.SocketHandoff;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class WebSocketUpgradeTest {

  private static TestApi api;
  private static TestApi.Session paul;
  private static WebSocketClient client;
  private MessageConsumer<SocketHandoff> sync;
  private Promise<SocketHandoff> handedOver;

  @BeforeAll
  static void start() {
    api = TestApi.start();
    paul = api.login("paul").await();
    client = api.vertx.createWebSocketClient();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  /** Plays the sync-verticle: takes the socket, resumes it and greets the client. */
  @BeforeEach
  void startSync() {
    handedOver = Promise.promise();
    sync = api.vertx.eventBus().localConsumer(Addresses.SYNC_CONNECT, message -> {
      SocketHandoff handoff = message.body();
      handoff.socket().resume();
      handoff.socket().writeTextMessage("hello " + handoff.user());
      handedOver.tryComplete(handoff);
    });
    sync.completion().await();
  }

  @AfterEach
  void stopSync() {
    sync.unregister().await();
  }

  private String ownOrigin() {
    return "http://localhost:" + api.port;
  }

  private WebSocketConnectOptions options(String uri) {
    return new WebSocketConnectOptions().setHost("localhost").setPort(api.port).setURI(uri);
  }

  /** The HTTP status of a refused upgrade. */
  private Future<Integer> refusal(WebSocketConnectOptions options) {
    return client.connect(options).transform(ar -> {
      if (ar.succeeded()) {
        ar.result().close();
        return Future.failedFuture(new AssertionError("the upgrade was accepted"));
      }
      if (ar.cause() instanceof UpgradeRejectedException rejected) {
        return Future.succeededFuture(rejected.getStatus());
      }
      return Future.failedFuture(ar.cause());
    });
  }

  /** A socket and its first message. */
  private record Greeted(WebSocket socket, Future<String> first) {
  }

  /** Connects with the message handler set before the upgrade, so that the first message cannot be missed. */
  private static Future<Greeted> connectGreeted(WebSocketConnectOptions options) {
    ClientWebSocket socket = client.webSocket();
    Promise<String> first = Promise.promise();
    socket.textMessageHandler(first::tryComplete);
    return socket.connect(options).map(ws -> new Greeted(ws, first.future()));
  }

  @Test
  void withoutASessionTheUpgradeIsRefusedWith401(VertxTestContext ctx) {
    verify(ctx, Future.all(
        refusal(options("/ws").addHeader("Origin", ownOrigin())),
        refusal(options("/ws?token=forged.token.here").addHeader("Origin", ownOrigin()))),
      all -> {
        assertThat(all.<Integer>resultAt(0)).isEqualTo(401);
        assertThat(all.<Integer>resultAt(1)).isEqualTo(401);
        assertThat(handedOver.future().isComplete()).isFalse();
      });
  }

  @Test
  void aPageFromAnotherOriginIsRefusedWith403(VertxTestContext ctx) {
    verify(ctx, Future.all(
        refusal(options("/ws").addHeader("Cookie", "pdm_session=" + paul.token()).addHeader("Origin", "http://evil.example.com")),
        refusal(options("/ws?token=" + paul.token()).addHeader("Origin", "http://localhost:1")),
        refusal(options("/ws").addHeader("Cookie", "pdm_session=" + paul.token()).setAllowOriginHeader(false))),
      all -> {
        assertThat(all.<Integer>resultAt(0)).as("foreign origin, cookie").isEqualTo(403);
        assertThat(all.<Integer>resultAt(1)).as("foreign origin, token").isEqualTo(403);
        assertThat(all.<Integer>resultAt(2)).as("cookie without any origin").isEqualTo(403);
      });
  }

  @Test
  void aUserParameterForSomeoneElseIsRefusedWith403(VertxTestContext ctx) {
    verify(ctx, refusal(options("/ws?user=ada&token=" + paul.token()).addHeader("Origin", ownOrigin())),
      status -> assertThat(status).isEqualTo(403));
  }

  @Test
  void garbageSinceOrProtoIsRefusedWith400(VertxTestContext ctx) {
    verify(ctx, Future.all(
        refusal(options("/ws?since=yesterday&token=" + paul.token())),
        refusal(options("/ws?proto=9&token=" + paul.token())),
        refusal(options("/ws?proto=4&token=" + paul.token()))),
      all -> {
        assertThat(all.<Integer>resultAt(0)).isEqualTo(400);
        assertThat(all.<Integer>resultAt(1)).isEqualTo(400);
        assertThat(all.<Integer>resultAt(2)).as("versions are 1, 2 and 3").isEqualTo(400);
      });
  }

  @Test
  void theBrowserPageConnectsWithItsCookieAndTheSocketReachesSync(VertxTestContext ctx) {
    Future<Greeted> socket = connectGreeted(options("/ws?proto=3&since=42&user=paul")
      .addHeader("Cookie", "pdm_session=" + paul.token()).addHeader("Origin", ownOrigin()));
    verify(ctx, Future.all(socket.compose(Greeted::first), handedOver.future()), all -> {
      assertThat(all.<String>resultAt(0)).isEqualTo("hello paul");
      SocketHandoff handoff = all.resultAt(1);
      assertThat(handoff.user()).isEqualTo("paul");
      assertThat(handoff.role()).isEqualTo("programmer");
      assertThat(handoff.since()).isEqualTo(42);
      assertThat(handoff.proto()).isEqualTo(3);
      socket.result().socket().close();
    });
  }

  @Test
  void aTokenClientWithoutOriginConnectsWithDefaults(VertxTestContext ctx) {
    Future<Greeted> socket = connectGreeted(options("/ws?token=" + paul.token()).setAllowOriginHeader(false));
    verify(ctx, Future.all(socket.compose(Greeted::first), handedOver.future()), all -> {
      SocketHandoff handoff = all.resultAt(1);
      assertThat(handoff.since()).isEqualTo(-1);
      assertThat(handoff.proto()).isEqualTo(1);
      socket.result().socket().close();
    });
  }

  @Test
  void withoutSyncTheSocketIsClosedRatherThanLeftHanging(VertxTestContext ctx) {
    ClientWebSocket socket = client.webSocket();
    Promise<Short> closeCode = Promise.promise();
    socket.closeHandler(v -> closeCode.tryComplete(socket.closeStatusCode()));
    Future<Short> closed = sync.unregister()
      .compose(v -> socket.connect(options("/ws?token=" + paul.token())))
      .compose(connected -> closeCode.future());
    verify(ctx, closed, code -> assertThat(code).isEqualTo((short) 1011));
  }

  @Test
  void theSocketIsHandedOverWithTheEndOfItsSession(VertxTestContext ctx) {
    long exp = Jwts.claims(paul.token()).getLong("exp");
    Future<Greeted> socket = connectGreeted(options("/ws?proto=2&token=" + paul.token()));
    verify(ctx, Future.all(socket.compose(Greeted::first), handedOver.future()), all -> {
      assertThat(all.<SocketHandoff>resultAt(1).expiresAt()).isEqualTo(exp * 1000);
      socket.result().socket().close();
    });
  }

  @Test
  void aLiveTokenOpensTheLiveConnectionOnlyAndEndsWithTheSession(VertxTestContext ctx) {
    long sessionEnd = Jwts.claims(paul.token()).getLong("exp");
    Future<JsonObject> issued = paul.cookie(api.request(HttpMethod.GET, "/api/auth/live-token")).send()
      .map(response -> TestApi.expectStatus(response, 200).bodyAsJsonObject());
    Future<JsonObject> checked = issued.compose(body -> {
      String live = body.getString("token");
      Future<Integer> me = api.request(HttpMethod.GET, "/api/auth/me").putHeader("Authorization", "Bearer " + live)
        .send().map(r -> r.statusCode());
      Future<Integer> another = api.request(HttpMethod.GET, "/api/auth/live-token")
        .putHeader("Authorization", "Bearer " + live).send().map(r -> r.statusCode());
      Future<Integer> asCookie = api.request(HttpMethod.GET, "/api/files")
        .putHeader("Cookie", Authenticator.COOKIE + "=" + live).send().map(r -> r.statusCode());
      Future<Greeted> socket = connectGreeted(options("/ws?proto=2&token=" + live));
      Future<SocketHandoff> handoff = socket.compose(Greeted::first).compose(m -> handedOver.future());
      return Future.all(me, another, asCookie, handoff).map(all -> {
        socket.result().socket().close();
        return body.put("me", all.<Integer>resultAt(0)).put("another", all.<Integer>resultAt(1))
          .put("cookie", all.<Integer>resultAt(2)).put("handoffUser", all.<SocketHandoff>resultAt(3).user())
          .put("handoffEnd", all.<SocketHandoff>resultAt(3).expiresAt());
      });
    });
    verify(ctx, checked, result -> {
      JsonObject claims = Jwts.claims(result.getString("token"));
      assertThat(claims.getString("sub")).isEqualTo("paul");
      assertThat(claims.getString("scope")).isEqualTo("live");
      assertThat(claims.getLong("exp")).as("no longer than the session").isEqualTo(sessionEnd);
      assertThat(Instant.parse(result.getString("expiresAt")).getEpochSecond()).isEqualTo(sessionEnd);
      assertThat(result.getInteger("me")).as("a REST route with a live token").isEqualTo(401);
      assertThat(result.getInteger("another")).as("a live token cannot make another").isEqualTo(401);
      assertThat(result.getInteger("cookie")).as("a live token as the session cookie").isEqualTo(401);
      assertThat(result.getString("handoffUser")).isEqualTo("paul");
      assertThat(result.getLong("handoffEnd")).isEqualTo(sessionEnd * 1000);
    });
  }

  @Test
  void aLiveTokenOfAnotherScopeOrForgedIsRefused(VertxTestContext ctx) {
    JsonObject claims = Jwts.claims(paul.token()).put("scope", "admin");
    String otherScope = Jwts.hs256(claims, TestApi.SECRET);
    String forged = Jwts.hs256(Jwts.claims(paul.token()).put("scope", "live"), "not-the-secret");
    verify(ctx, Future.all(
        refusal(options("/ws?token=" + otherScope)),
        refusal(options("/ws?token=" + forged)),
        api.request(HttpMethod.GET, "/api/auth/live-token").send().map(r -> r.statusCode())),
      all -> {
        assertThat(all.<Integer>resultAt(0)).as("unknown scope").isEqualTo(401);
        assertThat(all.<Integer>resultAt(1)).as("bad signature").isEqualTo(401);
        assertThat(all.<Integer>resultAt(2)).as("anonymous asks for a live token").isEqualTo(401);
      });
  }
}
