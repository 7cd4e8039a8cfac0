package com.ncvault.sync;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session's direct way to its channel, on Netty's embedded channel: a pipeline shaped like a
 * socket's (a frame decoder, the session's gate, and a stand-in for Vert.x's handler, whose context
 * the wire writes from), with a handler at the head counting writes and flushes.
 */
class SocketWireTest {

  /** Counts what reaches the head of the pipeline. */
  private static final class Counter extends ChannelOutboundHandlerAdapter {
    final List<WebSocketFrame> frames = new ArrayList<>();
    int flushes;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      frames.add((WebSocketFrame) msg);
      ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      flushes++;
      ctx.flush();
    }
  }

  /** An embedded channel whose peer can stop reading: what is flushed then stays in its outbound buffer. */
  private static final class PeerChannel extends EmbeddedChannel {
    boolean stopped;

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
      if (!stopped) {
        super.doWrite(in);
      }
    }
  }

  private final Counter counter = new Counter();
  private final AtomicInteger writableAgain = new AtomicInteger();
  private final PeerChannel channel = new PeerChannel();
  private final SocketWire wire;

  SocketWireTest() {
    channel.pipeline().addLast(counter, new WebSocket08FrameDecoder(true, false, 65_536));
    channel.pipeline().addLast("vertx", new ChannelInboundHandlerAdapter());
    assertThat(PingGate.install(channel.pipeline(), () -> true, pong -> { }, writableAgain::incrementAndGet,
      refused -> { })).isTrue();
    wire = SocketWire.on(channel.pipeline().context("vertx"));
  }

  private static String text(WebSocketFrame frame) {
    return frame.content().toString(StandardCharsets.UTF_8);
  }

  @Test
  void framesLeaveOnlyWithTheFlushAndEachSocketReadsTheSameBytesFromItsOwnPosition() {
    Frame shared = Frame.shared("{\"type\":\"EVENT\",\"seq\":7}");
    EmbeddedChannel other = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    SocketWire otherWire = SocketWire.on(other.pipeline().firstContext());

    assertThat(wire.write(shared, 1024)).as("first frame since the last flush").isTrue();
    assertThat(wire.write(Frame.text("{\"type\":\"PONG\"}"), 1024)).isFalse();
    assertThat(otherWire.write(shared, 1024)).isTrue();
    assertThat(channel.outboundMessages()).as("nothing leaves before the flush").isEmpty();

    wire.flush();
    wire.flush();
    assertThat(counter.flushes).as("a second flush with nothing new does nothing").isEqualTo(1);
    assertThat(counter.frames).hasSize(2).allMatch(f -> f instanceof TextWebSocketFrame && f.isFinalFragment());
    assertThat(text(counter.frames.get(0))).isEqualTo("{\"type\":\"EVENT\",\"seq\":7}");
    assertThat(text(counter.frames.get(1))).isEqualTo("{\"type\":\"PONG\"}");
    assertThat(wire.write(shared, 1024)).as("first again after the flush").isTrue();

    otherWire.flush();
    assertThat(other.<TextWebSocketFrame>readOutbound().content().toString(StandardCharsets.UTF_8))
      .isEqualTo("{\"type\":\"EVENT\",\"seq\":7}");
    assertThat(shared.text()).as("the shared bytes are untouched by the writes").isEqualTo("{\"type\":\"EVENT\",\"seq\":7}");
  }

  @Test
  void aMessageLongerThanTheFrameLimitLeavesAsATextFrameAndContinuations() {
    wire.write(Frame.text("abcdefghij"), 4);
    wire.flush();
    assertThat(counter.frames).hasSize(3);
    assertThat(counter.frames.get(0)).isInstanceOf(TextWebSocketFrame.class);
    assertThat(counter.frames.subList(1, 3)).allMatch(ContinuationWebSocketFrame.class::isInstance);
    assertThat(counter.frames).extracting(SocketWireTest::text).containsExactly("abcd", "efgh", "ij");
    assertThat(counter.frames).extracting(WebSocketFrame::isFinalFragment).containsExactly(false, false, true);
  }

  @Test
  void theWireIsFullWhileThePeerHoldsMoreThanTheHighWaterMarkAndTheGateReportsTheWayBack() {
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(16, 32));
    channel.stopped = true;
    assertThat(wire.writable()).isTrue();
    wire.write(Frame.text("x".repeat(40)), 1024);
    assertThat(wire.writable()).as("40 bytes the peer does not take, high-water mark 32").isFalse();
    assertThat(counter.flushes).as("the unflushed frame was flushed before the answer").isEqualTo(1);
    assertThat(writableAgain).hasValue(0);
    channel.stopped = false;
    channel.flush();
    assertThat(wire.writable()).isTrue();
    assertThat(writableAgain).as("the session hears that it may write again").hasValue(1);
  }

  @Test
  void aBurstLargerThanTheHighWaterMarkDoesNotMakeAReadingPeerLookFull() {
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(16, 32));
    for (int i = 0; i < 10; i++) {
      wire.write(Frame.text("{\"seq\":" + i + ",\"pad\":\"0123456789\"}"), 1024);
      assertThat(wire.writable()).as("frame %d", i).isTrue();
    }
    assertThat(counter.frames).hasSize(10);
  }

  @Test
  void aBurstFlushesEachSocketOnceAtItsEndAndOutsideABurstTheWriterFlushes() {
    Hub hub = new Hub(null);
    assertThat(hub.flushAfterBurst(wire)).as("no burst under way").isFalse();
    hub.burst(() -> {
      for (int i = 0; i < 3; i++) {
        if (wire.write(Frame.text("{\"seq\":" + i + "}"), 1024)) {
          assertThat(hub.flushAfterBurst(wire)).isTrue();
        }
        // a burst inside the burst (a socket closed during fan-out) flushes nothing early
        hub.burst(() -> { });
      }
      assertThat(counter.flushes).isZero();
    });
    assertThat(counter.flushes).isEqualTo(1);
    assertThat(counter.frames).extracting(SocketWireTest::text).containsExactly("{\"seq\":0}", "{\"seq\":1}", "{\"seq\":2}");
  }

  @Test
  void aPingLeavesWithTheNextFlushLikeAnyFrame() {
    assertThat(wire.ping()).as("first frame since the last flush").isTrue();
    assertThat(wire.write(Frame.text("{\"seq\":1}"), 1024)).isFalse();
    assertThat(channel.outboundMessages()).as("nothing leaves before the flush").isEmpty();
    wire.flush();
    assertThat(counter.flushes).isEqualTo(1);
    assertThat(counter.frames).hasSize(2);
    assertThat(counter.frames.get(0)).isInstanceOf(PingWebSocketFrame.class);
    assertThat(counter.frames.get(0).content().readableBytes()).isZero();
    assertThat(text(counter.frames.get(1))).isEqualTo("{\"seq\":1}");
  }

  @Test
  void noWireWithoutAChannel() {
    assertThat(SocketWire.on(null)).isNull();
  }
}
