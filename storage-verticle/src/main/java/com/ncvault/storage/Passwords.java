package com.ncvault.storage;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/** bcrypt hashing (cost 10). Slow on purpose: callers run these on a worker thread. */
public final class Passwords {

  static final int COST = 10;
  /** bcrypt reads at most 72 bytes of a password. */
  static final int MAX_BYTES = com.ncvault.contract.StorageLimits.MAX_PASSWORD_BYTES;
  private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  public static String hash(String password) {
    return BCrypt.withDefaults().hashToString(COST, password.toCharArray());
  }

  public static boolean verify(String password, String hash) {
    if (password == null || hash == null || password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return false;
    }
    return BCrypt.verifyer().verify(password.toCharArray(), hash.toCharArray()).verified;
  }

  /** A random password for a first start: 20 characters without look-alike letters. */
  public static String random() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return out.toString();
  }

  private Passwords() {
  }
}
