package com.ncvault.storage;

import com.ncvault.contract.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The node's key for credentials kept in the database (a machine's FTP password): 256 random bits
 * in {@value #FILE} in the data directory, readable only by the account running the node, made at
 * the first start. AES-GCM with a fresh 96-bit nonce per value; the machine's name is bound in as
 * associated data, so a value copied to another machine's row does not decrypt. A database backup
 * alone reveals no password. Nodes of a cluster that send to the same machines share the file.
 */
final class NodeKey {
  static final String FILE = "machine-key";
  private static final String PREFIX = "v1:";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  private NodeKey(byte[] key) {
    this.key = new SecretKeySpec(key, "AES");
  }

  /** Reads the key, or makes it (owner-only) on the first start. Blocking. */
  static NodeKey load(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      byte[] fresh = new byte[32];
      new SecureRandom().nextBytes(fresh);
      OwnerOnly.createDirectories(dataDir);
      OwnerOnly.writeString(file, Base64.getEncoder().encodeToString(fresh) + "\n");
      return new NodeKey(fresh);
    }
    byte[] key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
    if (key.length != 32) {
      throw new IOException(file + " does not hold a 256-bit key");
    }
    return new NodeKey(key);
  }

  static NodeKey of(byte[] key) {
    return new NodeKey(key.clone());
  }

  String encrypt(String plain, String boundTo) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[nonce.length + sealed.length];
      System.arraycopy(nonce, 0, out, 0, nonce.length);
      System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
      return PREFIX + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every Java runtime", e);
    }
  }

  /** @throws IllegalArgumentException when the value was sealed under another key or for another name */
  String decrypt(String sealed, String boundTo) {
    if (sealed == null || !sealed.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a sealed value");
    }
    try {
      byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
      return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("the stored credential does not decrypt with this node's key ("
        + dataDirHint() + ")");
    }
  }

  private static String dataDirHint() {
    return "copy " + FILE + " from the node that stored it";
  }
}
