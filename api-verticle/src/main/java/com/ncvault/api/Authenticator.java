package com.ncvault.api;

import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.Account;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Finds the caller of a request: a token from {@code Authorization: Bearer}, the session cookie or
 * (for /ws only) {@code ?token=}; checks it (a live token is good for /ws only); then reads the
 * user's current role, refusing a token of another account of that name (one deleted since) or of
 * a session ended since (a new password). The role is read
 * per request (through a cache of a few seconds) rather than trusted from the token, so that a
 * demoted or deleted user loses rights within seconds, not at token expiry.
 */
final class Authenticator {

  static final String COOKIE = "pdm_session";

  private final Tokens tokens;
  private final StorageApi storage;
  private final UserCache cache;

  Authenticator(Tokens tokens, StorageApi storage, UserCache cache) {
    this.tokens = tokens;
    this.storage = storage;
    this.cache = cache;
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
    return tokens.verify(token).compose(verified -> {
      if (verified.liveOnly() && !upgrade) {
        return Future.failedFuture(new PdmError(ErrorCode.UNAUTHENTICATED, "This token only opens live connections"));
      }
      return currentUser(verified.username()).compose(account -> {
        if (!account.id().equals(verified.accountId())) {
          // the token's account was deleted; this is another account of the same name
          return Future.failedFuture(new PdmError(ErrorCode.UNAUTHENTICATED, "This account no longer exists"));
        }
        if (verified.sessionStartMs() < account.sessionsSince()) {
          return Future.failedFuture(new PdmError(ErrorCode.UNAUTHENTICATED,
            "The password of this account was changed - please log in again"));
        }
        return Future.succeededFuture(new SessionUser(account.username(), account.id(), account.role(), source,
          verified.sessionStartMs(), verified.expiresAt()));
      });
    });
  }

  /** The user as storage knows it now; 401 when the account no longer exists. */
  Future<Account> currentUser(String username) {
    return cache.get(username)
      .map(Future::succeededFuture)
      .orElseGet(() -> storage.account(username)
        .onSuccess(cache::put)
        .recover(t -> {
          PdmError error = PdmError.from(t);
          if (error.code() == ErrorCode.NOT_FOUND) {
            return Future.failedFuture(new PdmError(ErrorCode.UNAUTHENTICATED, "This account no longer exists"));
          }
          return Future.failedFuture(error);
        }));
  }

  /** Called after an admin changed or deleted a user, so the change applies on this node at once. */
  void forget(String username) {
    cache.forget(username);
  }
}
