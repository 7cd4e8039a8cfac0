package com.ncvault.storage;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The transaction of one group commit, as the changes in it see it: named-parameter statements
 * (#{name}) whose rows come back as column -> value maps. Two kinds: over a plain JDBC connection
 * on the commit thread (H2: every call runs at once and returns a completed future, so a whole
 * batch runs in one blocking task), and over a Vert.x SQL connection (PostgreSQL, asynchronous).
 */
interface Tx {

  /** A query (or a data-change statement that returns rows); column names in lower case. */
  Future<List<Map<String, Object>>> rows(String sql, Map<String, Object> params);

  /** A data-change statement; the number of rows it changed. */
  Future<Integer> update(String sql, Map<String, Object> params);

  /** The same statement for many parameter sets (one round trip where the driver allows). */
  Future<Void> batch(String sql, List<Map<String, Object>> params);

  /** The first row, or null. */
  default Future<Map<String, Object>> row(String sql, Map<String, Object> params) {
    return rows(sql, params).map(rows -> rows.isEmpty() ? null : rows.get(0));
  }

  /** Over a JDBC connection; statements run synchronously on the calling (commit) thread. */
  final class Jdbc implements Tx {

    private final Connection connection;
    private final Map<String, PreparedStatement> statements;

    /**
     * {@code statements}: the connection's prepared statements by SQL text, kept by the caller for as
     * long as the connection lives, so that each statement is parsed and planned once, not once per
     * transaction.
     */
    Jdbc(Connection connection, Map<String, PreparedStatement> statements) {
      this.connection = connection;
      this.statements = statements;
    }

    @Override
    public Future<List<Map<String, Object>>> rows(String sql, Map<String, Object> params) {
      try {
        PreparedStatement statement = prepare(sql, params);
        try (ResultSet results = statement.executeQuery()) {
          ResultSetMetaData meta = results.getMetaData();
          List<Map<String, Object>> rows = new ArrayList<>();
          while (results.next()) {
            Map<String, Object> row = new HashMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              row.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), results.getObject(i));
            }
            rows.add(row);
          }
          return Future.succeededFuture(rows);
        }
      } catch (SQLException e) {
        return Future.failedFuture(e);
      }
    }

    @Override
    public Future<Integer> update(String sql, Map<String, Object> params) {
      try {
        return Future.succeededFuture(prepare(sql, params).executeUpdate());
      } catch (SQLException e) {
        return Future.failedFuture(e);
      }
    }

    @Override
    public Future<Void> batch(String sql, List<Map<String, Object>> params) {
      try {
        PreparedStatement statement = null;
        for (Map<String, Object> set : params) {
          statement = prepare(sql, set);
          statement.addBatch();
        }
        if (statement != null) {
          statement.executeBatch();
        }
        return Future.succeededFuture();
      } catch (SQLException e) {
        // the statement is kept for the next transaction: nothing of this batch may stay in it
        PreparedStatement kept = statements.get(sql);
        if (kept != null) {
          try {
            kept.clearBatch();
          } catch (SQLException ignored) {
            statements.remove(sql);
          }
        }
        return Future.failedFuture(e);
      }
    }

    private PreparedStatement prepare(String sql, Map<String, Object> params) throws SQLException {
      NamedSql named = NamedSql.of(sql);
      PreparedStatement statement = statements.get(sql);
      if (statement == null) {
        statement = connection.prepareStatement(named.positional());
        statements.put(sql, statement);
      }
      for (int i = 0; i < named.names().size(); i++) {
        statement.setObject(i + 1, params.get(named.names().get(i)));
      }
      return statement;
    }
  }

  /** Over a Vert.x SQL connection in a transaction (PostgreSQL). */
  final class Reactive implements Tx {

    private final SqlConnection connection;

    Reactive(SqlConnection connection) {
      this.connection = connection;
    }

    @Override
    public Future<List<Map<String, Object>>> rows(String sql, Map<String, Object> params) {
      return Database.run(connection, sql, params).map(result -> {
        List<Map<String, Object>> rows = new ArrayList<>(result.size());
        for (Row row : result) {
          Map<String, Object> map = new HashMap<>();
          for (int i = 0; i < row.size(); i++) {
            map.put(row.getColumnName(i).toLowerCase(Locale.ROOT), row.getValue(i));
          }
          rows.add(map);
        }
        return rows;
      });
    }

    @Override
    public Future<Integer> update(String sql, Map<String, Object> params) {
      return Database.run(connection, sql, params).map(result -> result.rowCount());
    }

    @Override
    public Future<Void> batch(String sql, List<Map<String, Object>> params) {
      if (params.isEmpty()) {
        return Future.succeededFuture();
      }
      return io.vertx.sqlclient.templates.SqlTemplate.forUpdate(connection, sql).executeBatch(params).mapEmpty();
    }
  }

  /** A #{name} statement turned into a positional one for JDBC, parsed once per statement text. */
  record NamedSql(String positional, List<String> names) {

    private static final Pattern PARAM = Pattern.compile("#\\{(\\w+)}");
    private static final Map<String, NamedSql> CACHE = new ConcurrentHashMap<>();

    static NamedSql of(String sql) {
      return CACHE.computeIfAbsent(sql, text -> {
        Matcher m = PARAM.matcher(text);
        List<String> names = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        while (m.find()) {
          names.add(m.group(1));
          m.appendReplacement(out, "?");
        }
        m.appendTail(out);
        return new NamedSql(out.toString(), List.copyOf(names));
      });
    }
  }
}
