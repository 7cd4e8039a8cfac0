package com.ncvault.api;

import java.util.Locale;

/**
 * What a {@code Range} header asks of a representation of {@code size} bytes (RFC 9110 section
 * 14): the whole thing (no header, another unit, bad syntax or several ranges, which we may ignore),
 * one range (inclusive {@code first..last}), or nothing we can serve (416).
 */
record ByteRange(Kind kind, long first, long last) {

  enum Kind { WHOLE, PARTIAL, UNSATISFIABLE }

  static final ByteRange WHOLE = new ByteRange(Kind.WHOLE, 0, -1);
  static final ByteRange UNSATISFIABLE = new ByteRange(Kind.UNSATISFIABLE, 0, -1);

  long length() {
    return last - first + 1;
  }

  static ByteRange parse(String header, long size) {
    if (header == null) {
      return WHOLE;
    }
    String value = header.trim();
    if (!value.toLowerCase(Locale.ROOT).startsWith("bytes=")) {
      return WHOLE;
    }
    String spec = value.substring("bytes=".length()).trim();
    if (spec.isEmpty() || spec.contains(",")) {
      return WHOLE;
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return WHOLE;
    }
    String from = spec.substring(0, dash).trim();
    String to = spec.substring(dash + 1).trim();
    if (from.isEmpty()) {
      long suffix = digits(to);
      if (suffix < 0) {
        return WHOLE;
      }
      if (suffix == 0 || size == 0) {
        return UNSATISFIABLE;
      }
      return new ByteRange(Kind.PARTIAL, Math.max(0, size - suffix), size - 1);
    }
    long first = digits(from);
    long last = to.isEmpty() ? Long.MAX_VALUE : digits(to);
    if (first < 0 || last < 0 || last < first) {
      return WHOLE;
    }
    if (first >= size) {
      return UNSATISFIABLE;
    }
    return new ByteRange(Kind.PARTIAL, first, Math.min(last, size - 1));
  }

  /** A non-negative decimal number, or -1 when the text is not one (or overflows). */
  private static long digits(String text) {
    if (text.isEmpty() || text.length() > 18) {
      return -1;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(text);
  }
}
