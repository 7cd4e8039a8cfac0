package com.ncvault.api;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.SocketHandoff;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;

/**
 * /ws: checks the already authenticated caller's Origin and parameters, upgrades, and hands the
 * paused socket to this node's sync-verticle, which owns it from then on. Refusals are plain HTTP
 * answers before any upgrade: 401 (by the route guard), 403, 400.
 */
final class WebSocketGate {

  /** The sync-verticle need not answer; the request only tells whether anyone is listening. */
  private static final long HANDOFF_TIMEOUT_MS = 5_000;
  private static final short CLOSE_INTERNAL_ERROR = 1011;

  private final Vertx vertx;
  private final OriginPolicy origins;

  WebSocketGate(Vertx vertx, OriginPolicy origins) {
    this.vertx = vertx;
    this.origins = origins;
  }

  void upgrade(RoutingContext ctx) {
    SessionUser user = ApiRouter.user(ctx);
    HttpServerRequest request = ctx.request();
    if (!"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
      throw new PdmError(ErrorCode.BAD_REQUEST, "Expected a WebSocket upgrade");
    }
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    // Browsers always send Origin; only token clients (no cookie) may leave it out.
    boolean originOk = origin == null
      ? !user.viaCookie()
      : origins.allows(origin, request.scheme(), request.getHeader(HttpHeaders.HOST));
    if (!originOk) {
      throw new PdmError(ErrorCode.FORBIDDEN, "This origin may not open a live connection");
    }
    String expectedUser = request.getParam("user");
    if (expectedUser != null && !expectedUser.isEmpty() && !expectedUser.equals(user.username())) {
      throw new PdmError(ErrorCode.FORBIDDEN, "user does not match the logged-in user");
    }
    int proto = Input.queryInt(ctx, "proto", 1, 1, 3);
    long since = Input.queryLong(ctx, "since", -1, -1);
    request.toWebSocket()
      .onSuccess(socket -> handOff(ctx, socket, new SocketHandoff(socket, user.username(), user.role(), since, proto,
        user.expiresAt().toEpochMilli())))
      .onFailure(t -> ctx.fail(new PdmError(ErrorCode.BAD_REQUEST, "WebSocket handshake failed")));
  }

  private void handOff(RoutingContext ctx, ServerWebSocket socket, SocketHandoff handoff) {
    socket.pause();
    AccessLog.log(ctx);
    DeliveryOptions options = new DeliveryOptions().setCodecName(SocketHandoff.CODEC).setSendTimeout(HANDOFF_TIMEOUT_MS);
    vertx.eventBus().request(Addresses.SYNC_CONNECT, handoff, options).onFailure(t -> {
      if (t instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
        socket.close(CLOSE_INTERNAL_ERROR, "Live updates are not available");
      }
    });
  }
}
