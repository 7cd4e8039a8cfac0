package com.ncvault.bridge;

import com.ncvault.auth.Session;
import com.ncvault.auth.SessionVerifier;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;

/**
 * Decides on each frame a bridge client sends. Every SEND and REGISTER must carry a valid login
 * token in {@code headers.token}, checked by the node's one {@link SessionVerifier} (the same as
 * REST and /ws: signature, issuer, expiry, scope, the account's id and the end of its sessions); a
 * live token, which opens /ws only, is refused. The token is removed and replaced by the verified
 * user and role, so a client cannot name a user it has not logged in as. PUBLISH from a client is
 * never allowed.
 */
final class BridgeGuard {

  static final String HEADER_USER = "pdm-user";
  static final String HEADER_ROLE = "pdm-role";

  /** A frame to forward (null = unchanged) and the session it was sent in (null = none needed). */
  record Verdict(JsonObject frame, Session session) {
  }

  private final SessionVerifier verifier;

  BridgeGuard(SessionVerifier verifier) {
    this.verifier = verifier;
  }

  /** Succeeds with what to forward, or fails when the frame is refused. */
  Future<Verdict> check(BridgeEventType type, JsonObject frame) {
    switch (type) {
      case SOCKET_CREATED, SOCKET_CLOSED, SOCKET_IDLE, SOCKET_PING, UNREGISTER, RECEIVE:
        return Future.succeededFuture(new Verdict(null, null));
      case PUBLISH:
        return Future.failedFuture("publishing from a bridge client is not allowed");
      case SEND, REGISTER:
        return authenticate(frame);
      default:
        return Future.failedFuture("unknown frame");
    }
  }

  private Future<Verdict> authenticate(JsonObject frame) {
    JsonObject headers = frame == null || !(frame.getValue("headers") instanceof JsonObject h) ? null : h;
    String token = headers == null || !(headers.getValue("token") instanceof String t) ? null : t;
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new PdmError(ErrorCode.UNAUTHENTICATED, "a token is required"));
    }
    return verifier.verify(token).compose(session -> {
      if (session.liveOnly()) {
        return Future.failedFuture(new PdmError(ErrorCode.UNAUTHENTICATED, "This token only opens live connections"));
      }
      JsonObject newHeaders = headers.copy();
      newHeaders.remove("token");
      newHeaders.put(HEADER_USER, session.username());
      newHeaders.put(HEADER_ROLE, session.role());
      return Future.succeededFuture(new Verdict(frame.copy().put("headers", newHeaders), session));
    });
  }
}
