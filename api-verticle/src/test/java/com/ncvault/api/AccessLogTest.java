package com.ncvault.api;

import static com.ncvault.api.Checks.verify;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.ncvault.contract.Addresses;
import com.ncvault.contract.SocketHandoff;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

@ExtendWith(VertxExtension.class)
class AccessLogTest {

  private static TestApi api;
  private static final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @BeforeAll
  static void start() {
    api = TestApi.start();
    lines.start();
    ((Logger) LoggerFactory.getLogger("access")).addAppender(lines);
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger("access")).detachAppender(lines);
    api.close();
  }

  private static List<String> logged() {
    return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void theLogShowsEachRequestButNeverPasswordsTokensOrCookies(VertxTestContext ctx) {
    Promise<SocketHandoff> handedOver = Promise.promise();
    // plays the sync-verticle, which greets a socket it takes (the upgrade's answer leaves with its first frames)
    MessageConsumer<SocketHandoff> sync = api.vertx.eventBus().localConsumer(Addresses.SYNC_CONNECT, message -> {
      message.body().socket().writeTextMessage("hello");
      handedOver.tryComplete(message.body());
    });
    Future<String> token = sync.completion()
      .compose(v -> api.client.post("/api/auth/login")
        .sendJsonObject(new JsonObject().put("username", "ada").put("password", FakeStorage.PASSWORD)))
      .map(r -> r.bodyAsJsonObject().getString("token"));
    WebSocketClient webSockets = api.vertx.createWebSocketClient();
    Future<Void> traffic = token
      .compose(t -> api.request(HttpMethod.GET, "/api/auth/me").putHeader("Authorization", "Bearer " + t).send())
      .compose(r -> api.request(HttpMethod.GET, "/api/files?q=AB1").putHeader("Cookie", "pdm_session=" + token.result()).send())
      .compose(r -> api.request(HttpMethod.GET, "/api/files?access_token=" + token.result()).send())
      .compose(r -> webSockets.connect(new WebSocketConnectOptions().setHost("localhost")
        .setPort(api.port).setURI("/ws?proto=2&tok%65n=" + token.result() + "&since=3")))
      .compose(socket -> handedOver.future().onComplete(done -> socket.close()))
      .compose(handoff -> sync.unregister())
      .eventually(webSockets::close);
    verify(ctx, traffic, v -> {
      List<String> log = logged();
      assertThat(log).anyMatch(line -> line.matches("POST /api/auth/login 200 \\d+B \\d+ms ada"));
      assertThat(log).anyMatch(line -> line.matches("GET /api/auth/me 200 \\d+B \\d+ms ada"));
      assertThat(log).anyMatch(line -> line.matches("GET /api/files\\?q=AB1 200 \\d+B \\d+ms ada"));
      assertThat(log).anyMatch(line -> line.matches("GET /api/files 401 \\d+B \\d+ms -"));
      assertThat(log).anyMatch(line -> line.matches("GET /ws\\?proto=2&since=3 101 0B \\d+ms ada"));
      assertThat(log).noneMatch(line -> line.contains(token.result()))
        .noneMatch(line -> line.contains(FakeStorage.PASSWORD))
        .noneMatch(line -> line.contains(token.result().substring(0, 20)));
    });
  }

  @Test
  void secretQueryParametersAreDroppedHoweverTheyAreSpelled() {
    assertThat(AccessLog.target("/ws", "proto=2&token=abc&since=4")).isEqualTo("/ws?proto=2&since=4");
    assertThat(AccessLog.target("/ws", "TOKEN=abc")).isEqualTo("/ws");
    assertThat(AccessLog.target("/ws", "tok%65n=abc&x=1")).isEqualTo("/ws?x=1");
    assertThat(AccessLog.target("/x", "password=hunter2&user=a")).isEqualTo("/x?user=a");
    assertThat(AccessLog.target("/x", "%zz=1")).isEqualTo("/x");
    assertThat(AccessLog.target("/x", null)).isEqualTo("/x");
  }
}
