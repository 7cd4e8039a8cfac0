package com.ncvault.auth;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Instant;

/**
 * Login tokens: HS256 JWTs signed with the node's secret, {@code sub} = username, {@code aid} = the
 * account's immutable id, {@code role} at issue time (informational: every request re-reads the
 * current role), {@code exp} = issue time + lifetime. A token without {@code aid} is refused. Tokens with another algorithm (including "none"), a bad signature, no expiry or a past
 * expiry are refused. A live token ({@code scope} = {@value #LIVE_SCOPE}) only opens /ws: the page
 * uses one to reach another node of the cluster when its own is down, and it expires with the
 * session it was made from.
 */
public final class Tokens {

  public static final String ALGORITHM = "HS256";
  public static final String ISSUER = "ncvault";
  public static final String LIVE_SCOPE = "live";

  /** A freshly signed token and when it stops being accepted. */
  public record Issued(String token, long sessionStartMs, Instant expiresAt) {
  }

  /**
   * What a token we accept says: whose it is, when its session began (epoch ms), until when, and
   * whether it only opens /ws.
   */
  public record Verified(String username, String accountId, long sessionStartMs, Instant expiresAt, boolean liveOnly) {
  }

  /** Claim with the login's time in milliseconds ({@code iat} has whole seconds only). */
  public static final String SESSION_START = "sst";

  /** Claim with the account's immutable id: a token of a deleted account never fits a new one of the same name. */
  public static final String ACCOUNT_ID = "aid";

  private final JWTAuth jwt;
  private final long ttlSeconds;

  public Tokens(Vertx vertx, String secret, long ttlSeconds) {
    this.ttlSeconds = ttlSeconds;
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(secret))
      .setJWTOptions(new JWTOptions().setIssuer(ISSUER)));
  }

  public Issued issue(String username, String accountId, String role) {
    long nowMs = System.currentTimeMillis();
    long now = nowMs / 1000;
    return sign(new JsonObject().put("sub", username).put(ACCOUNT_ID, accountId).put("role", role)
      .put(SESSION_START, nowMs), now, now + ttlSeconds);
  }

  /** A token that only opens /ws, for {@code session}'s user, expiring when the session does (to the second). */
  public Issued issueLive(Session session) {
    long now = System.currentTimeMillis() / 1000;
    long sessionEnd = session.expiresAt().getEpochSecond();
    if (sessionEnd <= now) {
      throw invalid();
    }
    return sign(new JsonObject().put("sub", session.username()).put(ACCOUNT_ID, session.accountId())
      .put("role", session.role()).put("scope", LIVE_SCOPE)
      .put(SESSION_START, session.sessionStartMs()), now, sessionEnd);
  }

  /** {@code iat} and {@code exp} are set here, not by the library, so that the reply tells the token's own expiry. */
  private Issued sign(JsonObject claims, long issuedAt, long expiresAt) {
    String token = jwt.generateToken(claims.put("iat", issuedAt).put("exp", expiresAt),
      new JWTOptions().setAlgorithm(ALGORITHM).setIssuer(ISSUER));
    return new Issued(token, claims.getLong(SESSION_START), Instant.ofEpochSecond(expiresAt));
  }

  /**
   * Whose the token is and until when; fails with 401 for any token we would not accept. A token
   * verified before is not verified again (the same bytes carry the same valid signature), only its
   * expiry: every request of a session presents the same token, and checking its signature each time
   * cost more than the request. Used from one event loop (each api instance, and the bridge, has its own Tokens).
   */
  public Future<Verified> verify(String token) {
    Verified known = verified.get(token);
    if (known != null) {
      if (known.expiresAt().isAfter(Instant.now())) {
        return Future.succeededFuture(known);
      }
      verified.remove(token);
      return Future.failedFuture(invalid());
    }
    return check(token).onSuccess(v -> {
      if (verified.size() >= MAX_REMEMBERED) {
        verified.clear();
      }
      verified.put(token, v);
    });
  }

  /** Tokens verified by this instance, bounded (cleared when full). */
  private static final int MAX_REMEMBERED = 10_000;
  private final java.util.Map<String, Verified> verified = new java.util.HashMap<>();

  private Future<Verified> check(String token) {
    Future<User> checked;
    try {
      checked = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException malformedClaims) {
      // vertx-auth-jwt throws instead of failing for some claims, e.g. "exp": null (an NPE)
      checked = Future.failedFuture(malformedClaims);
    }
    return checked
      .recover(t -> Future.failedFuture(invalid()))
      .compose(user -> {
        JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
        Object sub = claims.getValue("sub");
        Object aid = claims.getValue(ACCOUNT_ID);
        if (!(claims.getValue("exp") instanceof Number exp) || !(sub instanceof String name) || name.isEmpty()
          || !(aid instanceof String accountId) || accountId.isEmpty()) {
          return Future.failedFuture(invalid());
        }
        Object scope = claims.getValue("scope");
        if (scope != null && !LIVE_SCOPE.equals(scope)) {
          return Future.failedFuture(invalid());
        }
        // a token without the claim counts from its iat (or from the start of time)
        long sessionStart = claims.getValue(SESSION_START) instanceof Number ms ? ms.longValue()
          : claims.getValue("iat") instanceof Number iat ? iat.longValue() * 1000 : 0L;
        return Future.succeededFuture(new Verified(name, accountId, sessionStart, Instant.ofEpochSecond(exp.longValue()),
          scope != null));
      });
  }

  static PdmError invalid() {
    return new PdmError(ErrorCode.UNAUTHENTICATED, "Session expired or invalid - please log in again");
  }
}
