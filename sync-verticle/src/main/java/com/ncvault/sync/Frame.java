package com.ncvault.sync;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
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
 * <p>A message for many sockets ({@link #shared}) is also kept as its whole WebSocket frame, header
 * included, in direct memory. A server's frames are not masked, so every socket sends those same
 * bytes: {@link SocketWire} hands them to the transport past the WebSocket encoder, with no header
 * buffer, copy or frame object per socket.
 *
 * <p>The bytes are never reference counted (the garbage collector frees them, nothing can release
 * them early); the buffers are of the unpooled kind, which Vert.x and Netty pass on to the transport
 * without copying them. Immutable and safe to share between event loops.
 */
final class Frame {

  /**
   * Messages encoded in this JVM: a diagnostic that shows fan-out costs one encoding per message,
   * not one per socket (the encode-once test reads it).
   */
  private static final LongAdder ENCODED = new LongAdder();

  /** The message's text. */
  private final ByteBuf bytes;
  /** The message as one final text frame, header and text, or null (a message for one socket). */
  private final ByteBuf wire;
  /** The same bytes as {@link #wire}, for a socket written to without Netty's pipeline; null with it. */
  private final ByteBuffer wireBytes;

  private Frame(ByteBuf bytes, ByteBuf wire, ByteBuffer wireBytes) {
    this.bytes = bytes;
    this.wire = wire;
    this.wireBytes = wireBytes;
  }

  /**
   * Encodes {@code json} (the text of one message) for many sockets: its whole text frame, as
   * Netty's WebSocket encoder writes it, in one direct buffer (which the transport sends from as it
   * is; a heap buffer would be copied into direct memory on every write), the text a view of its end.
   */
  static Frame shared(String json) {
    ENCODED.increment();
    byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
    EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
    encoder.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(utf8)));
    ByteBuf header = encoder.readOutbound();
    // the encoder sends a long text after its header, as it is; a short one it copies into the header's buffer
    ByteBuf text = encoder.readOutbound();
    int headerLength = header.readableBytes() - (text == null ? utf8.length : 0);
    ByteBuffer direct = ByteBuffer.allocateDirect(headerLength + utf8.length);
    direct.put(header.nioBuffer(header.readerIndex(), headerLength)).put(utf8).flip();
    header.release();
    if (text != null) {
      text.release();
    }
    encoder.finishAndReleaseAll();
    // A wrapped JDK buffer is freed by the collector; releasing it does nothing.
    ByteBuf wire = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct));
    return new Frame(wire.slice(headerLength, utf8.length), wire, direct.asReadOnlyBuffer());
  }

  /**
   * Encodes {@code json} for one socket (an answer, an ERROR, a replay read from storage): on the
   * heap, where a short-lived buffer costs the least; the socket's encoder adds the header.
   */
  static Frame text(String json) {
    ENCODED.increment();
    return new Frame(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8))), null,
      null);
  }

  static long encoded() {
    return ENCODED.sum();
  }

  int length() {
    return bytes.readableBytes();
  }

  /**
   * A view (own read position) of the message's whole text frame, ready for the transport; null for
   * a message encoded for one socket.
   */
  ByteBuf wire() {
    return wire == null ? null : wire.duplicate();
  }

  /** The length of the whole text frame ({@link #wire()}), header included; 0 for a message encoded for one socket. */
  int wireLength() {
    return wire == null ? 0 : wire.readableBytes();
  }

  /** True for a message encoded for many sockets, which is kept as its whole frame ({@link #wire()}). */
  boolean whole() {
    return wire != null;
  }

  /**
   * The whole text frame's bytes in a JDK buffer of their own position (no copy), for a write
   * straight to a socket; null for a message encoded for one socket.
   */
  ByteBuffer wireBytes() {
    return wireBytes == null ? null : wireBytes.duplicate();
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
