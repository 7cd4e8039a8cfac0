package com.ncvault.sync;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.vertx.core.buffer.Buffer;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The session's handler in its socket's pipeline. It takes the client's ping frames off the pipeline
 * before Vert.x sees them, hands the session the frames the decoder refused, and tells the session
 * when the channel can take writes again (the session writes event frames to the channel itself, see
 * {@link SocketWire}).
 *
 * <p>Pings: Vert.x answers every ping with a pong by itself, with no option to turn that off, and
 * one read can hold thousands of pings: a client that pings and never reads would have the node queue pongs without bound. Here
 * each ping goes to the session instead, which counts it and answers only within its limits.
 *
 * <p>Refused frames (over the size limit, or breaking the protocol): on the decoder's exception Vert.x
 * closes the connection at once, while the rest of the frame is still arriving. Closing a TCP
 * connection with unread bytes resets it, and a reset can overtake the close frame on its way to the
 * client, which then sees 1006 and no reason. Here the exception stops at the gate; the session
 * closes the socket with the frame's close code, and the connection goes on reading, and dropping
 * what it reads, until it is closed ({@link SocketClosing}).
 */
final class PingGate extends ChannelInboundHandlerAdapter {

  static final String NAME = "pdm-ping-gate";

  private final BooleanSupplier admit;
  private final Consumer<Buffer> answer;
  private final Runnable writable;
  private final Consumer<CorruptedWebSocketFrameException> refused;

  private PingGate(BooleanSupplier admit, Consumer<Buffer> answer, Runnable writable,
                   Consumer<CorruptedWebSocketFrameException> refused) {
    this.admit = admit;
    this.answer = answer;
    this.writable = writable;
    this.refused = refused;
  }

  /**
   * Puts a gate right after the frame decoder: {@code admit} counts each ping and says whether it is
   * to be answered, {@code answer} writes the pong; {@code writable} runs each time the channel's
   * outbound buffer fell back under its low-water mark; {@code refused} gets each frame the decoder
   * refused. False when the pipeline has no decoder to follow.
   */
  static boolean install(ChannelPipeline pipeline, BooleanSupplier admit, Consumer<Buffer> answer, Runnable writable,
                         Consumer<CorruptedWebSocketFrameException> refused) {
    ChannelHandlerContext decoder = pipeline.context(WebSocketFrameDecoder.class);
    if (decoder == null || pipeline.get(NAME) != null) {
      return false;
    }
    pipeline.addAfter(decoder.name(), NAME, new PingGate(admit, answer, writable, refused));
    return true;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof PingWebSocketFrame ping)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (admit.getAsBoolean()) {
        answer.accept(Buffer.buffer(ByteBufUtil.getBytes(ping.content())));
      }
    } finally {
      ping.release();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // Vert.x keeps its own view of the channel's writability: the event goes on
    ctx.fireChannelWritabilityChanged();
    if (ctx.channel().isWritable()) {
      writable.run();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException refusal) {
      refused.accept(refusal);
    } else {
      ctx.fireExceptionCaught(cause);
    }
  }
}
