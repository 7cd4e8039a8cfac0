package com.ncvault.node;

import com.ncvault.contract.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/** The token signing key: from config, else kept in the data directory, generated on first start. */
final class Secrets {

  static final String KEY_FILE = "token-signing.key";

  private Secrets() {
  }

  /** Runs once before the event loops start serving, so blocking file I/O is fine here. */
  static String signingKey(String configured, Path dataDir) throws IOException {
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    Path file = dataDir.resolve(KEY_FILE);
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.US_ASCII).trim();
    }
    OwnerOnly.createDirectories(dataDir);
    byte[] key = new byte[48];
    new SecureRandom().nextBytes(key);
    String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    Path temp = dataDir.resolve(KEY_FILE + ".tmp");
    OwnerOnly.writeString(temp, encoded);
    Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return encoded;
  }
}
