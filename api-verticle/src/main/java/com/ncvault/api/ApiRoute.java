package com.ncvault.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/** One line of the route table: method, path, who may call it, how its body is read, the handler. */
record ApiRoute(HttpMethod method, String path, Access access, Body body, Handler<RoutingContext> handler) {

  enum Body {
    /** Buffered by a BodyHandler with a small limit before anything else runs. */
    JSON,
    /** Streamed by the handler itself (uploads); the request stays paused until the handler reads it. */
    STREAM,
    /** A WebSocket upgrade; a token may also come as {@code ?token=}. */
    UPGRADE
  }
}
