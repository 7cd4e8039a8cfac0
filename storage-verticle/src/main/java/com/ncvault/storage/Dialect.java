package com.ncvault.storage;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * Everything that differs between H2 and PostgreSQL. The rest of the storage code runs the same
 * SQL templates on both.
 */
public enum Dialect {

  H2 {
    @Override
    public String returning(String update) {
      // H2 has no RETURNING; a data change delta table gives the updated rows in one statement.
      return "SELECT * FROM FINAL TABLE (" + update + ")";
    }

    @Override
    public String migrationLock() {
      return null;
    }

    @Override
    public String randomUuid() {
      return "RANDOM_UUID()";
    }

    @Override
    public String upsertNode() {
      return "MERGE INTO nodes (name, base_url, last_seen) KEY (name) VALUES (#{name}, #{url}, #{now})";
    }

    @Override
    public String insertLocation() {
      return "MERGE INTO blob_locations (sha256, node, stored_at) KEY (sha256, node) "
        + "VALUES (#{sha256}, #{node}, #{now})";
    }
  },

  POSTGRES {
    @Override
    public String returning(String update) {
      return update + " RETURNING *";
    }

    @Override
    public String migrationLock() {
      // Nodes of a cluster may start together; one migrates, the others wait and find it done.
      return "SELECT pg_advisory_xact_lock(7315001)";
    }

    @Override
    public String randomUuid() {
      return "gen_random_uuid()";
    }

    @Override
    public String upsertNode() {
      return "INSERT INTO nodes (name, base_url, last_seen) VALUES (#{name}, #{url}, #{now}) "
        + "ON CONFLICT (name) DO UPDATE SET base_url = EXCLUDED.base_url, last_seen = EXCLUDED.last_seen";
    }

    @Override
    public String insertLocation() {
      return "INSERT INTO blob_locations (sha256, node, stored_at) VALUES (#{sha256}, #{node}, #{now}) "
        + "ON CONFLICT (sha256, node) DO NOTHING";
    }
  };

  /** An UPDATE statement turned into one that also returns the rows it changed (all columns). */
  public abstract String returning(String update);

  /** A statement that serialises schema migrations between nodes, or null when not needed. */
  public abstract String migrationLock();

  /** A random UUID, evaluated per row (written {@code ${random_uuid}} in a migration script). */
  public abstract String randomUuid();

  /** Records a node's name and internal URL as seen now (#{name}, #{url}, #{now}); insert or update. */
  public abstract String upsertNode();

  /** Records that #{node} holds the blob #{sha256} (#{now}); nothing happens when it is known already. */
  public abstract String insertLocation();

  /**
   * The H2 URL: file mode; WRITE_DELAY=0 writes each commit to the file at once so a killed
   * process loses no committed change (the group commit then syncs the file to the disk, which H2
   * does only now and then, see {@link GroupCommit}); LOCK_TIMEOUT lets concurrent updates of one row wait for
   * each other instead of failing; lower-case identifiers match PostgreSQL's column labels.
   */
  public static String h2Url(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.resolve("db").resolve("pdm").toAbsolutePath()
      + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000;DATABASE_TO_LOWER=TRUE";
  }

  /** True when the failure is a lock wait that timed out or a deadlock: worth retrying later. */
  public static boolean isBusy(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      // H2: HYT00 lock timeout, 40001 deadlock; PostgreSQL: 40P01 deadlock, 55P03 lock not available.
      String state = c instanceof SQLException e ? e.getSQLState() : c instanceof PgException e ? e.getSqlState() : null;
      if ("HYT00".equals(state) || "40001".equals(state) || "40P01".equals(state) || "55P03".equals(state)) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when the failure says the database cannot be reached: the connection could not be made or
   * was lost, the server is shutting down or refuses connections, the database is gone. Such a
   * request changed nothing (a transaction without its commit is rolled back by the server), so it
   * is answered 503 with Retry-After, not 500.
   */
  public static boolean isUnreachable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      // SocketException: the server's side of a pooled connection went away ("Connection reset")
      if (c instanceof ClosedConnectionException || c instanceof SocketException
        || c instanceof ClosedChannelException || c instanceof SQLNonTransientConnectionException
        || c instanceof SQLTransientConnectionException) {
        return true;
      }
      String state = c instanceof SQLException e ? e.getSQLState() : c instanceof PgException e ? e.getSqlState() : null;
      // 08: connection exception; 57P01-03: admin/crash shutdown, cannot connect now; 3D000: no such
      // database; 53300: too many connections. H2: 90098 database closed, 90121 closed at shutdown.
      if (state != null && (state.startsWith("08") || state.startsWith("57P") || "3D000".equals(state)
        || "53300".equals(state) || "90098".equals(state) || "90121".equals(state))) {
        return true;
      }
    }
    return false;
  }

  /** True when the failure is a violated unique or primary key constraint. */
  public static boolean isUniqueViolation(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException e && "23505".equals(e.getSQLState())) {
        return true;
      }
      if (c instanceof PgException e && "23505".equals(e.getSqlState())) {
        return true;
      }
    }
    return false;
  }
}
