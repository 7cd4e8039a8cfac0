package com.ncvault.sync;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;

/**
 * Lets a live socket's connection go of what Vert.x keeps with it and the node does not need: these
 * two things were more than half of an idle socket's heap (11.8 KiB, now about 4.9):
 *
 * <ul>
 *   <li><b>The write queue.</b> Vert.x gives every WebSocket connection a queue for writes made from
 *   any thread, and that queue's first chunk (1,024 slots) is about 4.5 KiB. Every write of the node
 *   to a socket is made on the socket's event loop (its session, its hub, its ping gate): the case
 *   the strict thread mode serves with no queue at all, a write going straight to the channel. The
 *   api's HTTP server runs in that mode, but Vert.x 5.0 does not carry it over to the WebSocket
 *   connection an upgrade creates, and has no option for it; so the session puts the same direct
 *   path in place.</li>
 *   <li><b>The upgrade.</b> The pipeline's Vert.x handler keeps the function that created its
 *   connection, which holds the upgraded HTTP connection with its request and response (about
 *   1 KiB). The function is used once, when the handler is added; the session lets it go.</li>
 * </ul>
 *
 * <p>This reaches into Vert.x's internals by reflection. Where they are not as expected (another
 * Vert.x version), nothing is changed and the socket keeps what it had, working as before.
 */
final class LeanConnection {

  private static final Logger LOG = LoggerFactory.getLogger(LeanConnection.class);
  private static final String QUEUE_FIELD = "outboundMessageQueue";
  private static final String DIRECT_QUEUE = VertxConnection.class.getName() + "$DirectOutboundMessageQueue";
  private static final String FACTORY_FIELD = "connectionFactory";
  private static final Field QUEUE;
  private static final Constructor<?> DIRECT;
  private static final Field FACTORY;

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
      LOG.info("Sockets keep Vert.x's write queue ({}.{} is not as expected: {})",
        VertxConnection.class.getSimpleName(), QUEUE_FIELD, e.toString());
    }
    QUEUE = queue;
    DIRECT = direct;
    Field factory = null;
    try {
      Field field = VertxHandler.class.getDeclaredField(FACTORY_FIELD);
      field.setAccessible(true);
      factory = field;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("Sockets keep their upgrade ({}.{} is not as expected: {})", VertxHandler.class.getSimpleName(),
        FACTORY_FIELD, e.toString());
    }
    FACTORY = factory;
  }

  private LeanConnection() {
  }

  /**
   * Makes the connection of Vert.x's handler {@code channel} lean; true when it writes directly now.
   * Call on the channel's event loop, before anything is written to the socket (Vert.x's queue is
   * dropped with whatever it holds).
   */
  static boolean install(ChannelHandlerContext channel) {
    if (channel == null || !channel.executor().inEventLoop() || !(channel.handler() instanceof VertxHandler<?> handler)) {
      return false;
    }
    VertxConnection connection = handler.getConnection();
    if (connection == null) {
      return false;
    }
    releaseUpgrade(handler);
    return writeDirectly(connection);
  }

  private static boolean writeDirectly(VertxConnection connection) {
    if (QUEUE == null) {
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

  /** The handler's connection exists: the function that made it is not called again. */
  private static void releaseUpgrade(VertxHandler<?> handler) {
    if (FACTORY == null) {
      return;
    }
    try {
      FACTORY.set(handler, null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("A socket keeps its upgrade: {}", e.toString());
    }
  }
}
