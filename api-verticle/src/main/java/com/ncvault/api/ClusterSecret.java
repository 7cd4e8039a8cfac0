package com.ncvault.api;

import com.ncvault.contract.ClusterHttp;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The secret the nodes of a cluster share, which another node presents on internal requests.
 * Both sides are hashed before comparing, so the comparison takes the same time whatever was
 * presented (MessageDigest.isEqual over equal-length digests); the secret itself is never logged.
 */
final class ClusterSecret {

  private final byte[] expected;

  private ClusterSecret(byte[] expected) {
    this.expected = expected;
  }

  /** The configured secret; empty means node-to-node requests are refused altogether. */
  static ClusterSecret of(String secret) {
    return new ClusterSecret(secret == null || secret.isEmpty() ? null : digest(secret));
  }

  boolean configured() {
    return expected != null;
  }

  /** Why a request presenting {@code presented} is refused, or empty when it may pass. */
  Optional<PdmError> refusal(String presented) {
    if (expected == null) {
      return Optional.of(new PdmError(ErrorCode.FORBIDDEN,
        "Node-to-node requests are off: this node has no cluster secret"));
    }
    if (presented == null || presented.isEmpty()) {
      return Optional.of(new PdmError(ErrorCode.UNAUTHENTICATED, "The header " + ClusterHttp.SECRET_HEADER
        + " is required"));
    }
    if (!MessageDigest.isEqual(digest(presented), expected)) {
      return Optional.of(new PdmError(ErrorCode.FORBIDDEN, "Wrong cluster secret"));
    }
    return Optional.empty();
  }

  private static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }
}
