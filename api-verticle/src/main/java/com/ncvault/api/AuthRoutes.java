package com.ncvault.api;

import com.ncvault.auth.Session;
import com.ncvault.auth.Tokens;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.Credentials;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** Login (JSON or form), logout and "who am I". */
final class AuthRoutes {

  private static final int MAX_USERNAME = 100;
  private static final int MAX_PASSWORD = 1000;

  private final StorageApi storage;
  private final Tokens tokens;
  private final LoginThrottle throttle;
  private final boolean secureCookie;
  private final long tokenTtlSeconds;

  AuthRoutes(StorageApi storage, Tokens tokens, LoginThrottle throttle, boolean secureCookie, long tokenTtlSeconds) {
    this.storage = storage;
    this.tokens = tokens;
    this.throttle = throttle;
    this.secureCookie = secureCookie;
    this.tokenTtlSeconds = tokenTtlSeconds;
  }

  void login(RoutingContext ctx) {
    JsonObject credentials = credentials(ctx);
    String username = Input.requiredString(credentials, "username", MAX_USERNAME);
    String password = Input.requiredString(credentials, "password", MAX_PASSWORD);
    throttle.retryAfter(username)
      .compose(wait -> {
        if (!wait.isZero()) {
          long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
          return Future.failedFuture(new PdmError(ErrorCode.TOO_MANY_REQUESTS,
            "Too many failed logins - try again in " + seconds + " s", new JsonObject().put("retryAfterSeconds", seconds)));
        }
        return storage.authenticate(new Credentials(username, password))
          .recover(t -> {
            PdmError error = PdmError.from(t);
            if (error.code() != ErrorCode.UNAUTHENTICATED) {
              return Future.failedFuture(error);
            }
            // counted before the answer, so the next attempt, at any node, sees it
            return throttle.recordFailure(username).transform(recorded -> Future.failedFuture(error));
          })
          .compose(user -> throttle.recordSuccess(username).transform(cleared -> Future.succeededFuture(user)));
      })
      .onSuccess(user -> {
        String name = user.username();
        String role = user.role();
        Tokens.Issued issued = tokens.issue(name, user.id(), role);
        ctx.put(SessionUser.CONTEXT_KEY, new SessionUser(new Session(name, user.id(), role, issued.sessionStartMs(),
          issued.expiresAt(), false), SessionUser.Source.BEARER));
        ctx.response().addCookie(sessionCookie(issued.token(), tokenTtlSeconds));
        Replies.json(ctx, new JsonObject()
          .put("username", name)
          .put("role", role)
          .put("token", issued.token())
          .put("expiresAt", issued.expiresAt().toString()));
      })
      .onFailure(ctx::fail);
  }

  void logout(RoutingContext ctx) {
    ctx.response().addCookie(sessionCookie("", 0));
    Replies.noContent(ctx);
  }

  /**
   * A token that only opens /ws, for the page to keep in memory: when its own node is down it
   * reaches another node of the cluster with {@code ?token=} (the session cookie is HttpOnly and
   * belongs to this origin). It expires with the caller's session.
   */
  void liveToken(RoutingContext ctx) {
    Tokens.Issued issued = tokens.issueLive(ApiRouter.user(ctx).session());
    Replies.json(ctx, new JsonObject().put("token", issued.token()).put("expiresAt", issued.expiresAt().toString()));
  }

  void me(RoutingContext ctx) {
    SessionUser user = ApiRouter.user(ctx);
    Replies.json(ctx, new JsonObject().put("username", user.username()).put("role", user.role()));
  }

  private Cookie sessionCookie(String value, long maxAgeSeconds) {
    return Cookie.cookie(Authenticator.COOKIE, value)
      .setPath("/")
      .setHttpOnly(true)
      .setSameSite(CookieSameSite.STRICT)
      .setSecure(secureCookie)
      .setMaxAge(maxAgeSeconds);
  }

  /** Username and password from a JSON body or an HTML form. */
  private static JsonObject credentials(RoutingContext ctx) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
      MultiMap form = ctx.request().formAttributes();
      JsonObject fields = new JsonObject();
      putIfPresent(fields, "username", form.get("username"));
      putIfPresent(fields, "password", form.get("password"));
      return fields;
    }
    return Input.jsonBody(ctx);
  }

  private static void putIfPresent(JsonObject fields, String name, String value) {
    if (value != null) {
      fields.put(name, value);
    }
  }
}
