package com.ncvault.api;

import java.nio.charset.StandardCharsets;

/**
 * {@code Content-Disposition: attachment} for a file name (RFC 6266): a plain ASCII
 * {@code filename} for old clients and the exact name as {@code filename*} (RFC 5987, UTF-8).
 * Quotes, backslashes, control characters and path separators cannot break out of the header.
 */
final class ContentDisposition {

  private ContentDisposition() {
  }

  static String attachment(String filename) {
    String name = baseName(filename);
    StringBuilder ascii = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
    }
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encode(name);
  }

  private static String baseName(String filename) {
    String name = filename == null ? "" : filename;
    name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    return name.isBlank() ? "download" : name;
  }

  /** RFC 5987 value-chars: attr-char as is, every other UTF-8 byte as %XX. */
  private static String encode(String name) {
    StringBuilder out = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
          .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
