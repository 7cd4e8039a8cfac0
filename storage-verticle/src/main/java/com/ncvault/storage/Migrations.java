package com.ncvault.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations, applied at start in order. Each script under {@code db/} is applied
 * once and recorded in {@code schema_version} under the version its name carries (V7__... is 7).
 * Add a new script with a higher version; never edit one that has shipped.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** version -> resource; append only. */
  static final List<String> SCRIPTS = List.of("db/V1__init.sql", "db/V2__replication.sql", "db/V3__sessions.sql",
    "db/V4__program_facts.sql",
    "db/V7__node_decommission.sql");

  private static final String VERSION_TABLE_EXISTS = "SELECT COUNT(*) AS n FROM information_schema.tables "
    + "WHERE table_name = 'schema_version' AND table_schema = CURRENT_SCHEMA";
  private static final String CREATE_VERSION_TABLE = "CREATE TABLE schema_version ("
    + "version INTEGER PRIMARY KEY, script VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)";

  /** Applies the missing migrations; the result is the schema version afterwards. */
  public static Future<Integer> migrate(Vertx vertx, Database db) {
    return vertx.executeBlocking(Migrations::loadScripts)
      .compose(scripts -> db.pool().withTransaction(conn -> lock(conn, db.dialect())
        .compose(v -> conn.query(VERSION_TABLE_EXISTS).execute())
        .compose(rows -> Rows.single(rows) > 0 ? Future.succeededFuture()
          : conn.query(CREATE_VERSION_TABLE).execute())
        .compose(v -> conn.query("SELECT MAX(version) AS v FROM schema_version").execute())
        .compose(rows -> {
          Row row = rows.iterator().next();
          int current = row.getValue("v") == null ? 0 : ((Number) row.getValue("v")).intValue();
          Future<Void> chain = Future.succeededFuture();
          for (int i = 0; i < scripts.size(); i++) {
            int version = version(SCRIPTS.get(i));
            if (version > current) {
              String script = SCRIPTS.get(i);
              List<String> statements = scripts.get(i);
              chain = chain.compose(v -> apply(conn, version, script, statements));
            }
          }
          return chain.map(v -> Math.max(current, version(SCRIPTS.get(SCRIPTS.size() - 1))));
        })));
  }

  private static Future<Void> lock(SqlConnection conn, Dialect dialect) {
    String sql = dialect.migrationLock();
    return sql == null ? Future.succeededFuture() : conn.query(sql).execute().mapEmpty();
  }

  /** The version a script's name carries: db/V7__node_decommission.sql -> 7. */
  static int version(String script) {
    String name = script.substring(script.lastIndexOf('/') + 1);
    return Integer.parseInt(name.substring(1, name.indexOf("__")));
  }

  private static Future<Void> apply(SqlConnection conn, int version, String script, List<String> statements) {
    Future<Void> chain = Future.succeededFuture();
    for (String statement : statements) {
      chain = chain.compose(v -> conn.query(statement).execute().mapEmpty());
    }
    return chain
      .compose(v -> Database.run(conn,
        "INSERT INTO schema_version (version, script, applied_at) VALUES (#{version}, #{script}, #{at})",
        Map.of("version", version, "script", script, "at", System.currentTimeMillis())))
      .onSuccess(v -> LOG.info("Applied schema migration {}", script))
      .mapEmpty();
  }

  private static List<List<String>> loadScripts() {
    List<List<String>> all = new ArrayList<>();
    for (String resource : SCRIPTS) {
      try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("Missing migration " + resource);
        }
        all.add(statements(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return all;
  }

  /** Splits a script at semicolons that end a line; drops "--" comment lines. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String sql = current.toString().strip();
        out.add(sql.substring(0, sql.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }

  private Migrations() {
  }
}
