package com.ncvault.contract;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.VertxConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds a WebSocket upgrade's answer (the HTTP 101) back until the socket's first frames, so that
 * both reach the client in one write: one system call and one wake-up of the client fewer per
 * connect. The api-verticle installs it on the upgrade's channel, nearest the socket, before the
 * handshake; the sync-verticle's session {@linkplain #release releases} it when it takes the socket
 * over, before its first frames, and flushes them together.
 *
 * <p>What it holds: the bytes of the handshake's answer, written and flushed by Netty's handshaker.
 * Their write is reported done at once (the handshaker then takes the HTTP encoder out of the
 * pipeline, as after a real write), and the flush that follows is not passed on. Anything else
 * lets the hold go, the held bytes first and in their place: any other write or flush (a close
 * frame, a refusal), a close, a first write that is no 101 answer (the handshake failed). So a
 * socket the session never takes over (refused, closed, the node stopping) still gets its answer
 * with whatever comes next. The hold is only used without TLS (its bytes would be encrypted by
 * then), and takes itself out of the pipeline once it has let go.
 *
 * <p>Used only on the channel's event loop.
 */
public final class UpgradeHold extends ChannelOutboundHandlerAdapter {

  static final String NAME = "ncvault-upgrade-hold";
  private static final byte[] SWITCHING_PROTOCOLS = "HTTP/1.1 101 ".getBytes(StandardCharsets.US_ASCII);

  /** The answer's bytes, in order (the encoder may write the head and an empty body apart). */
  private final List<ByteBuf> held = new ArrayList<>(2);
  /** The answer's flush has come and was held: whatever comes next lets go. */
  private boolean flushHeld;
  private boolean letGo;

  private UpgradeHold() {
  }

  /**
   * Puts a hold on the connection of {@code request}, an upgrade about to be accepted; called from
   * the request's handler, before the handshake. Not over TLS, and not where the connection is not
   * Vert.x's own or the caller is not on its event loop: the upgrade is then answered at once.
   */
  public static void install(HttpServerRequest request) {
    if (!request.isSSL() && request.connection() instanceof VertxConnection connection
      && connection.channelHandlerContext().executor().inEventLoop()) {
      install(connection.channelHandlerContext().pipeline());
    }
  }

  /** Puts a hold on the channel of {@code pipeline}, nearest the socket. On the channel's event loop, before the handshake. */
  static void install(ChannelPipeline pipeline) {
    if (pipeline.get(UpgradeHold.class) == null) {
      pipeline.addFirst(NAME, new UpgradeHold());
    }
  }

  /**
   * Hands what the channel's hold keeps (the upgrade's answer) to the channel, not flushed, and takes
   * the hold out: the caller's next flush sends the answer with what it writes meanwhile. True when
   * an answer was kept (the caller must then flush, even with nothing of its own to write). On the
   * channel's event loop.
   */
  public static boolean release(ChannelPipeline pipeline) {
    ChannelHandlerContext context = pipeline.context(UpgradeHold.class);
    if (context == null) {
      return false;
    }
    UpgradeHold hold = (UpgradeHold) context.handler();
    boolean kept = !hold.held.isEmpty();
    hold.letGo(context, false);
    return kept;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!letGo && !flushHeld && msg instanceof ByteBuf bytes && (!held.isEmpty() || isSwitchingProtocols(bytes))) {
      held.add(bytes);
      promise.trySuccess();
      return;
    }
    letGo(ctx, false);
    ctx.write(msg, promise);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (!letGo && !flushHeld && !held.isEmpty()) {
      flushHeld = true;
      return;
    }
    letGo(ctx, false);
    ctx.flush();
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    letGo(ctx, true);
    ctx.close(promise);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    // the channel was torn down with the answer still held: nothing can send it now
    for (ByteBuf bytes : held) {
      ReferenceCountUtil.release(bytes);
    }
    held.clear();
  }

  /** The held bytes go into the channel in their place ({@code flush}: and out), and the hold leaves the pipeline. */
  private void letGo(ChannelHandlerContext ctx, boolean flush) {
    if (letGo) {
      return;
    }
    letGo = true;
    boolean any = !held.isEmpty();
    for (ByteBuf bytes : held) {
      ctx.write(bytes, ctx.voidPromise());
    }
    held.clear();
    if (flush && any) {
      ctx.flush();
    }
    ctx.pipeline().remove(this);
  }

  private static boolean isSwitchingProtocols(ByteBuf bytes) {
    if (bytes.readableBytes() < SWITCHING_PROTOCOLS.length) {
      return false;
    }
    int start = bytes.readerIndex();
    for (int i = 0; i < SWITCHING_PROTOCOLS.length; i++) {
      if (bytes.getByte(start + i) != SWITCHING_PROTOCOLS[i]) {
        return false;
      }
    }
    return true;
  }
}
