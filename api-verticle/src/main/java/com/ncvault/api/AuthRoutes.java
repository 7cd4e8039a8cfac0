package com.ncvault.api;

import com.ncvault.auth.Session;
import com.ncvault.auth.Tokens;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.Credentials;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Login, logout and "who am I". Login and logout change whose session a browser holds, so they
 * take JSON only (a page of another site can send a form or text/plain without asking, but JSON
 * only after a CORS preflight this node never grants) and refuse an Origin other than the pages
 * that may open /ws ({@link OriginPolicy}): no site can log a visitor in as someone else, or out.
 */
final class AuthRoutes {

  private static final int MAX_USERNAME = 100;
  private static final int MAX_PASSWORD = 1000;

  private final StorageApi storage;
  private final Tokens tokens;
  private final PasswordChecks passwords;
  private final OriginPolicy origins;
  private final boolean secureCookie;
  private final long tokenTtlSeconds;

  AuthRoutes(StorageApi storage, Tokens tokens, PasswordChecks passwords, OriginPolicy origins, boolean secureCookie,
             long tokenTtlSeconds) {
    this.storage = storage;
    this.tokens = tokens;
    this.passwords = passwords;
    this.origins = origins;
    this.secureCookie = secureCookie;
    this.tokenTtlSeconds = tokenTtlSeconds;
  }

  void login(RoutingContext ctx) {
    requireJsonFromAllowedOrigin(ctx.request());
    JsonObject credentials = Input.jsonBody(ctx);
    String username = Input.requiredString(credentials, "username", MAX_USERNAME);
    String password = Input.requiredString(credentials, "password", MAX_PASSWORD);
    passwords.check(username, "Too many login attempts for this name",
        () -> storage.authenticate(new Credentials(username, password)))
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
    requireJsonFromAllowedOrigin(ctx.request());
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

  /**
   * Refuses a page of another origin (403 csrf) and any body but JSON (415). A request without
   * Origin comes from no browser (browsers send it with every POST) and is not a CSRF.
   */
  private void requireJsonFromAllowedOrigin(HttpServerRequest request) {
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin != null && !origins.allows(origin, request.scheme(), request.getHeader(HttpHeaders.HOST))) {
      throw new PdmError(ErrorCode.CSRF, "This origin may not log in or out here");
    }
    String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
    String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json")) {
      throw new PdmError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send this as application/json");
    }
  }
}
