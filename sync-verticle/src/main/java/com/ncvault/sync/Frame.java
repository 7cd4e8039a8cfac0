package com.ncvault.sync;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

/**
 * One server-to-client text message, UTF-8 encoded once, and its WebSocket frames encoded once, into
 * buffers that every socket writes. Each write takes a view of the same bytes (own read position, no
 * copy): {@code writeTextMessage} would encode the String again for every socket, and the channel's
 * frame encoder would give each socket a header buffer and a copy of the payload.
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

  private final ByteBuf bytes;
  /** Written to many sockets: its frames go to direct memory, which the transport sends without a copy. */
  private final boolean forMany;

  private Frame(ByteBuf bytes, boolean forMany) {
    this.bytes = bytes;
    this.forMany = forMany;
  }

  /**
   * Encodes {@code json} (the text of one message) for many sockets: the text once, and its frames on
   * the first write to a socket's channel ({@link #wire}), shared by every socket after it.
   */
  static Frame shared(String json) {
    ENCODED.increment();
    return new Frame(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8))), true);
  }

  /**
   * Encodes {@code json} for one socket (an answer, an ERROR, a replay read from storage): on the
   * heap, where a short-lived buffer costs the least.
   */
  static Frame text(String json) {
    ENCODED.increment();
    return new Frame(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8))), false);
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
   * {@code context} (see {@link SocketWire}), unflushed, completing {@code promise}: the frames as they
   * go on the wire, encoded once per message (see {@link #wire}), so that no socket encodes or copies
   * anything of its own.
   */
  void writeTo(ChannelHandlerContext context, ChannelPromise promise, int maxFrameBytes) {
    context.write(wire(maxFrameBytes), promise);
  }

  /**
   * The message's frames as bytes on the wire: a text frame, and continuations when it is longer than
   * {@code maxFrameBytes}; unmasked (a server's frames are) and uncompressed (the node offers no
   * WebSocket compression extension; a socket that had one would read RSV1-clear frames as a message
   * sent uncompressed, which RFC 7692 allows). A
   * view of bytes encoded on the first call for a frame size and shared after it; the views pass the
   * channel's WebSocket encoder untouched (it encodes frame objects only); a shared frame's bytes are
   * in direct memory, which the transport sends as it is. Safe from any thread: two first calls at once encode the same bytes twice.
   */
  ByteBuf wire(int maxFrameBytes) {
    Wire encoded = wire;
    if (encoded == null || encoded.maxFrameBytes() != maxFrameBytes) {
      encoded = new Wire(maxFrameBytes, frames(maxFrameBytes));
      wire = encoded;
    }
    return encoded.bytes().duplicate();
  }

  /** The wire bytes of this message for one frame size limit. */
  private record Wire(int maxFrameBytes, ByteBuf bytes) {
  }

  private volatile Wire wire;

  private ByteBuf frames(int maxFrameBytes) {
    int length = length();
    int max = Math.max(1, maxFrameBytes);
    int size = 0;
    for (int offset = 0; offset == 0 || offset < length; offset += max) {
      int part = Math.min(max, length - offset);
      size += headerBytes(part) + part;
    }
    // a frame for one socket stays on the heap: direct memory costs more to allocate than one copy
    ByteBuffer out = forMany ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    for (int offset = 0; offset == 0 || offset < length; offset += max) {
      int part = Math.min(max, length - offset);
      boolean last = offset + part >= length;
      // FIN, RSV1-3 clear, opcode 1 (text) for the first frame and 0 (continuation) after it; no mask bit
      out.put((byte) ((last ? 0x80 : 0) | (offset == 0 ? 0x1 : 0x0)));
      if (part <= 125) {
        out.put((byte) part);
      } else if (part <= 0xFFFF) {
        out.put((byte) 126).putShort((short) part);
      } else {
        out.put((byte) 127).putLong(part);
      }
      bytes.getBytes(bytes.readerIndex() + offset, out.limit(out.position() + part));
      out.limit(size);
    }
    // A wrapped JDK buffer is freed by the collector; releasing it does nothing.
    return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(out.flip()));
  }

  private static int headerBytes(int payload) {
    return payload <= 125 ? 2 : payload <= 0xFFFF ? 4 : 10;
  }

  @Override
  public String toString() {
    return text();
  }
}
