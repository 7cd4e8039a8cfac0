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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations, applied at start in order. Each script under {@code db/} is applied
 * once and recorded in {@code schema_version} under the version its name carries. Add a new script
 * with the next version; never edit one that has shipped. The one thing a script cannot spell alike
 * for H2 and PostgreSQL, a random UUID, is written {@value #RANDOM_UUID} and replaced by the
 * database's function.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** version -> resource; append only. */
  static final List<String> SCRIPTS = List.of("db/V1__init.sql", "db/V2__replication.sql", "db/V3__sessions.sql",
    "db/V4__program_facts.sql", "db/V5__account_ids.sql", "db/V6__lock_ids.sql",
    "db/V7__node_decommission.sql", "db/V8__revision_content_index.sql", "db/V10__machines.sql");

  static final String RANDOM_UUID = "${random_uuid}";

  private static final Pattern VERSION = Pattern.compile("/V(\\d+)__[^/]*\\.sql$");
  private static final String VERSION_TABLE_EXISTS = "SELECT COUNT(*) AS n FROM information_schema.tables "
    + "WHERE table_name = 'schema_version' AND table_schema = CURRENT_SCHEMA";
  private static final String CREATE_VERSION_TABLE = "CREATE TABLE schema_version ("
    + "version INTEGER PRIMARY KEY, script VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)";

  /**
   * Applies the scripts not yet recorded, in the order of {@link #SCRIPTS}; the version of a script is
   * the number in its name (V6__x.sql is version 6), so versions added on separate branches each get
   * applied, whichever was applied first. The result is the highest version afterwards.
   */
  public static Future<Integer> migrate(Vertx vertx, Database db) {
    return migrate(vertx, db, SCRIPTS.size());
  }

  /** Applies the missing migrations up to version {@code upTo} (a test builds an older schema so). */
  static Future<Integer> migrate(Vertx vertx, Database db, int upTo) {
    return vertx.executeBlocking(() -> loadScripts().subList(0, upTo))
      .compose(scripts -> db.inTransaction(conn -> lock(conn, db.dialect())
        .compose(v -> conn.query(VERSION_TABLE_EXISTS).execute())
        .compose(rows -> Rows.single(rows) > 0 ? Future.succeededFuture()
          : conn.query(CREATE_VERSION_TABLE).execute())
        .compose(v -> conn.query("SELECT version FROM schema_version").execute())
        .compose(rows -> {
          Set<Integer> applied = new HashSet<>();
          rows.forEach(row -> applied.add(((Number) row.getValue("version")).intValue()));
          Future<Void> chain = Future.succeededFuture();
          for (int i = 0; i < scripts.size(); i++) {
            String script = SCRIPTS.get(i);
            List<String> statements = scripts.get(i);
            if (!applied.contains(versionOf(script))) {
              chain = chain.compose(v -> apply(conn, db.dialect(), script, statements));
            }
          }
          return chain.map(v -> SCRIPTS.subList(0, scripts.size()).stream().mapToInt(Migrations::versionOf).max().orElse(0));
        })));
  }

  /** The version in a script's name: db/V6__lock_ids.sql is 6. */
  static int versionOf(String script) {
    Matcher m = VERSION.matcher(script);
    if (!m.find()) {
      throw new IllegalStateException("A migration is named V<version>__<what>.sql: " + script);
    }
    return Integer.parseInt(m.group(1));
  }

  private static Future<Void> lock(SqlConnection conn, Dialect dialect) {
    String sql = dialect.migrationLock();
    return sql == null ? Future.succeededFuture() : conn.query(sql).execute().mapEmpty();
  }

  private static Future<Void> apply(SqlConnection conn, Dialect dialect, String script, List<String> statements) {
    Future<Void> chain = Future.succeededFuture();
    for (String statement : statements) {
      chain = chain.compose(v -> conn.query(statement.replace(RANDOM_UUID, dialect.randomUuid())).execute().mapEmpty());
    }
    int version = versionOf(script);
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
