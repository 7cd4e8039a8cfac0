package com.ncvault.sync;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.nio.AbstractNioChannel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.util.concurrent.FastThreadLocal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Map;

/**
 * A session's own path to its socket's channel, for the frames of the event stream. Vert.x's
 * {@code writeFrame} gives every write a promise, a future, a queued task and a flush; at 10,000
 * sockets those were three quarters of what fan-out allocated. Here a frame is handed to the
 * channel with no completion to report (nothing waits for one: a failed write closes the channel,
 * and the socket's close handler ends the session), and flushed once per burst by the hub rather
 * than once per frame.
 *
 * <p>The writes enter the pipeline where Vert.x's own do (its handler's context), so they pass the
 * same WebSocket encoder and extensions, in the order they are made; except a message encoded for
 * many sockets, whose frame is already whole ({@link Frame#wire()}): it enters past the WebSocket
 * encoder, where the encoder's own output would, unless an extension (compression) encodes frames
 * on this channel. When a burst writes up to {@link #MAX_HELD} such frames to a socket (the common
 * case: one change, one frame; a new socket's file list and who is online; the changes that came
 * while the event loop was busy) and the channel holds nothing else to send, the flush writes them
 * straight to the socket's {@code SocketChannel} in one gathering write, the one system call Netty's
 * flush would make, without the pipeline, the channel's outbound buffer and a view of each frame per
 * socket; what the socket does not take goes
 * through the channel after all, so nothing is overtaken. Only where no handler of writes sits
 * between the encoder and the socket (no TLS) on Netty's NIO transport. Back-pressure is the channel's:
 * {@link #writable()} turns false once the channel's outbound buffer holds more than the socket's
 * write queue size (Vert.x sets the channel's water marks from it), and the {@link PingGate} reports
 * the way back. Used only on the channel's event loop.
 */
final class SocketWire {

  /** The views of the frames last written straight to sockets, one set per event loop. */
  private static final FastThreadLocal<WireViews> VIEWS = new FastThreadLocal<>() {
    @Override
    protected WireViews initialValue() {
      return new WireViews();
    }
  };

  /**
   * Most frames of one burst that go straight to the socket; a burst with more hands them all to
   * the channel, which sends them in one write call as well.
   */
  static final int MAX_HELD = 8;

  private final ChannelHandlerContext context;
  /** The WebSocket encoder's context, where whole frames enter; null when frames must pass the encoders. */
  private final ChannelHandlerContext encoded;
  /**
   * The socket itself, when nothing between it and the WebSocket encoder handles writes (no TLS) on
   * Netty's NIO transport; else null.
   */
  private final SocketChannel socket;
  private final ChannelPromise noCompletion;
  private boolean unflushed;
  /**
   * Shared frames written since the last flush and not handed to the channel yet, in order, the
   * first {@link #heldCount}; made at the socket's first burst, grown up to {@link #MAX_HELD}.
   */
  private Frame[] held;
  private int heldCount;
  /** Frames written straight to the socket (the tests read it). */
  private long directWrites;

  private SocketWire(ChannelHandlerContext context, ChannelHandlerContext encoded, SocketChannel socket) {
    this.context = context;
    this.encoded = encoded;
    this.socket = socket;
    // The channel's own void promise: Netty's encoders recognise it and write what they produce
    // without a promise of their own per part. A failed write becomes an exception event, on which
    // Vert.x closes the connection (and the socket's close handler ends the session).
    this.noCompletion = context.voidPromise();
  }

  /** A wire to the channel of Vert.x's handler {@code context}; null unless called on its event loop. */
  static SocketWire on(ChannelHandlerContext context) {
    if (context == null || !context.executor().inEventLoop()) {
      return null;
    }
    ChannelPipeline pipeline = context.pipeline();
    ChannelHandlerContext encoder = pipeline.context(WebSocketFrameEncoder.class);
    boolean plain = encoder != null && pipeline.get(WebSocketExtensionEncoder.class) == null
      && nothingWritesBetween(pipeline, encoder.handler(), context.handler());
    SocketChannel socket = plain && nothingWritesBelow(pipeline, encoder.handler())
      && context.channel().unsafe() instanceof AbstractNioChannel.NioUnsafe nio
      && nio.ch() instanceof SocketChannel channel ? channel : null;
    return new SocketWire(context, plain ? encoder : null, socket);
  }

