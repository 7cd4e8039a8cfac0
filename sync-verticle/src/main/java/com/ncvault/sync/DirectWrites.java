package com.ncvault.sync;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;

/**
 * Gives a socket's connection the write path of Vert.x's strict thread mode. Vert.x gives every
 * WebSocket connection a queue for writes made from any thread, and that queue's first chunk (1,024
 * slots) is about 4.5 KiB: nearly half of what an idle socket held. Every write of the node to a
 * socket is made on the socket's event loop (its session, its hub, its ping gate), the case the
 * strict thread mode serves with no queue at all: a write goes straight to the channel. The api's
 * HTTP server runs in that mode, but Vert.x 5.0 does not carry it over to the WebSocket connection
 * an upgrade creates, and has no option for it; so the session puts the same direct path in place.
 *
 * <p>This reaches into Vert.x's internals by reflection. Where they are not as expected (another
 * Vert.x version), nothing is changed: the socket keeps its queue and works as before.
 */
final class DirectWrites {

  private static final Logger LOG = LoggerFactory.getLogger(DirectWrites.class);
  private static final String QUEUE_FIELD = "outboundMessageQueue";
  private static final String DIRECT_QUEUE = VertxConnection.class.getName() + "$DirectOutboundMessageQueue";
  private static final Field QUEUE;
  private static final Constructor<?> DIRECT;

  static {
    Field queue = null;
    Constructor<?> direct = null;
    try {
      Field field = VertxConnection.class.getDeclaredField(QUEUE_FIELD);
      Constructor<?> constructor = Class.forName(DIRECT_QUEUE).getDeclaredConstructor(VertxConnection.class);
      field.setAccessible(true);
      constructor.setAccessible(true);
      queue = field;
      direct = constructor;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("Sockets keep Vert.x's write queue ({} of {} is not as expected: {})", QUEUE_FIELD,
        VertxConnection.class.getSimpleName(), e.toString());
    }
    QUEUE = queue;
    DIRECT = direct;
  }

  private DirectWrites() {
  }

  /**
   * Puts the direct path in place on the connection of Vert.x's handler {@code channel}; true when
   * the connection writes directly now. Call on the channel's event loop, before anything is written
   * to the socket (Vert.x's queue is dropped with whatever it holds).
   */
  static boolean install(ChannelHandlerContext channel) {
    if (QUEUE == null || channel == null || !channel.executor().inEventLoop()
      || !(channel.handler() instanceof VertxHandler<?> handler)) {
      return false;
    }
    VertxConnection connection = handler.getConnection();
    if (connection == null) {
      return false;
    }
    try {
      if (!DIRECT.getDeclaringClass().isInstance(QUEUE.get(connection))) {
        QUEUE.set(connection, DIRECT.newInstance(connection));
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("A socket keeps Vert.x's write queue: {}", e.toString());
      return false;
    }
  }
}
