package com.ncvault.sync;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole-frame path on a real Vert.x WebSocket, whose pipeline is the one the node's sockets
 * have (an idle handler, which the session removes, no compression, no TLS): shared messages enter
 * past the encoder and the client reads them; a burst's one frame goes straight to the socket while
 * the channel holds nothing else, and what does not fit goes through the channel, in order; with
 * TLS every frame passes the channel. The fallbacks (an extension encoder, a handler that queues
 * writes) are in {@link SocketWireTest}.
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
          // also keeps the client reachable until then: a client the collector finds unreachable is closed
          client.close();
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

  /**
   * What a numbered server writes: {@code count} shared frames of {@code size} bytes, numbered,
   * flushed after every {@code perBurst} of them (one burst), a hundred per turn of the event loop,
   * once the client says "go". {@code resume} completes once {@code resumeAfter} frames are written
   * (the paused client then reads again), {@code written} at the end with the bursts that went
   * straight to the socket.
   */
  private record Plan(int count, int size, int resumeAfter, int perBurst, Promise<Void> resume,
                      Promise<Long> written) {

    Plan(int count, int size, int resumeAfter) {
      this(count, size, resumeAfter, 1, Promise.promise(), Promise.promise());
    }

    Plan(int count, int size) {
      this(count, size, count);
    }

    Plan inBurstsOf(int frames) {
      return new Plan(count, size, resumeAfter, frames, resume, written);
    }
  }

  private static Future<HttpServer> numberedServer(Vertx vertx, HttpServerOptions options, Plan plan) {
    return numberedServer(vertx, options, plan, null);
  }

  /** As above, with {@code first} (when not null) put at the head of the socket's pipeline before the wire is made. */
  private static Future<HttpServer> numberedServer(Vertx vertx, HttpServerOptions options, Plan plan,
                                                   ChannelHandler first) {
    return vertx.createHttpServer(options.setIdleTimeout(60)).webSocketHandler(socket -> {
      ChannelHandlerContext channel = ((WebSocketInternal) socket).channelHandlerContext();
      IdleStateHandler idle = channel.pipeline().get(IdleStateHandler.class);
      if (idle != null) {
        channel.pipeline().remove(idle);
      }
      if (first != null) {
        channel.pipeline().addFirst(first);
      }
      SocketWire wire = SocketWire.on(channel);
      socket.textMessageHandler(go -> writeFrom(vertx, wire, 0, plan));
    }).listen(0, "127.0.0.1");
  }

  private static void writeFrom(Vertx vertx, SocketWire wire, int from, Plan plan) {
    int to = Math.min(plan.count(), from + 100);
    for (int i = from; i < to; i++) {
      wire.write(Frame.shared(numbered(i, plan.size())), 65_536);
      if ((i + 1) % plan.perBurst() == 0 || i + 1 == plan.count()) {
        wire.flush();
      }
    }
    if (to >= plan.resumeAfter()) {
      plan.resume().tryComplete();
    }
    if (to == plan.count()) {
      plan.written().complete(wire.directWrites());
    } else {
      vertx.runOnContext(v -> writeFrom(vertx, wire, to, plan));
    }
  }

  /** Frames 0 to {@code count - 1}, as {@link #numbered(int, int)} makes them. */
  private static List<String> numberedFrames(int count, int size) {
    return IntStream.range(0, count).mapToObj(i -> numbered(i, size)).toList();
  }

  private static String numbered(int i, int size) {
    String head = i + ":";
    return head + String.valueOf((char) ('a' + i % 26)).repeat(size - head.length());
  }

  /** Connects, stops reading, says "go", and reads again once the plan says so; the messages received. */
  private static Future<List<String>> receivePaused(Vertx vertx, int port, WebSocketClientOptions options, Plan plan) {
    List<String> received = new CopyOnWriteArrayList<>();
    Promise<List<String>> all = Promise.promise();
    WebSocketClient client = vertx.createWebSocketClient(options);
    return client.connect(port, "127.0.0.1", "/ws").compose(socket -> {
      socket.textMessageHandler(text -> {
        received.add(text);
        if (received.size() == plan.count()) {
          all.tryComplete(received);
          // also keeps the client reachable until then: a client the collector finds unreachable is closed
          client.close();
        }
      });
      socket.pause();
      socket.writeTextMessage("go");
      plan.resume().future().onSuccess(v -> socket.resume());
      return all.future().compose(messages -> plan.written().future().map(messages));
    });
  }

  @Test
  void eachBurstsOneFrameGoesStraightToTheSocketAndArrivesIntactInOrder(Vertx vertx, VertxTestContext ctx) {
    int count = 200;
    Plan plan = new Plan(count, 100);
    numberedServer(vertx, new HttpServerOptions(), plan)
      .compose(server -> receivePaused(vertx, server.actualPort(), new WebSocketClientOptions(), plan))
      .onComplete(ctx.succeeding(received -> ctx.verify(() -> {
        assertThat(plan.written().future().result()).as("every frame straight to the socket").isEqualTo(count);
        assertThat(received).containsExactlyElementsOf(numberedFrames(count, 100));
        ctx.completeNow();
      })));
  }

  /**
   * The frames of a burst, up to {@link SocketWire#MAX_HELD} of them (a new socket's file list and who
   * is online; the changes that came while the event loop was busy), leave in one write straight to
   * the socket; one more in the burst puts them all in the channel, in order.
   */
  @Test
  void aBurstsFramesUpToTheMostHeldGoStraightToTheSocketInOneWriteAndOneMoreSendsAllThroughTheChannel(
    Vertx vertx, VertxTestContext ctx) {
    int most = SocketWire.MAX_HELD;
    Plan pairs = new Plan(200, 100).inBurstsOf(2);
    Plan full = new Plan(most * 25, 100).inBurstsOf(most);
    Plan over = new Plan((most + 1) * 20, 100).inBurstsOf(most + 1);
    List<Plan> plans = List.of(pairs, full, over);
    Future<List<List<String>>> all = Future.succeededFuture(List.of());
    for (Plan plan : plans) {
      all = all.compose(before -> numberedServer(vertx, new HttpServerOptions(), plan)
        .compose(server -> receivePaused(vertx, server.actualPort(), new WebSocketClientOptions(), plan))
        .map(received -> Stream.concat(before.stream(), Stream.of(received)).toList()));
    }
    all.onComplete(ctx.succeeding(received -> ctx.verify(() -> {
      assertThat(pairs.written().future().result()).as("one write per burst of two").isEqualTo(100);
      assertThat(full.written().future().result()).as("one write per burst of the most held").isEqualTo(25);
      assertThat(over.written().future().result()).as("bursts of one more: none straight to the socket").isZero();
      for (int i = 0; i < plans.size(); i++) {
        assertThat(received.get(i)).containsExactlyElementsOf(numberedFrames(plans.get(i).count(), 100));
      }
      ctx.completeNow();
    })));
  }

  /**
   * A server whose socket (its idle handler removed, as the session does) runs {@code writes} with
   * its channel and its wire once the client says "go".
   */
  private static Future<HttpServer> serverOnGo(Vertx vertx, BiConsumer<ChannelHandlerContext, SocketWire> writes) {
    return vertx.createHttpServer(new HttpServerOptions().setIdleTimeout(60)).webSocketHandler(socket -> {
      ChannelHandlerContext channel = ((WebSocketInternal) socket).channelHandlerContext();
      channel.pipeline().remove(IdleStateHandler.class);
      SocketWire wire = SocketWire.on(channel);
      socket.textMessageHandler(go -> writes.accept(channel, wire));
    }).listen(0, "127.0.0.1");
  }

  /** The same frame twice in one burst (each with its own view in the write) arrives twice, intact. */
  @Test
  void theSameFrameTwiceInABurstArrivesTwice(Vertx vertx, VertxTestContext ctx) {
    Plan plan = new Plan(3, 100);
    serverOnGo(vertx, (channel, wire) -> {
      Frame frame = Frame.shared(numbered(0, 100));
      wire.write(frame, 65_536);
      wire.write(Frame.shared(numbered(1, 100)), 65_536);
      wire.write(frame, 65_536);
      wire.flush();
      plan.resume().complete();
      plan.written().complete(wire.directWrites());
    })
      .compose(server -> receivePaused(vertx, server.actualPort(), new WebSocketClientOptions(), plan))
      .onComplete(ctx.succeeding(received -> ctx.verify(() -> {
        assertThat(plan.written().future().result()).isOne();
        assertThat(received).containsExactly(numbered(0, 100), numbered(1, 100), numbered(0, 100));
        ctx.completeNow();
      })));
  }

  /**
   * A hub's burst writes the same frames to every socket of its event loop: each socket gets each
   * frame whole and in order, whether the socket written before it took the frame whole or only in
   * part (its client does not read), for bursts of one frame, of two and of the most held alike.
   */
  @Test
  void theSameFramesWrittenToSeveralSocketsArriveWholeAtEach(Vertx vertx, VertxTestContext ctx) {
    int sockets = 4;
    int count = 3_000;
    int size = 10_000;
    List<SocketWire> wires = new CopyOnWriteArrayList<>();
    List<Plan> plans = IntStream.range(0, sockets).mapToObj(i -> new Plan(count, size)).toList();
    // two of the four do not read until all is written: whatever the order, one of them is not the last socket
    plans.get(2).resume().complete();
    plans.get(3).resume().complete();
    vertx.createHttpServer(new HttpServerOptions().setIdleTimeout(60)).webSocketHandler(socket -> {
      ChannelHandlerContext channel = ((WebSocketInternal) socket).channelHandlerContext();
      channel.pipeline().remove(IdleStateHandler.class);
      SocketWire wire = SocketWire.on(channel);
      socket.textMessageHandler(go -> {
        wires.add(wire);
        if (wires.size() == sockets) {
          writeToAll(vertx, wires, 0, plans);
        }
      });
    }).listen(0, "127.0.0.1")
      .compose(server -> Future.all(plans.stream()
        .map(plan -> receivePaused(vertx, server.actualPort(), new WebSocketClientOptions(), plan)).toList()))
      .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        for (int i = 0; i < sockets; i++) {
          assertThat(all.<List<String>>resultAt(i)).as("socket %d", i).containsExactlyElementsOf(numberedFrames(count, size));
        }
        List<Long> direct = wires.stream().map(SocketWire::directWrites).sorted().toList();
        int bursts = burstCount(count);
        assertThat(direct.get(0)).as("a socket that does not read takes a burst in part, then none").isLessThan(bursts);
        assertThat(direct.get(sockets - 1)).as("the same frames straight to more than one socket").isPositive();
        assertThat(direct.get(sockets - 2)).isPositive();
        ctx.completeNow();
      })));
  }

  /**
   * Writes each plan's frames to every wire, one {@link Frame} object per frame for all of them, in
   * bursts of one, two and {@link SocketWire#MAX_HELD} frames by turns, each wire flushed at a burst's
   * end; a hundred frames per turn of the event loop. At the end the clients that wait for it read again.
   */
  private static void writeToAll(Vertx vertx, List<SocketWire> wires, int from, List<Plan> plans) {
    Plan plan = plans.get(0);
    int to = Math.min(plan.count(), from + 100);
    int i = from;
    while (i < to) {
      int burst = burstAt(i, plan.count());
      for (int k = 0; k < burst; k++) {
        Frame frame = Frame.shared(numbered(i + k, plan.size()));
        for (SocketWire wire : wires) {
          wire.write(frame, 65_536);
        }
      }
      wires.forEach(SocketWire::flush);
      i += burst;
    }
    if (i < plan.count()) {
      int next = i;
      vertx.runOnContext(v -> writeToAll(vertx, wires, next, plans));
      return;
    }
    for (Plan each : plans) {
      each.resume().tryComplete();
      each.written().tryComplete(0L);
    }
  }

  /** The frames of the burst that starts at frame {@code i}: 1, 2, the most held, 1, 2, ..., cut at the end. */
  private static int burstAt(int i, int count) {
    int cycle = 3 + SocketWire.MAX_HELD;
    int at = i % cycle;
    int burst = at == 0 ? 1 : at == 1 ? 2 : SocketWire.MAX_HELD;
    return Math.min(burst, count - i);
  }

  private static int burstCount(int count) {
    int bursts = 0;
    for (int i = 0; i < count; i += burstAt(i, count)) {
      bursts++;
    }
    return bursts;
  }

  /**
   * A client that does not read fills the socket's buffers: a frame then goes in part, the rest of
   * it and every frame after it through the channel's buffer. The client reads again while the
   * server goes on writing, and reads them all in order: no frame written once the socket has room
   * again overtakes what the channel still holds.
   */
  @Test
  void whenTheSocketIsFullTheRestGoesThroughTheChannelWithNothingOvertaken(Vertx vertx, VertxTestContext ctx) {
    int count = 3_000;
    int size = 10_000;
    Plan plan = new Plan(count, size, count / 3);
    numberedServer(vertx, new HttpServerOptions(), plan)
      .compose(server -> receivePaused(vertx, server.actualPort(), new WebSocketClientOptions(), plan))
      .onComplete(ctx.succeeding(received -> ctx.verify(() -> {
        assertThat(plan.written().future().result()).as("the first frames straight to the socket, not all").isPositive()
          .isLessThan(count);
        assertThat(received).containsExactlyElementsOf(numberedFrames(count, size));
        ctx.completeNow();
      })));
  }

  /**
   * As above with two frames per burst: the socket takes part of a burst's write, ending within its
   * first frame or its second, and the rest of both goes through the channel in order.
   */
  @Test
  void whenTheSocketIsFullTheRestOfABurstOfTwoGoesThroughTheChannelInOrder(Vertx vertx, VertxTestContext ctx) {
    int count = 3_000;
    int size = 7_777;
    Plan plan = new Plan(count, size, count / 3).inBurstsOf(2);
    numberedServer(vertx, new HttpServerOptions(), plan)
      .compose(server -> receivePaused(vertx, server.actualPort(), new WebSocketClientOptions(), plan))
      .onComplete(ctx.succeeding(received -> ctx.verify(() -> {
        assertThat(plan.written().future().result()).as("the first bursts straight to the socket, not all").isPositive()
          .isLessThan(count / 2);
        assertThat(received).containsExactlyElementsOf(numberedFrames(count, size));
        ctx.completeNow();
      })));
  }

  /**
   * As above with bursts of the most frames held: the socket takes part of a burst's write, ending
   * within any of its frames, and the rest of each goes through the channel in order.
   */
  @Test
  void whenTheSocketIsFullTheRestOfAFullBurstGoesThroughTheChannelInOrder(Vertx vertx, VertxTestContext ctx) {
    int most = SocketWire.MAX_HELD;
    int count = most * 400;
    int size = 3_333;
    Plan plan = new Plan(count, size, count / 3).inBurstsOf(most);
    numberedServer(vertx, new HttpServerOptions(), plan)
      .compose(server -> receivePaused(vertx, server.actualPort(), new WebSocketClientOptions(), plan))
      .onComplete(ctx.succeeding(received -> ctx.verify(() -> {
        assertThat(plan.written().future().result()).as("the first bursts straight to the socket, not all").isPositive()
          .isLessThan(count / most);
        assertThat(received).containsExactlyElementsOf(numberedFrames(count, size));
        ctx.completeNow();
      })));
  }

  /**
   * With TLS the bytes must pass its handler: no frame goes straight to the socket (Vert.x's TLS
   * pipeline also queues writes in a chunked writer, so every frame passes the encoders), and each
   * arrives intact.
   */
  @Test
  void overTlsEveryFramePassesTheChannel(Vertx vertx, VertxTestContext ctx) {
    int count = 50;
    SelfSignedCertificate certificate = SelfSignedCertificate.create();
    Plan plan = new Plan(count, 100);
    numberedServer(vertx, new HttpServerOptions().setSsl(true).setKeyCertOptions(certificate.keyCertOptions()), plan)
      .compose(server -> receivePaused(vertx, server.actualPort(),
        new WebSocketClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false), plan))
      .onComplete(ctx.succeeding(received -> ctx.verify(() -> {
        assertThat(plan.written().future().result()).isZero();
        assertThat(received).containsExactlyElementsOf(numberedFrames(count, 100));
        ctx.completeNow();
      })));
  }

  /** A handler of writes between the encoder and the socket (as a TLS handler would be) sees every frame. */
  @Test
  void aHandlerOfWritesNearerTheSocketSeesEveryFrame(Vertx vertx, VertxTestContext ctx) {
    int count = 50;
    AtomicLong seen = new AtomicLong();
    ChannelOutboundHandlerAdapter counter = new ChannelOutboundHandlerAdapter() {
      @Override
      public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) {
        ByteBuf bytes = (ByteBuf) msg;
        // the text frames only: the answer to the client's close may pass here before the check runs
        if (bytes.isReadable() && bytes.getByte(bytes.readerIndex()) == (byte) 0x81) {
          seen.addAndGet(bytes.readableBytes());
        }
        context.write(msg, promise);
      }
    };
    Plan plan = new Plan(count, 100);
    numberedServer(vertx, new HttpServerOptions(), plan, counter)
      .compose(server -> receivePaused(vertx, server.actualPort(), new WebSocketClientOptions(), plan))
      .onComplete(ctx.succeeding(received -> ctx.verify(() -> {
        assertThat(plan.written().future().result()).isZero();
        assertThat(seen.get()).as("each frame's 2-byte header and 100 bytes").isEqualTo(count * 102L);
        assertThat(received).containsExactlyElementsOf(numberedFrames(count, 100));
        ctx.completeNow();
      })));
  }

  /**
   * A frame the channel holds (written to it, not flushed yet) is not overtaken: the burst's one
   * frame then goes through the channel after it, not straight to the socket.
   */
  @Test
  void aFrameTheChannelStillHoldsIsNotOvertaken(Vertx vertx, VertxTestContext ctx) {
    Plan plan = new Plan(2, 100);
    serverOnGo(vertx, (channel, wire) -> {
      ChannelHandlerContext encoder = channel.pipeline().context(WebSocketFrameEncoder.class);
      encoder.write(Frame.shared(numbered(0, 100)).wire());
      wire.write(Frame.shared(numbered(1, 100)), 65_536);
      wire.flush();
      encoder.flush();
      plan.resume().complete();
      plan.written().complete(wire.directWrites());
    })
      .compose(server -> receivePaused(vertx, server.actualPort(), new WebSocketClientOptions(), plan))
      .onComplete(ctx.succeeding(received -> ctx.verify(() -> {
        assertThat(plan.written().future().result()).isZero();
        assertThat(received).containsExactly(numbered(0, 100), numbered(1, 100));
        ctx.completeNow();
      })));
  }
}