  /** True when no handler of writes sits between the pipeline's head (the socket) and {@code encoder}. */
  private static boolean nothingWritesBelow(ChannelPipeline pipeline, ChannelHandler encoder) {
    for (Map.Entry<String, ChannelHandler> entry : pipeline) {
      ChannelHandler handler = entry.getValue();
      if (handler == encoder) {
        return true;
      }
      if (handler instanceof ChannelOutboundHandler) {
        return false;
      }
    }
    return false;
  }

  long directWrites() {
    return directWrites;
  }

  /**
   * True when {@code encoder} is nearer the pipeline's head (the socket) than {@code writer}, with no
   * handler of writes between them (one that queues them, as Netty's chunked writer does, would
   * send its queue after what enters past it, out of order).
   */
  private static boolean nothingWritesBetween(ChannelPipeline pipeline, ChannelHandler encoder, ChannelHandler writer) {
    boolean between = false;
    for (Map.Entry<String, ChannelHandler> entry : pipeline) {
      ChannelHandler handler = entry.getValue();
      if (handler == writer) {
        return between;
      }
      if (handler == encoder) {
        between = true;
      } else if (between && handler instanceof ChannelOutboundHandler) {
        return false;
      }
    }
    return false;
  }

  /** True when a shared message's whole frame enters past the WebSocket encoder on this channel. */
  boolean writesWholeFrames() {
    return encoded != null;
  }

  /**
   * False while the channel holds more than its high-water mark. Frames of a burst not flushed yet
   * count too: when they alone pass the mark, they are flushed here (to the kernel's socket buffer)
   * before the question is answered, so a client that reads is never taken for one that does not.
   */
  boolean writable() {
    if (unflushed && !context.channel().isWritable()) {
      flush();
    }
    return context.channel().isWritable();
  }

  /**
   * Hands {@code frame} to the channel without flushing it. True when it is the first frame since the
   * last {@link #flush()}: the caller then arranges one.
   */
  boolean write(Frame frame, int maxFrameBytes) {
    boolean whole = encoded != null && frame.whole() && frame.length() <= maxFrameBytes;
    // Every frame since the last flush held so far, and room for this one: held too, to go straight
    // to the socket at the flush unless a frame that must pass the channel follows.
    if (whole && socket != null && (!unflushed || heldCount > 0) && heldCount < MAX_HELD) {
      hold(frame);
      return markUnflushed();
    }
    handOver();
    if (whole) {
      encoded.write(frame.wire(), noCompletion);
    } else {
      frame.writeTo(context, noCompletion, maxFrameBytes);
    }
    return markUnflushed();
  }

