package com.ncvault.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * One line of the route table: method, path, who may call it, how its body is read, the handler, and
 * how the caller proves who they are.
 */
record ApiRoute(HttpMethod method, String path, Access access, Body body, Handler<RoutingContext> handler,
                Login login) {

  /** A route of the vault's own clients (session token or cookie). */
  ApiRoute(HttpMethod method, String path, Access access, Body body, Handler<RoutingContext> handler) {
    this(method, path, access, body, handler, Login.SESSION);
  }

  enum Login {
    /** A session token ({@code Authorization: Bearer}, the session cookie, {@code ?token=} for /ws). */
    SESSION,
    /**
     * What Git LFS clients send ({@link LfsAuth}): HTTP Basic with the vault's user name and password,
     * or {@code Authorization: Bearer}; never the cookie, so a page of another site cannot act through it.
     */
    GIT
  }

  enum Body {
    /** Buffered by a BodyHandler with a small limit before anything else runs. */
    JSON,
    /** Streamed by the handler itself (uploads); the request stays paused until the handler reads it. */
    STREAM,
    /** A WebSocket upgrade; a token may also come as {@code ?token=}. */
    UPGRADE
  }
}
