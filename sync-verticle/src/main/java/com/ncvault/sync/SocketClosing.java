package com.ncvault.sync;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a socket the node will no longer serve, and makes sure its connection ends. Vert.x starts
 * its closing timeout only once the close frame has been written, which never happens while a client
 * that does not read has a full queue; and it goes on answering pings (queueing pongs) meanwhile. So
 * the socket stops reading at once (a few frames more are taken, then TCP holds the client back), and
 * after the grace its connection is dropped whether or not the client answered the close.
 *
 * <p>After a frame the decoder refused, the socket goes on reading instead, and drops what arrives
 * before any handler sees it: the connection ends with nothing unread. Closing with unread bytes would
 * reset it, and the reset can overtake the close frame; a client still sending its oversize frame
 * would never see the close code.
 */
final class SocketClosing {

  private static final Logger LOG = LoggerFactory.getLogger(SocketClosing.class);
  private static final String DISCARD_NAME = "pdm-discard";
  private static final ChannelHandler DISCARD = new Discard();

  private SocketClosing() {
  }

  static void close(Vertx vertx, ServerWebSocket socket, short code, String reason, long graceMs) {
    close(vertx, socket, code, reason, graceMs, false);
  }

  /** {@code draining}: the channel goes on reading until it is dropped, and discards all it reads. */
  static void close(Vertx vertx, ServerWebSocket socket, short code, String reason, long graceMs, boolean draining) {
    socket.close(code, reason).onFailure(e -> LOG.debug("Close of a socket failed: {}", e.getMessage()));
    // Vert.x stops handing frames on (and answering pings) after a few more; the channel stops reading.
    socket.pause();
    ChannelHandlerContext channel = channelOf(socket);
    if (channel != null) {
      // on the channel's own loop (a socket refused at the takeover is closed from the sync-verticle's)
      if (channel.executor().inEventLoop()) {
        setReading(channel, draining);
      } else {
        channel.executor().execute(() -> setReading(channel, draining));
      }
    }
    vertx.setTimer(graceMs, id -> drop(socket));
  }

  /** Stops the channel reading, or has it read and discard ({@code draining}); nothing once it is gone. */
  private static void setReading(ChannelHandlerContext channel, boolean draining) {
    if (!channel.channel().isRegistered()) {
      return;
    }
    if (draining) {
      if (channel.pipeline().get(DISCARD_NAME) == null) {
        channel.pipeline().addFirst(DISCARD_NAME, DISCARD);
      }
      channel.channel().config().setAutoRead(true);
    } else {
      channel.channel().config().setAutoRead(false);
    }
  }

  /** Closes the connection under the socket (a no-op once it is closed). */
  private static void drop(ServerWebSocket socket) {
    // The public API only closes with a handshake; the channel is the one way to end a connection now.
    ChannelHandlerContext channel = channelOf(socket);
    if (channel != null) {
      channel.close();
    }
  }

  /** The Netty channel under the socket, or null when it cannot be reached. */
  static ChannelHandlerContext channelOf(ServerWebSocket socket) {
    // The api upgrades /ws before its router, so the socket is Vert.x's own, not a wrapper around it.
    return socket instanceof WebSocketInternal internal ? internal.channelHandlerContext() : null;
  }

  /** Drops everything a closing connection still receives. */
  @ChannelHandler.Sharable
  private static final class Discard extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }
  }
}
