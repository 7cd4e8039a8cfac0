package com.ncvault.sync;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

/**
 * One server-to-client text message, UTF-8 encoded once into a buffer that every socket writes.
 * Each write takes a view of the same bytes (own read position, no copy): {@code writeTextMessage}
 * would encode the String again for every socket.
 *
 * <p>The bytes are never reference counted (the garbage collector frees them, nothing can release
 * them early); the buffer is of the unpooled kind, which Vert.x passes on to the transport without
 * copying it. Immutable and safe to share between event loops.
 */
final class Frame {

  /**
   * Messages encoded in this JVM: a diagnostic that shows fan-out costs one encoding per message,
   * not one per socket (the encode-once test reads it).
   */
  private static final LongAdder ENCODED = new LongAdder();

  /**
   * Netty's WebSocket encoder copies a payload up to this long into the buffer of the frame's header
   * (one buffer to send); a longer one it sends as it is, after the header.
   */
  static final int COPIED_BY_ENCODER = 1024;

  private final ByteBuf bytes;

  private Frame(ByteBuf bytes) {
    this.bytes = bytes;
  }

  /**
   * Encodes {@code json} (the text of one message) for many sockets. A message longer than
   * {@link #COPIED_BY_ENCODER} goes into direct memory, which the transport sends from as it is (a
   * heap buffer would be copied into direct memory on every write); a shorter one stays on the heap,
   * since the encoder copies it into the frame's header buffer anyway, and copying from an array costs
   * less than from direct memory (which needs a view object per copy).
   */
  static Frame shared(String json) {
    ENCODED.increment();
    byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= COPIED_BY_ENCODER) {
      return new Frame(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(utf8)));
    }
    ByteBuffer direct = ByteBuffer.allocateDirect(utf8.length).put(utf8).flip();
    // A wrapped JDK buffer is freed by the collector; releasing it does nothing.
    return new Frame(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct)));
  }

  /**
   * Encodes {@code json} for one socket (an answer, an ERROR, a replay read from storage): on the
   * heap, where a short-lived buffer costs the least.
   */
  static Frame text(String json) {
    ENCODED.increment();
    return new Frame(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8))));
  }

  static long encoded() {
    return ENCODED.sum();
  }

  int length() {
    return bytes.readableBytes();
  }

  /** The message's text, decoded again: for tests and logs, never on the write path. */
  String text() {
    return bytes.toString(bytes.readerIndex(), bytes.readableBytes(), StandardCharsets.UTF_8);
  }

  /**
   * Writes the message to {@code socket} as one text frame, or as a text frame and continuations
   * of at most {@code maxFrameBytes} each when it is longer (as {@code writeTextMessage} would split it).
   */
  void writeTo(ServerWebSocket socket, int maxFrameBytes) {
    int length = length();
    if (length <= maxFrameBytes) {
      socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, bytes.duplicate(), true));
      return;
    }
    for (int offset = 0; offset < length; offset += maxFrameBytes) {
      int size = Math.min(maxFrameBytes, length - offset);
      WebSocketFrameType type = offset == 0 ? WebSocketFrameType.TEXT : WebSocketFrameType.CONTINUATION;
      socket.writeFrame(new WebSocketFrameImpl(type, bytes.slice(bytes.readerIndex() + offset, size),
        offset + size >= length));
    }
  }

  /**
   * As {@link #writeTo(ServerWebSocket, int)}, straight to the channel of Vert.x's WebSocket handler
   * {@code context} (see {@link SocketWire}), unflushed, each frame completing {@code promise}.
   */
  void writeTo(ChannelHandlerContext context, ChannelPromise promise, int maxFrameBytes) {
    int length = length();
    if (length <= maxFrameBytes) {
      context.write(new TextWebSocketFrame(true, 0, bytes.duplicate()), promise);
      return;
    }
    for (int offset = 0; offset < length; offset += maxFrameBytes) {
      int size = Math.min(maxFrameBytes, length - offset);
      ByteBuf part = bytes.slice(bytes.readerIndex() + offset, size);
      boolean last = offset + size >= length;
      context.write(offset == 0 ? new TextWebSocketFrame(last, 0, part) : new ContinuationWebSocketFrame(last, 0, part),
        promise);
    }
  }

  @Override
  public String toString() {
    return text();
  }
}
