package com.ncvault.sync;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.VertxHandler;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Vert.x WebSocket whose connection was made lean: it lets go of its upgrade, and with the direct
 * write path it writes, fills, drains and closes.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class LeanConnectionTest {

  /** Starts a server whose sockets get the direct path, then {@code serve}; the port. */
  private static Future<HttpServer> server(Vertx vertx, List<Boolean> installed, Consumer<ServerWebSocket> serve) {
    return vertx.createHttpServer().webSocketHandler(socket -> {
      installed.add(LeanConnection.install(((WebSocketInternal) socket).channelHandlerContext()));
      serve.accept(socket);
    }).listen(0, "127.0.0.1");
  }

  @Test
  void aSocketWritesItsFramesInOrderAndClosesWithItsCode(Vertx vertx, VertxTestContext ctx) {
    List<Boolean> installed = new CopyOnWriteArrayList<>();
    List<String> received = new CopyOnWriteArrayList<>();
    Promise<Short> closed = Promise.promise();
    WebSocketClient client = vertx.createWebSocketClient();
    server(vertx, installed, socket -> {
      installed.add(upgradeReleased(socket));
      for (int i = 0; i < 100; i++) {
        socket.writeTextMessage("message " + i);
      }
      socket.close((short) 4000, "resync");
    }).compose(server -> client.connect(server.actualPort(), "127.0.0.1", "/ws"))
      .compose(socket -> {
        socket.textMessageHandler(received::add);
        socket.closeHandler(v -> closed.tryComplete(socket.closeStatusCode()));
        return closed.future();
      })
      // also keeps the client reachable until then: a client the collector finds unreachable is closed
      .eventually(client::close)
      .onComplete(ctx.succeeding(code -> ctx.verify(() -> {
        assertThat(installed).as("direct writes, the upgrade let go").containsExactly(true, true);
        assertThat(received).hasSize(100).startsWith("message 0").endsWith("message 99");
        assertThat(code).isEqualTo((short) 4000);
        ctx.completeNow();
      })));
  }

  @Test
  void aSocketWhosePeerStopsReadingFillsAndDrainsOnceThePeerReadsAgain(Vertx vertx, VertxTestContext ctx) {
    List<Boolean> installed = new CopyOnWriteArrayList<>();
    Promise<WebSocket> peer = Promise.promise();
    Promise<Integer> drained = Promise.promise();
    String chunk = "x".repeat(16 * 1024);
    AtomicReference<Context> readerContext = new AtomicReference<>();
    WebSocketClient client = vertx.createWebSocketClient();
    server(vertx, installed, socket -> {
      socket.setWriteQueueMaxSize(64 * 1024);
      // the socket is written on its own event loop only, as the node does
      Context own = vertx.getOrCreateContext();
      peer.future().onSuccess(reader -> own.runOnContext(start -> {
        int written = 0;
        while (!socket.writeQueueFull()) {
          socket.writeTextMessage(chunk);
          written++;
        }
        int full = written;
        socket.drainHandler(v -> drained.tryComplete(full));
        readerContext.get().runOnContext(v -> reader.resume());
      }));
    }).compose(server -> client.connect(server.actualPort(), "127.0.0.1", "/ws"))
      .onSuccess(socket -> {
        readerContext.set(vertx.getOrCreateContext());
        socket.pause();
        peer.complete(socket);
      })
      .compose(socket -> drained.future())
      .eventually(client::close)
      .onComplete(ctx.succeeding(written -> ctx.verify(() -> {
        assertThat(installed).containsExactly(true);
        assertThat(written).as("messages of 16 KiB written before the queue was full").isGreaterThan(1);
        ctx.completeNow();
      })));
  }

  /** Whether the handler of the socket's pipeline no longer holds the function that made its connection (and the upgrade). */
  private static boolean upgradeReleased(ServerWebSocket socket) {
    try {
      Field factory = VertxHandler.class.getDeclaredField("connectionFactory");
      factory.setAccessible(true);
      return factory.get(((WebSocketInternal) socket).channelHandlerContext().handler()) == null;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
