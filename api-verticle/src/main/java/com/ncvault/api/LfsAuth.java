package com.ncvault.api;

import com.ncvault.auth.Session;
import com.ncvault.auth.Tokens;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.Credentials;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who a Git LFS request comes from: {@code Authorization: Basic} with the vault's user name and
 * password (what git's credential helpers send), or {@code Authorization: Bearer} with a vault token
 * (for {@code http.extraHeader}, and the token the batch API hands out for its transfers). The
 * session cookie is never accepted here.
 *
 * <p>A Basic password is checked like a login ({@link PasswordChecks}): the node's login gate and the
 * login throttle of the name apply first, then storage checks the password. Git sends the password
 * with every request, so a checked pair is remembered (as a salted SHA-256 of name and password, never the password) together with a session
 * token issued for it; the next request with the same pair is verified through that token, which
 * reads the account's current role and ends with a new password or a deleted account like any
 * session. The memory is per api instance, bounded and short-lived.
 */
final class LfsAuth {

  /** The realm git shows when it asks for a password. */
  static final String CHALLENGE = "Basic realm=\"NC Vault\", charset=\"UTF-8\"";
  /** Where {@link #authenticate} leaves the caller's token (for the batch API's transfer actions). */
  static final String TOKEN_KEY = "pdm.lfs.token";

  private static final int MAX_USERNAME = 100;
  private static final int MAX_PASSWORD = 1000;
  private static final int REMEMBERED = 1000;
  private static final long REMEMBER_MS = 5 * 60 * 1000;

  private record Remembered(String token, long until) {
  }

  private final Authenticator authenticator;
  private final StorageApi storage;
  private final PasswordChecks passwords;
  private final Tokens tokens;
  private final Clock clock;
  private final byte[] salt = new byte[32];
  private final Map<String, Remembered> checked = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
      return size() > REMEMBERED;
    }
  };

  LfsAuth(Authenticator authenticator, StorageApi storage, PasswordChecks passwords, Tokens tokens, Clock clock) {
    this.authenticator = authenticator;
    this.storage = storage;
    this.passwords = passwords;
    this.tokens = tokens;
    this.clock = clock;
    new SecureRandom().nextBytes(salt);
  }

  /** The caller of the request in {@code ctx}; 401 (with a Basic challenge, see HttpErrors) without one. */
  Future<SessionUser> authenticate(RoutingContext ctx) {
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = authorization.substring(7).trim();
      return authenticator.bearer(token).onSuccess(user -> ctx.put(TOKEN_KEY, token));
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Future.failedFuture(new PdmError(ErrorCode.UNAUTHENTICATED,
        "Log in with your vault user name and password (HTTP Basic) or a vault token (Bearer)"));
    }
    String[] pair = decode(authorization.substring(6).trim());
    if (pair == null) {
      return Future.failedFuture(new PdmError(ErrorCode.UNAUTHENTICATED, "Malformed Basic credentials"));
    }
    String username = pair[0];
    String password = pair[1];
    String key = key(username, password);
    Remembered remembered = checked.get(key);
    if (remembered != null && remembered.until() > clock.millis()) {
      return authenticator.bearer(remembered.token())
        .onSuccess(user -> ctx.put(TOKEN_KEY, remembered.token()))
        .recover(expired -> {
          checked.remove(key);
          return check(ctx, key, username, password);
        });
    }
    return check(ctx, key, username, password);
  }

  /** The password checked like a login (throttled), then remembered with a token for the session. */
  private Future<SessionUser> check(RoutingContext ctx, String key, String username, String password) {
    return passwords.check(username, "Too many login attempts for this name",
        () -> storage.authenticate(new Credentials(username, password)))
      .map(user -> {
        Tokens.Issued issued = tokens.issue(user.username(), user.id(), user.role());
        checked.put(key, new Remembered(issued.token(), Math.min(clock.millis() + REMEMBER_MS,
          issued.expiresAt().toEpochMilli())));
        ctx.put(TOKEN_KEY, issued.token());
        return new SessionUser(new Session(user.username(), user.id(), user.role(), issued.sessionStartMs(),
          issued.expiresAt(), false), SessionUser.Source.BEARER);
      });
  }

  /** user name and password of a Basic credential, or null when it is not one. */
  static String[] decode(String encoded) {
    String text;
    try {
      text = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = text.indexOf(':');
    if (colon <= 0 || colon > MAX_USERNAME || text.length() - colon - 1 > MAX_PASSWORD) {
      return null;
    }
    return new String[] {text.substring(0, colon), text.substring(colon + 1)};
  }

  private String key(String username, String password) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(salt);
      digest.update(username.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(password.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
