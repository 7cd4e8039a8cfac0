package com.ncvault.storage;

import com.ncvault.contract.RevisionInfo;
import com.ncvault.contract.UserInfo;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

/** Maps result rows to values; numbers are read through Number because JDBC and pg differ in width. */
final class Rows {

  static FileRow file(Row r) {
    return new FileRow(
      r.getString("filename"),
      r.getString("grp"),
      r.getString("description"),
      r.getString("current_revision"),
      num(r, "size"),
      r.getString("sha256"),
      num(r, "created_at"),
      num(r, "modified_at"),
      r.getBoolean("deleted"),
      r.getString("locked_by"),
      r.getValue("locked_at") == null ? null : num(r, "locked_at"),
      r.getString("lock_message"));
  }

  /** The single file row of a result, or null. */
  static FileRow firstFile(RowSet<Row> rows) {
    return rows.size() == 0 ? null : file(rows.iterator().next());
  }

  static RevisionInfo revision(Row r) {
    return new RevisionInfo(r.getString("revision"), r.getString("author"), FileRow.iso(num(r, "created_at")),
      r.getString("message"), num(r, "size"), r.getString("sha256"));
  }

  static UserInfo user(Row r) {
    return new UserInfo(r.getString("username"), r.getString("role"), FileRow.iso(num(r, "created_at")));
  }

  static long num(Row r, String column) {
    Object v = r.getValue(column);
    return v == null ? 0L : ((Number) v).longValue();
  }

  /** The number in the first column of the first row (COUNT, MAX, a counter). */
  static long single(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return 0L;
    }
    Object v = rows.iterator().next().getValue(0);
    return v == null ? 0L : ((Number) v).longValue();
  }

  private Rows() {
  }
}
