package com.ncvault.api;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Keeps the last bytes of a raw multipart body to tell a complete body (ending with the closing
 * delimiter {@code --boundary--}) from a truncated one. The multipart decoder does not report a
 * body that stops in the middle of a file part; without this check such an upload would wait for
 * a file end that never comes. A trailing epilogue longer than {@link #TAIL_BYTES} counts as
 * incomplete (clients do not send one).
 */
final class MultipartTail {

  static final int TAIL_BYTES = 1024;

  private final byte[] closingDelimiter;
  private byte[] tail = new byte[0];

  MultipartTail(String boundary) {
    this.closingDelimiter = ("--" + boundary + "--").getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The boundary parameter of a multipart Content-Type, or null when there is none. */
  static String boundaryOf(String contentType) {
    if (contentType == null) {
      return null;
    }
    for (String parameter : contentType.split(";")) {
      String[] pair = parameter.trim().split("=", 2);
      if (pair.length == 2 && pair[0].trim().toLowerCase(Locale.ROOT).equals("boundary")) {
        String value = pair[1].trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        return value.isEmpty() || value.length() > 70 ? null : value;
      }
    }
    return null;
  }

  void feed(Buffer chunk) {
    int length = chunk.length();
    if (length >= TAIL_BYTES) {
      tail = chunk.getBytes(length - TAIL_BYTES, length);
    } else {
      int keep = Math.min(tail.length, TAIL_BYTES - length);
      byte[] next = Arrays.copyOfRange(tail, tail.length - keep, tail.length + length);
      chunk.getBytes(0, length, next, keep);
      tail = next;
    }
  }

  boolean complete() {
    outer:
    for (int i = 0; i <= tail.length - closingDelimiter.length; i++) {
      for (int j = 0; j < closingDelimiter.length; j++) {
        if (tail[i + j] != closingDelimiter[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
