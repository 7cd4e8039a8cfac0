package com.ncvault.storage;

import com.ncvault.contract.RevisionInfo;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.UserInfo;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.Map;
import java.util.function.Function;

/** Maps result rows to values; numbers are read through Number because JDBC and pg differ in width. */
final class Rows {

  static FileRow file(Row r) {
    return file(r::getValue);
  }

  /** A files row of a group commit's transaction (see {@link Tx}). */
  static FileRow file(Map<String, Object> r) {
    return r == null ? null : file(r::get);
  }

  private static FileRow file(Function<String, Object> column) {
    return new FileRow(
      (String) column.apply("filename"),
      (String) column.apply("grp"),
      (String) column.apply("description"),
      (String) column.apply("current_revision"),
      number(column.apply("size")),
      (String) column.apply("sha256"),
      number(column.apply("created_at")),
      number(column.apply("modified_at")),
      (Boolean) column.apply("deleted"),
      (String) column.apply("locked_by"),
      column.apply("locked_at") == null ? null : number(column.apply("locked_at")),
      (String) column.apply("lock_message"),
      (String) column.apply("lock_id"),
      column.apply("state") == null ? com.ncvault.contract.Lifecycle.DRAFT : (String) column.apply("state"),
      (String) column.apply("released_rev"));
  }

  static long number(Object v) {
    return v == null ? 0L : ((Number) v).longValue();
  }

  /** The single file row of a result, or null. */
  static FileRow firstFile(RowSet<Row> rows) {
    return rows.size() == 0 ? null : file(rows.iterator().next());
  }

  static RevisionInfo revision(Row r) {
    return new RevisionInfo(r.getString("revision"), r.getString("author"), FileRow.iso(num(r, "created_at")),
      r.getString("message"), num(r, "size"), r.getString("sha256"));
  }

  static StorageApi.StateChange stateChange(Row r) {
    return new StorageApi.StateChange(r.getString("filename"), r.getString("from_state"), r.getString("to_state"),
      r.getString("revision"), r.getString("sha256"), r.getString("username"), FileRow.iso(num(r, "created_at")),
      r.getString("comment"), Boolean.TRUE.equals(r.getBoolean("signed")));
  }

  static UserInfo user(Row r) {
    return new UserInfo(r.getString("username"), r.getString("role"), FileRow.iso(num(r, "created_at")),
      r.getString("account_id"));
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
