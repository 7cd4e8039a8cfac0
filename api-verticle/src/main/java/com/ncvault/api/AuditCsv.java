package com.ncvault.api;

import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageApi.AuditEntry;
import com.ncvault.contract.StorageApi.AuditTrail;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The audit trail as CSV (RFC 4180: every cell quoted, quotes doubled, CRLF line ends). A cell that
 * a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a carriage return) gets a
 * leading apostrophe, so user text (a comment, a file name) can never become one.
 */
final class AuditCsv {

  static final List<String> HEADER = List.of("time", "type", "filename", "revision", "sha256", "user", "from",
    "to", "signed", "comment", "machine", "end", "bytes", "result");
  static final String CONTENT_TYPE = "text/csv; charset=utf-8";

  private AuditCsv() {
  }

  static String write(AuditTrail trail) {
    StringBuilder out = new StringBuilder(128 * (trail.entries().size() + 1));
    row(out, HEADER);
    for (AuditEntry e : trail.entries()) {
      row(out, java.util.Arrays.asList(e.at(), e.type(), e.filename(), e.revision(), e.sha256(), e.user(), e.from(),
        e.to(), e.signed() ? "yes" : "no", e.comment(), e.machine(), e.end(),
        e.bytes() == null ? null : Long.toString(e.bytes()), e.result()));
    }
    return out.toString();
  }

  private static void row(StringBuilder out, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(cell(cells.get(i)));
    }
    out.append("\r\n");
  }

  /** One quoted cell; text a spreadsheet would take for a formula is prefixed with an apostrophe. */
  static String cell(String value) {
    String text = value == null ? "" : value;
    if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
      text = "'" + text;
    }
    return '"' + text.replace("\"", "\"\"") + '"';
  }

  /**
   * A bound of the range: a day (2026-12-01; as {@code to} the whole day is included) or an instant
   * (2026-12-01T08:00:00Z); absent: {@code absent}. 400 naming the parameter otherwise.
   */
  static long bound(String text, String name, boolean end, long absent) {
    if (text == null || text.isBlank()) {
      return absent;
    }
    try {
      if (text.length() == 10) {
        LocalDate day = LocalDate.parse(text);
        return (end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      }
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      PdmError error = Input.invalid(name, "must be a day (2026-12-01) or a UTC time (2026-12-01T08:00:00Z)");
      throw error;
    }
  }
}
