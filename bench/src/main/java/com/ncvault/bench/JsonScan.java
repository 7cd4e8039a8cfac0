package com.ncvault.bench;

/**
 * Reads one string field out of a JSON text without parsing it. The load generator receives up to a
 * few hundred thousand messages a second on two cores; a full parse of each would make it measure
 * itself. Good for the messages of this protocol, where the first "type" key is the message type,
 * the first "filename" key is the file of a lock event (proto 2's delta and proto 3's EVENT alike) and
 * the first "event_type" key is what an EVENT reports.
 */
final class JsonScan {

  private JsonScan() {
  }

  /** The string value of the first {@code "key"} in {@code text}, or null. */
  static String stringField(String text, String key) {
    String quoted = '"' + key + '"';
    int at = text.indexOf(quoted);
    if (at < 0) {
      return null;
    }
    int i = skipSpaces(text, at + quoted.length());
    if (i >= text.length() || text.charAt(i) != ':') {
      return null;
    }
    i = skipSpaces(text, i + 1);
    if (i >= text.length() || text.charAt(i) != '"') {
      return null;
    }
    int end = text.indexOf('"', i + 1);
    return end < 0 ? null : text.substring(i + 1, end);
  }

  private static int skipSpaces(String text, int i) {
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }
}
