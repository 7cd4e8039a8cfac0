package com.ncvault.api;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.SocketHandoff;
import com.ncvault.contract.UpgradeHold;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageProducer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * /ws: authenticates the caller, checks Origin and parameters, upgrades, and hands the paused socket
 * to this node's sync-verticle, which owns it from then on. An upgrade request is served here before
 * the router (see {@link #isUpgrade}), so that a live socket keeps nothing of routing: no routing
 * context, no wrapper around the socket. Refusals are plain HTTP answers before any upgrade: 401,
 * 403, 400, as JSON errors like every route's. A request to /ws that is no upgrade goes through the
 * router, whose /ws route refuses it.
 */
final class WebSocketGate {

  static final String PATH = "/ws";
  private static final short CLOSE_INTERNAL_ERROR = 1011;

  /** The query parameters of an upgrade. */
  private record Params(int proto, long since) {
  }

  private final Vertx vertx;
  private final OriginPolicy origins;
  private final Authenticator authenticator;
  private final SecurityHeaders headers;
  /**
   * Sockets go to this node's sync-verticle without an answer: a write fails at once when no one
   * listens, and a request's reply (its own address, a timer and a trip back) cost about a tenth of
   * a connect's CPU.
   */
  private final MessageProducer<SocketHandoff> handoffs;

  WebSocketGate(Vertx vertx, OriginPolicy origins, Authenticator authenticator, SecurityHeaders headers) {
    this.vertx = vertx;
    this.origins = origins;
    this.authenticator = authenticator;
    this.headers = headers;
    this.handoffs = vertx.eventBus().sender(Addresses.SYNC_CONNECT,
      new DeliveryOptions().setCodecName(SocketHandoff.CODEC).setLocalOnly(true));
  }

  /** A WebSocket upgrade of /ws: {@link #upgrade} serves it, without the router. */
  static boolean isUpgrade(HttpServerRequest request) {
    return request.method() == HttpMethod.GET && PATH.equals(request.path())
      && "websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE));
  }

  /** The router's /ws route, reached by requests that are not an upgrade. */
  void notAnUpgrade(RoutingContext ctx) {
    ctx.fail(new PdmError(ErrorCode.BAD_REQUEST, "Expected a WebSocket upgrade"));
  }

  void upgrade(HttpServerRequest request) {
    long started = System.nanoTime();
    if (!request.isEnded()) {
      request.pause();
    }
    authenticator.authenticate(request, true)
      .onSuccess(user -> {
        Optional<PdmError> refusal = refusal(request, user);
        if (refusal.isPresent()) {
          refuse(request, refusal.get(), started, user);
          return;
        }
        Params params;
        try {
          params = params(request);
        } catch (PdmError invalid) {
          refuse(request, invalid, started, user);
          return;
        }
        // the answer waits for the socket's first frames, to go out in their write
        UpgradeHold.install(request);
        request.toWebSocket()
          .onSuccess(socket -> handOff(request, socket, new SocketHandoff(socket, user.username(), user.role(),
            params.since(), params.proto(), user.expiresAt().toEpochMilli()), started, user))
          .onFailure(t -> refuse(request, new PdmError(ErrorCode.BAD_REQUEST, "WebSocket handshake failed"), started,
            user));
      })
      .onFailure(t -> refuse(request, t instanceof PdmError error ? error : PdmError.from(t), started, null));
  }

  /** Why this user's upgrade is refused: the route's least role, the page's Origin, {@code ?user=}. */
  private Optional<PdmError> refusal(HttpServerRequest request, SessionUser user) {
    Optional<PdmError> access = Access.VIEWER.refusal(user, request.method(), request.getHeader(Access.CSRF_HEADER));
    if (access.isPresent()) {
      return access;
    }
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    // Browsers always send Origin; only token clients (no cookie) may leave it out.
    boolean originOk = origin == null
      ? !user.viaCookie()
      : origins.allows(origin, request.scheme(), request.getHeader(HttpHeaders.HOST));
    if (!originOk) {
      return Optional.of(new PdmError(ErrorCode.FORBIDDEN, "This origin may not open a live connection"));
    }
    String expectedUser = request.getParam("user");
    if (expectedUser != null && !expectedUser.isEmpty() && !expectedUser.equals(user.username())) {
      return Optional.of(new PdmError(ErrorCode.FORBIDDEN, "user does not match the logged-in user"));
    }
    return Optional.empty();
  }

  private static Params params(HttpServerRequest request) {
    return new Params(Input.queryInt(request, "proto", 1, 1, 3), Input.queryLong(request, "since", -1, -1));
  }

  private void refuse(HttpServerRequest request, PdmError error, long started, SessionUser user) {
    headers.apply(request.response().headers(), true);
    HttpErrors.send(vertx, request, error);
    AccessLog.log(request, error.code().status(), request.response().bytesWritten(), started, user);
  }

  private void handOff(HttpServerRequest request, ServerWebSocket socket, SocketHandoff handoff, long started,
                       SessionUser user) {
    socket.pause();
    AccessLog.log(request, 101, 0, started, user);
    // Vert.x keeps the upgrade request with the socket for the socket's whole life. Nothing reads
    // its headers or query from here on (the handoff carries what the session needs), and they hold
    // the caller's credential (cookie, Authorization or token parameter): they are let go.
    socket.headers().clear();
    request.params().clear();
    handoffs.write(handoff).onFailure(t -> {
      if (t instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
        socket.close(CLOSE_INTERNAL_ERROR, "Live updates are not available");
      }
    });
  }
}
