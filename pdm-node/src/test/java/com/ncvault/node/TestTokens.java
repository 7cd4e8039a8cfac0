package com.ncvault.node;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Login tokens made by hand, the way the node makes them (HS256 JWT, issuer "ncvault") or the
 * way an attacker would (wrong key, changed claims, "alg": "none", no or past expiry).
 */
final class TestTokens {

  /** A signing key for test nodes whose tokens a test needs to make or break. */
  static final String SECRET = "test-signing-key-" + UUID.randomUUID();

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private TestTokens() {
  }

  /**
   * The claims of a token for {@code username} whose account has the id {@code accountId} (the node's
   * answer to its creation, or the {@code aid} of a token of that account), expiring {@code secondsLeft} from now.
   */
  static JsonObject claims(String username, String accountId, String role, long secondsLeft) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("sub", username).put("aid", accountId).put("role", role).put("iss", "ncvault")
      .put("iat", now).put("exp", now + secondsLeft);
  }

  /** The account id a token of the node carries. */
  static String accountIdOf(String token) {
    return claimsOf(token).getString("aid");
  }

  /** A token the node accepts when it signs with {@code secret}: header, claims, HS256 signature. */
  static String sign(String secret, JsonObject header, JsonObject claims) {
    String signed = encode(header) + "." + encode(claims);
    return signed + "." + B64.encodeToString(hmac(secret, signed));
  }

  static String sign(String secret, JsonObject claims) {
    return sign(secret, new JsonObject().put("alg", "HS256").put("typ", "JWT"), claims);
  }

  /** An unsigned token: {"alg":"none"} and an empty signature. */
  static String unsigned(JsonObject claims) {
    return encode(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + encode(claims) + ".";
  }

  /** The token with its claims replaced and its signature kept. */
  static String withClaims(String token, JsonObject claims) {
    String[] parts = token.split("\\.");
    return parts[0] + "." + encode(claims) + "." + parts[2];
  }

  /** The claims a token carries (decoded, not verified). */
  static JsonObject claimsOf(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  private static String encode(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(String secret, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
