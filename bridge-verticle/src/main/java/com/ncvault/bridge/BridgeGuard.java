package com.ncvault.bridge;

import com.ncvault.contract.Roles;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.bridge.BridgeEventType;


/**
 * Decides on each frame a bridge client sends. Every SEND and REGISTER must carry a valid login
 * token in {@code headers.token}; the token is removed and replaced by the verified user, so a
 * client cannot name a user it has not logged in as. PUBLISH from a client is never allowed.
 */
final class BridgeGuard {

  static final String HEADER_USER = "pdm-user";
  static final String HEADER_ROLE = "pdm-role";

  private final JWTAuth tokens;

  BridgeGuard(JWTAuth tokens) {
    this.tokens = tokens;
  }

  /**
   * Succeeds with the frame to forward (null = unchanged) or fails when the frame is refused.
   */
  Future<JsonObject> check(BridgeEventType type, JsonObject frame) {
    switch (type) {
      case SOCKET_CREATED, SOCKET_CLOSED, SOCKET_IDLE, SOCKET_PING, UNREGISTER, RECEIVE:
        return Future.succeededFuture(null);
      case PUBLISH:
        return Future.failedFuture("publishing from a bridge client is not allowed");
      case SEND, REGISTER:
        return authenticate(frame);
      default:
        return Future.failedFuture("unknown frame");
    }
  }

  private Future<JsonObject> authenticate(JsonObject frame) {
    JsonObject headers = frame == null ? null : frame.getJsonObject("headers");
    String token = headers == null ? null : headers.getString("token");
    if (token == null || token.isBlank()) {
      return Future.failedFuture("a token is required");
    }
    return tokens.authenticate(new TokenCredentials(token)).map(user -> {
      String role = user.principal().getString("role");
      if (!Roles.ALL.contains(role)) {
        throw new IllegalStateException("token without a role");
      }
      JsonObject rewritten = frame.copy();
      JsonObject newHeaders = headers.copy();
      newHeaders.remove("token");
      newHeaders.put(HEADER_USER, user.principal().getString("sub"));
      newHeaders.put(HEADER_ROLE, role);
      return rewritten.put("headers", newHeaders);
    });
  }
}
