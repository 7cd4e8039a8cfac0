package com.ncvault.sync;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole-frame path on a real Vert.x WebSocket, whose pipeline is the one the node's sockets
 * have (an idle handler, which the session removes, no compression, no TLS): shared messages enter
 * past the encoder and the client reads them. The fallbacks (an extension encoder, a handler that
 * queues writes) are in {@link SocketWireTest}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class WholeFrameSocketTest {

  private static final List<String> MESSAGES = List.of("{\"type\":\"EVENT\",\"seq\":1}", "x".repeat(300), "y".repeat(70_000));

  /** A server that writes {@link #MESSAGES} as shared frames through a wire; whether the wire wrote whole frames. */
  private static Future<HttpServer> server(Vertx vertx, HttpServerOptions options, List<Boolean> whole) {
    return vertx.createHttpServer(options.setIdleTimeout(60)).webSocketHandler(socket -> {
      ChannelHandlerContext channel = ((WebSocketInternal) socket).channelHandlerContext();
      IdleStateHandler idle = channel.pipeline().get(IdleStateHandler.class);
      if (idle != null) {
        // as the session does before it makes its wire
        channel.pipeline().remove(idle);
      }
      SocketWire wire = SocketWire.on(channel);
      whole.add(wire.writesWholeFrames());
      for (String message : MESSAGES) {
        wire.write(Frame.shared(message), 65_536);
      }
      wire.flush();
    }).listen(0, "127.0.0.1");
  }

  private static Future<List<String>> receive(Vertx vertx, HttpServer server, WebSocketClientOptions options) {
    List<String> received = new CopyOnWriteArrayList<>();
    Promise<List<String>> all = Promise.promise();
    WebSocketClient client = vertx.createWebSocketClient(options.setMaxMessageSize(1 << 20).setMaxFrameSize(1 << 20));
    return client.connect(server.actualPort(), "127.0.0.1", "/ws").compose(socket -> {
      socket.textMessageHandler(text -> {
        received.add(text);
        if (received.size() == MESSAGES.size()) {
          all.tryComplete(received);
        }
      });
      return all.future();
    });
  }

  @Test
  void onANodesSocketSharedMessagesLeaveAsWholeFramesAndArriveIntact(Vertx vertx, VertxTestContext ctx) {
    List<Boolean> whole = new CopyOnWriteArrayList<>();
    // the api's server offers no compression
    server(vertx, new HttpServerOptions().setPerMessageWebSocketCompressionSupported(false)
      .setPerFrameWebSocketCompressionSupported(false), whole)
      .compose(server -> receive(vertx, server, new WebSocketClientOptions()))
      .onComplete(ctx.succeeding(received -> ctx.verify(() -> {
        assertThat(whole).containsExactly(true);
        assertThat(received).containsExactlyElementsOf(MESSAGES);
        ctx.completeNow();
      })));
  }
}
