package com.ncvault.api;

import com.ncvault.auth.SessionVerifier;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Finds the caller of a request: a token from {@code Authorization: Bearer}, the session cookie or
 * (for /ws only) {@code ?token=}; checks it with the node's one {@link SessionVerifier} (the bridge
 * uses the same), which reads the user's current role and refuses a token of another account of
 * that name (one deleted since) or of a session ended since (a new password); a live token is good
 * for /ws only. The role is read per request (through a cache of a few seconds) rather than trusted
 * from the token, so that a demoted or deleted user loses rights within seconds, not at token expiry.
 */
final class Authenticator {

  static final String COOKIE = "pdm_session";

  private final SessionVerifier verifier;

  Authenticator(SessionVerifier verifier) {
    this.verifier = verifier;
  }

  /** {@code upgrade}: the /ws route, which also takes {@code ?token=} and live tokens. */
  Future<SessionUser> authenticate(HttpServerRequest request, boolean upgrade) {
    String token;
    SessionUser.Source source;
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    Cookie cookie = request.getCookie(COOKIE);
    String queryToken = upgrade ? request.getParam("token") : null;
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = authorization.substring(7).trim();
      source = SessionUser.Source.BEARER;
    } else if (queryToken != null && !queryToken.isEmpty()) {
      token = queryToken;
      source = SessionUser.Source.QUERY;
    } else if (cookie != null && !cookie.getValue().isEmpty()) {
      token = cookie.getValue();
      source = SessionUser.Source.COOKIE;
    } else {
      return Future.failedFuture(new PdmError(ErrorCode.UNAUTHENTICATED, "Login required"));
    }
    return verifier.verify(token).compose(session -> {
      if (session.liveOnly() && !upgrade) {
        return Future.failedFuture(new PdmError(ErrorCode.UNAUTHENTICATED, "This token only opens live connections"));
      }
      return Future.succeededFuture(new SessionUser(session, source));
    });
  }

  /** The caller a bearer token names (for Git LFS clients, see {@link LfsAuth}). */
  Future<SessionUser> bearer(String token) {
    return verifier.verify(token).compose(session -> session.liveOnly()
      ? Future.failedFuture(new PdmError(ErrorCode.UNAUTHENTICATED, "This token only opens live connections"))
      : Future.succeededFuture(new SessionUser(session, SessionUser.Source.BEARER)));
  }

  /** Called after an admin changed or deleted a user, so the change applies on this node at once. */
  void forget(String username) {
    verifier.forget(username);
  }
}