  /**
   * Hands an empty ping to the channel without flushing it; true as for {@link #write}. The frame
   * object passes the channel's WebSocket encoder like the event frames, with nothing to complete.
   */
  boolean ping() {
    handOver();
    context.write(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER), noCompletion);
    return markUnflushed();
  }

  /** After a write: true when it is the first since the last {@link #flush()}. */
  private boolean markUnflushed() {
    boolean first = !unflushed;
    unflushed = true;
    return first;
  }

  private void hold(Frame frame) {
    if (held == null) {
      held = new Frame[2];
    } else if (heldCount == held.length) {
      held = Arrays.copyOf(held, MAX_HELD);
    }
    held[heldCount++] = frame;
  }

  /** Held frames, followed by another write, go into the channel's buffer first, in their place. */
  private void handOver() {
    for (int i = 0; i < heldCount; i++) {
      encoded.write(held[i].wire(), noCompletion);
      held[i] = null;
    }
    heldCount = 0;
  }

  void flush() {
    if (!unflushed) {
      return;
    }
    unflushed = false;
    if (heldCount > 0) {
      int count = heldCount;
      heldCount = 0;
      boolean written = writeToSocket(count);
      Arrays.fill(held, 0, count, null);
      if (written) {
        return;
      }
    }
    (encoded != null ? encoded : context).flush();
  }

  /**
   * Writes the burst's {@code count} held frames straight to the socket, in one gathering write,
   * when the channel holds nothing else to send (so nothing is overtaken): the one system call the
   * flush would make, without the pipeline, the channel's outbound buffer and a view of each frame
   * per socket. True when it was all written; else what is left is handed to the channel (which also
   * reports a failure: it closes the connection) and the caller flushes.
   */
  private boolean writeToSocket(int count) {
    ChannelOutboundBuffer pending = context.channel().unsafe().outboundBuffer();
    long written = 0;
    if (pending != null && pending.totalPendingWriteBytes() == 0 && context.channel().isActive()) {
      WireViews views = VIEWS.get();
      ByteBuffer[] buffers = views.buffers();
      for (int i = 0; i < count; i++) {
        buffers[i] = views.of(held[i], repeats(i));
      }
      try {
        written = count == 1 ? socket.write(buffers[0]) : socket.write(buffers, 0, count);
      } catch (IOException refused) {
        // nothing was written: the channel's own write below meets the same error and closes the connection
      }
      boolean all = !buffers[count - 1].hasRemaining();
      Arrays.fill(buffers, 0, count, null);
      if (all) {
        directWrites++;
        return true;
      }
    }
    // What the socket did not take goes to the channel, in order: each frame's rest (all of it when
    // no write was tried, or when the write ended before it).
    long offset = 0;
    for (int i = 0; i < count; i++) {
      int length = held[i].wireLength();
      long taken = Math.min(length, Math.max(0, written - offset));
      if (taken < length) {
        encoded.write(held[i].wire().skipBytes((int) taken), noCompletion);
      }
      offset += length;
    }
    return false;
  }

  /** True when the held frame at {@code index} is also held before it (the same frame twice in one burst). */
  private boolean repeats(int index) {
    for (int i = 0; i < index; i++) {
      if (held[i] == held[index]) {
        return true;
      }
    }
    return false;
  }

  /**
   * One event loop's views of the frames it last wrote straight to sockets. A burst writes the same
   * frames to every socket of the loop, and a view's position is all a write changes: rewound, it
   * serves the next socket, so a socket's write makes no object (in an allocation profile of a node
   * writing to 1,000 sockets, a view per write, and a Netty view made and dropped per write, had
   * been half of the bytes the node allocated). A write that the socket takes only in part leaves
   * its rest to the channel as a view of the frame's own (see {@link #writeToSocket}), never this one.
   */
  private static final class WireViews {

    /** Views kept: those of two bursts of {@link #MAX_HELD} frames; the oldest gives way. */
    private static final int KEPT = 2 * MAX_HELD;

    private final Frame[] frames = new Frame[KEPT];
    private final ByteBuffer[] views = new ByteBuffer[KEPT];
    private int oldest;
    private final ByteBuffer[] buffers = new ByteBuffer[MAX_HELD];

    /**
     * {@code frame}'s bytes from their start, in a view this loop reuses; in a view of their own when
     * {@code again} (the frame is in the same write twice, and a view has one position).
     */
    ByteBuffer of(Frame frame, boolean again) {
      if (again) {
        return frame.wireBytes();
      }
      for (int i = 0; i < KEPT; i++) {
        if (frames[i] == frame) {
          return views[i].rewind();
        }
      }
      ByteBuffer view = frame.wireBytes();
      frames[oldest] = frame;
      views[oldest] = view;
      oldest = (oldest + 1) % KEPT;
      return view;
    }

    /** The array of one gathering write (the same array each time; its caller empties it). */
    ByteBuffer[] buffers() {
      return buffers;
    }
  }
}
