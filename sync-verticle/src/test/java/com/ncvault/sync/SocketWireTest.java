package com.ncvault.sync;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
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
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.stream.ChunkedWriteHandler;
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

  /**
   * Counts what reaches the head of the pipeline: the bytes a client would read, decoded into the
   * frames it would see.
   */
  private static final class Counter extends ChannelOutboundHandlerAdapter {
    final List<WebSocketFrame> frames = new ArrayList<>();
    final List<ByteBuf> written = new ArrayList<>();
    final EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 65_536));
    int flushes;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      ByteBuf bytes = (ByteBuf) msg;
      written.add(bytes);
      client.writeInbound(bytes.retainedDuplicate());
      for (WebSocketFrame frame; (frame = client.readInbound()) != null; ) {
        frames.add(frame);
      }
      ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      flushes++;
      ctx.flush();
    }
  }

  /** Netty's server-side frame encoder, counting the frames it encodes. */
  private static final class Encoder extends WebSocket08FrameEncoder {
    int encoded;

    Encoder() {
      super(false);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, WebSocketFrame msg, List<Object> out) throws Exception {
      encoded++;
      super.encode(ctx, msg, out);
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
  private final Encoder encoder = new Encoder();
  private final AtomicInteger writableAgain = new AtomicInteger();
  private final PeerChannel channel = new PeerChannel();
  private final SocketWire wire;

  SocketWireTest() {
    channel.pipeline().addLast(counter, encoder, new WebSocket08FrameDecoder(true, false, 65_536));
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
  void aSharedMessageEntersPastTheEncoderAsOneWholeFrameWhoseBytesEverySocketShares() {
    Frame shared = Frame.shared("{\"type\":\"EVENT\",\"seq\":8}");
    Counter otherCounter = new Counter();
    EmbeddedChannel other = new EmbeddedChannel(otherCounter, new WebSocket08FrameEncoder(false),
      new ChannelInboundHandlerAdapter());
    SocketWire otherWire = SocketWire.on(other.pipeline().lastContext());

    wire.write(shared, 1024);
    wire.write(Frame.text("{\"type\":\"PONG\"}"), 1024);
    otherWire.write(shared, 1024);
    wire.flush();
    otherWire.flush();

    assertThat(encoder.encoded).as("only the message for one socket passed the encoder").isEqualTo(1);
    assertThat(counter.frames).extracting(SocketWireTest::text)
      .containsExactly("{\"type\":\"EVENT\",\"seq\":8}", "{\"type\":\"PONG\"}");
    assertThat(otherCounter.frames).extracting(SocketWireTest::text).containsExactly("{\"type\":\"EVENT\",\"seq\":8}");
    ByteBuf mine = counter.written.get(0);
    ByteBuf theirs = otherCounter.written.get(0);
    assertThat(mine.isDirect()).as("sent from as it is, no copy into direct memory").isTrue();
    assertThat(mine.nioBuffer()).isEqualTo(theirs.nioBuffer());
    if (mine.hasMemoryAddress()) {
      assertThat(mine.memoryAddress()).as("one copy of the bytes for every socket").isEqualTo(theirs.memoryAddress());
    }
    assertThat(shared.text()).isEqualTo("{\"type\":\"EVENT\",\"seq\":8}");
  }

  @Test
  void aSharedFrameHoldsTheBytesNettysEncoderWritesForEachSizeOfHeader() {
    for (int length : new int[] {0, 1, 125, 126, 1024, 65_535, 65_536, 200_000}) {
      String text = "x".repeat(length);
      EmbeddedChannel encoding = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
      encoding.writeOutbound(new TextWebSocketFrame(text));
      ByteBuf expected = Unpooled.buffer();
      for (ByteBuf part; (part = encoding.readOutbound()) != null; part.release()) {
        expected.writeBytes(part);
      }
      ByteBuf whole = Frame.shared(text).wire();
      assertThat(ByteBufUtil.equals(whole, expected)).as("%d bytes of text", length).isTrue();
      assertThat(whole.isDirect()).isTrue();
    }
  }

  @Test
  void aLongerMessageThanTheFrameLimitIsSplitByTheEncoderEvenWhenShared() {
    wire.write(Frame.shared("abcdefghij"), 4);
    wire.flush();
    assertThat(encoder.encoded).isEqualTo(3);
    assertThat(counter.frames).extracting(SocketWireTest::text).containsExactly("abcd", "efgh", "ij");
  }

  @Test
  void withAnExtensionOnTheChannelEveryFramePassesTheEncoders() {
    Counter head = new Counter();
    Encoder frames = new Encoder();
    EmbeddedChannel compressed = new EmbeddedChannel(head, frames, new WebSocketExtensionEncoder() {
      @Override
      protected void encode(ChannelHandlerContext ctx, WebSocketFrame msg, List<Object> out) {
        // stands in for compression: the frame leaves with the extension's bit set
        out.add(new TextWebSocketFrame(msg.isFinalFragment(), msg.rsv() | 4, msg.content().retain()));
      }
    }, new ChannelInboundHandlerAdapter());
    SocketWire extended = SocketWire.on(compressed.pipeline().lastContext());
    extended.write(Frame.shared("{\"seq\":1}"), 1024);
    extended.flush();
    assertThat(frames.encoded).isEqualTo(1);
    assertThat(head.written.get(0).getByte(0) & 0x40).as("the extension's bit").isEqualTo(0x40);
  }

  @Test
  void aHandlerThatQueuesWritesBetweenTheEncoderAndTheWriterKeepsEveryFrameOnOnePathInOrder() {
    Counter head = new Counter();
    Encoder frames = new Encoder();
    EmbeddedChannel chunked = new EmbeddedChannel(head, frames, new ChunkedWriteHandler(),
      new ChannelInboundHandlerAdapter());
    SocketWire queued = SocketWire.on(chunked.pipeline().lastContext());
    queued.write(Frame.text("{\"seq\":1}"), 1024);
    queued.write(Frame.shared("{\"seq\":2}"), 1024);
    queued.flush();
    assertThat(frames.encoded).isEqualTo(2);
    assertThat(head.frames).extracting(SocketWireTest::text).containsExactly("{\"seq\":1}", "{\"seq\":2}");
  }

  @Test
  void noWireWithoutAChannel() {
    assertThat(SocketWire.on(null)).isNull();
  }
}
