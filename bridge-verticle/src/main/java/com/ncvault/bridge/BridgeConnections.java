package com.ncvault.bridge;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Function;

/**
 * Lets the bridge verticle see each connection of the TCP event-bus bridge before the bridge reads
 * a byte of it. The bridge offers no hook at connection time (its events start with the first whole
 * frame, which it has buffered by then), so it is given a {@link Vertx} that is the node's own
 * except for the server it creates: every socket that server accepts is passed through
 * {@code intercept} first, and the bridge gets what that returns. Only public interfaces are
 * decorated (dynamic proxies); nothing of the bridge's implementation is touched.
 */
final class BridgeConnections {

  private BridgeConnections() {
  }

  /** {@code vertx}, except that the servers it creates hand {@code intercept(socket)} to their connect handler. */
  static Vertx intercepting(Vertx vertx, Function<NetSocket, NetSocket> intercept) {
    return proxy(Vertx.class, vertx, (self, method, args) -> {
      if (method.getName().equals("createNetServer") && args != null && args.length == 1
        && args[0] instanceof NetServerOptions options) {
        return server(vertx.createNetServer(options), intercept);
      }
      return null;
    });
  }

  private static NetServer server(NetServer server, Function<NetSocket, NetSocket> intercept) {
    return proxy(NetServer.class, server, (self, method, args) -> {
      if (method.getName().equals("connectHandler") && args != null && args.length == 1) {
        @SuppressWarnings("unchecked")
        Handler<NetSocket> handler = (Handler<NetSocket>) args[0];
        server.connectHandler(handler == null ? null : socket -> handler.handle(intercept.apply(socket)));
        return self;
      }
      return null;
    });
  }

  /**
   * {@code target} with {@code socket}'s data handler wrapped: the bridge's parser sees only the
   * data {@code filter} lets through.
   */
  static NetSocket filtering(NetSocket target, Function<Handler<io.vertx.core.buffer.Buffer>,
    Handler<io.vertx.core.buffer.Buffer>> filter) {
    return proxy(NetSocket.class, target, (self, method, args) -> {
      if (method.getName().equals("handler") && args != null && args.length == 1) {
        @SuppressWarnings("unchecked")
        Handler<io.vertx.core.buffer.Buffer> handler = (Handler<io.vertx.core.buffer.Buffer>) args[0];
        target.handler(handler == null ? null : filter.apply(handler));
        return self;
      }
      return null;
    });
  }

  /** What a decorated call answers: null = not decorated, delegate to the target. */
  private interface Decoration {
    Object invoke(Object self, Method method, Object[] args);
  }

  private static <T> T proxy(Class<T> type, T target, Decoration decoration) {
    InvocationHandler handler = (self, method, args) -> {
      if (method.getDeclaringClass() == Object.class) {
        return switch (method.getName()) {
          case "equals" -> self == args[0];
          case "hashCode" -> System.identityHashCode(self);
          default -> type.getSimpleName() + " of " + target;
        };
      }
      Object decorated = decoration.invoke(self, method, args);
      if (decorated != null) {
        return decorated;
      }
      try {
        Object result = method.invoke(target, args);
        // a fluent call answers the decorated object, so that chained calls stay decorated
        return result == target ? self : result;
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
