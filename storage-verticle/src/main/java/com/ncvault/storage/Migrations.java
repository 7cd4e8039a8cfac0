package com.ncvault.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations, applied at start in order (docs/upgrades.md). Every script under
 * {@code db/} on the class path named {@code V<version>__<what>.sql} is one migration; it is applied
 * once and recorded in {@code schema_version} with its version, its checksum and its kind.
 *
 * <ul>
 *   <li><b>Checksum.</b> SHA-256 of the statements a node runs: comment lines ({@code --}) and blank
 *   lines left out, line endings made {@code \n}, trailing blanks of each line dropped, the
 *   placeholder {@value #RANDOM_UUID} kept as written (so it is the same on H2 and PostgreSQL). A node
 *   refuses to start when an applied script's statements differ from its own copy: never edit a
 *   script that has shipped, add the next version. Comments may be corrected.</li>
 *   <li><b>Kind.</b> A header comment line {@code -- expand} or {@code -- contract} (before the
 *   first statement; {@code -- expand: why} allowed). Expand: nodes that do not know the script keep
 *   working on a database that has it (they start and serve). Contract: a node that does not know it
 *   refuses to start and must be upgraded. A script without a marker counts as contract.</li>
 * </ul>
 *
 * Databases migrated before checksums existed get theirs recorded at the first start of a node that
 * knows them (the backfill). The one thing a script cannot spell alike for H2 and PostgreSQL, a
 * random UUID, is written {@value #RANDOM_UUID} and replaced by the database's function.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** Where the shipped scripts are, on the class path. */
  static final String ROOT = "db";
  static final String RANDOM_UUID = "${random_uuid}";

  /** Whether nodes that do not know a script keep working on a database that has it. */
  public enum Kind {
    EXPAND, CONTRACT;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Kind of(String label) {
      return "expand".equalsIgnoreCase(label) ? EXPAND : CONTRACT;
    }
  }

  /** One migration: its version, its name as recorded, its statements, checksum and kind. */
  public record Script(int version, String name, List<String> statements, String checksum, Kind kind) {

    /** A script from its resource name and text. */
    static Script of(String name, String text) {
      List<String> statements = Migrations.statements(text);
      return new Script(versionOf(name), name, statements, Migrations.checksum(statements), kindOf(name, text));
    }
  }

  private static final Pattern VERSION = Pattern.compile("(?:^|/)V(\\d+)__[^/]*\\.sql$");
  private static final Pattern KIND = Pattern.compile("--\\s*(expand|contract)\\s*(?::.*)?",
    Pattern.CASE_INSENSITIVE);
  private static final String VERSION_TABLE_EXISTS = "SELECT COUNT(*) AS n FROM information_schema.tables "
    + "WHERE table_name = 'schema_version' AND table_schema = CURRENT_SCHEMA";
  private static final String CHECKSUM_COLUMN_EXISTS = "SELECT COUNT(*) AS n FROM information_schema.columns "
    + "WHERE table_name = 'schema_version' AND column_name = 'checksum' AND table_schema = CURRENT_SCHEMA";
  private static final String CREATE_VERSION_TABLE = "CREATE TABLE schema_version ("
    + "version INTEGER PRIMARY KEY, script VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL, "
    + "checksum VARCHAR(64), kind VARCHAR(16))";
  // Nullable, so nodes of versions before checksums (which insert three columns) still record theirs.
  private static final List<String> ADD_CHECKSUM_COLUMNS = List.of(
    "ALTER TABLE schema_version ADD COLUMN checksum VARCHAR(64)",
    "ALTER TABLE schema_version ADD COLUMN kind VARCHAR(16)");

  private final List<Script> scripts;

  private Migrations(List<Script> scripts) {
    List<Script> sorted = new ArrayList<>(scripts);
    sorted.sort(Comparator.comparingInt(Script::version));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).version() == sorted.get(i - 1).version()) {
        throw new IllegalStateException("Two migrations claim version " + sorted.get(i).version() + ": "
          + sorted.get(i - 1).name() + " and " + sorted.get(i).name() + "; give one the next free version");
      }
    }
    this.scripts = List.copyOf(sorted);
  }

  /** The scripts this build ships: every {@code db/V<n>__*.sql} on the class path (reads them: blocking). */
  public static Migrations shipped() {
    Migrations shipped = of(texts(ROOT));
    if (shipped.scripts.isEmpty()) {
      throw new IllegalStateException("No schema migrations found under " + ROOT + "/ on the class path");
    }
    return shipped;
  }

  /** Scripts given by name and text (tests). */
  static Migrations of(Map<String, String> texts) {
    List<Script> list = new ArrayList<>();
    texts.forEach((name, text) -> list.add(Script.of(name, text)));
    return new Migrations(list);
  }

  /**
   * These scripts and one more: what a node of the next version knows (a test stands for that
   * version's migration with a script of its own).
   */
  public Migrations plus(String name, String text) {
    List<Script> more = new ArrayList<>(scripts);
    more.add(Script.of(name, text));
    return new Migrations(more);
  }

  /** The scripts up to {@code version}: what a node of an older version knows. */
  public Migrations upTo(int version) {
    return new Migrations(scripts.stream().filter(s -> s.version() <= version).toList());
  }

  public List<Script> scripts() {
    return scripts;
  }

  /** The highest version these scripts reach (0 without scripts). */
  public int latest() {
    return scripts.isEmpty() ? 0 : scripts.get(scripts.size() - 1).version();
  }

  /** Applies the shipped migrations; the result is the highest version this node knows. */
  public static Future<Integer> migrate(Vertx vertx, Database db) {
    return vertx.executeBlocking(Migrations::shipped).compose(m -> m.migrate(db));
  }

  /** Applies the shipped migrations up to version {@code upTo} (a test builds an older schema so). */
  static Future<Integer> migrate(Vertx vertx, Database db, int upTo) {
    return vertx.executeBlocking(Migrations::shipped).compose(m -> m.upTo(upTo).migrate(db));
  }

  /**
   * In one transaction (serialised between nodes on PostgreSQL): creates or completes the version
   * table, checks every applied script this node knows against its checksum (recording the checksums
   * of scripts applied before they existed), checks that every applied script it does not know is an
   * expand one, then applies the scripts not yet recorded, in version order (versions added on
   * separate branches each get applied, whichever was applied first). Fails with an
   * {@link IllegalArgumentException} naming the script when the node must not run on this database.
   */
  public Future<Integer> migrate(Database db) {
    return db.inTransaction(conn -> lock(conn, db.dialect())
      .compose(v -> prepareTable(conn))
      .compose(v -> conn.query("SELECT version, script, checksum, kind FROM schema_version").execute())
      .compose(rows -> {
        Map<Integer, Row> applied = new HashMap<>();
        rows.forEach(row -> applied.put(((Number) row.getValue("version")).intValue(), row));
        String refusal = refusal(applied);
        if (refusal != null) {
          return Future.failedFuture(new IllegalArgumentException(refusal));
        }
        List<String> unknown = new TreeSet<>(applied.keySet()).stream()
          .filter(version -> scripts.stream().noneMatch(s -> s.version() == version))
          .map(version -> applied.get(version).getString("script")).toList();
        if (!unknown.isEmpty()) {
          LOG.warn("The database has expand migrations this node (schema version {}) does not know: {}; it runs "
            + "beside them, as in a rolling upgrade. Upgrade it (docs/upgrades.md)", latest(), unknown);
        }
        return backfill(conn, applied).compose(v -> {
          Future<Void> chain = Future.succeededFuture();
          for (Script script : scripts) {
            if (!applied.containsKey(script.version())) {
              chain = chain.compose(v2 -> apply(conn, db.dialect(), script));
            }
          }
          return chain;
        });
      })
      .map(v -> latest()));
  }

  private static Future<Void> prepareTable(SqlConnection conn) {
    return conn.query(VERSION_TABLE_EXISTS).execute()
      .compose(rows -> Rows.single(rows) == 0
        ? conn.query(CREATE_VERSION_TABLE).execute().<Void>mapEmpty()
        : conn.query(CHECKSUM_COLUMN_EXISTS).execute().compose(columns -> {
          if (Rows.single(columns) > 0) {
            return Future.<Void>succeededFuture();
          }
          LOG.info("Adding checksum and kind to the schema version table");
          Future<Void> chain = Future.succeededFuture();
          for (String sql : ADD_CHECKSUM_COLUMNS) {
            chain = chain.compose(v -> conn.query(sql).execute().mapEmpty());
          }
          return chain;
        }));
  }

  /** Why this node must not run on a database with these applied versions, or null. */
  private String refusal(Map<Integer, Row> applied) {
    Map<Integer, Script> known = new HashMap<>();
    scripts.forEach(s -> known.put(s.version(), s));
    for (int version : new TreeSet<>(applied.keySet())) {
      Row row = applied.get(version);
      String recorded = row.getString("checksum");
      Script script = known.get(version);
      if (script == null) {
        String kind = row.getString("kind");
        if (!Kind.EXPAND.label().equals(kind)) {
          return "The database has schema version " + version + " (" + row.getString("script") + "), "
            + (kind == null ? "recorded without a kind, so counted as a contract migration"
              : "a " + kind + " migration")
            + ", which this node (schema version " + latest() + ") does not know: a node that does not know a "
            + "contract migration cannot run on its database. Upgrade this node to the version the other nodes "
            + "run (docs/upgrades.md)";
        }
      } else if (recorded != null && !recorded.equals(script.checksum())) {
        return "Schema migration " + script.name() + " (version " + version + ") was applied with checksum "
          + recorded + (row.getString("script").equals(script.name()) ? "" : " as " + row.getString("script"))
          + ", but this node's copy has checksum " + script.checksum() + ": a script was changed after it was "
          + "applied. Run a build whose scripts match the database (a change belongs in a new version; "
          + "docs/upgrades.md)";
      }
    }
    return null;
  }

  /** Records checksum and kind of applied scripts that have none yet (applied before checksums existed). */
  private Future<Void> backfill(SqlConnection conn, Map<Integer, Row> applied) {
    List<Script> missing = scripts.stream()
      .filter(s -> applied.containsKey(s.version()) && applied.get(s.version()).getString("checksum") == null)
      .toList();
    Future<Void> chain = Future.succeededFuture();
    for (Script script : missing) {
      chain = chain.compose(v -> Database.run(conn,
        "UPDATE schema_version SET checksum = #{checksum}, kind = #{kind} WHERE version = #{version}",
        Map.of("checksum", script.checksum(), "kind", script.kind().label(), "version", script.version()))
        .mapEmpty());
    }
    if (!missing.isEmpty()) {
      chain = chain.onSuccess(v -> LOG.info("Recorded the checksums of {} schema migrations applied before "
        + "checksums existed ({})", missing.size(), missing.stream().map(Script::name).toList()));
    }
    return chain;
  }

  /** The version in a script's name: db/V6__lock_ids.sql is 6. */
  static int versionOf(String script) {
    Matcher m = VERSION.matcher(script);
    if (!m.find()) {
      throw new IllegalStateException("A migration is named V<version>__<what>.sql: " + script);
    }
    return Integer.parseInt(m.group(1));
  }

  /**
   * The kind a script declares in its header (the comment lines before its first statement): the
   * first line that is {@code -- expand} or {@code -- contract} (optionally followed by ": why").
   * Two different markers are an error; none is contract.
   */
  static Kind kindOf(String name, String text) {
    Kind found = null;
    for (String line : lines(text)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!trimmed.startsWith("--")) {
        break;
      }
      Matcher m = KIND.matcher(trimmed);
      if (m.matches()) {
        Kind kind = Kind.of(m.group(1));
        if (found != null && found != kind) {
          throw new IllegalStateException("Migration " + name + " declares both expand and contract");
        }
        found = kind;
      }
    }
    return found == null ? Kind.CONTRACT : found;
  }

  /** True when the script's header says what it is (every shipped script must). */
  static boolean declaresKind(String text) {
    for (String line : lines(text)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!trimmed.startsWith("--")) {
        return false;
      }
      if (KIND.matcher(trimmed).matches()) {
        return true;
      }
    }
    return false;
  }

  /** SHA-256 (hex) of the statements, each ended by ";\n". */
  static String checksum(List<String> statements) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String statement : statements) {
        sha.update((statement + ";\n").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Future<Void> lock(SqlConnection conn, Dialect dialect) {
    String sql = dialect.migrationLock();
    return sql == null ? Future.succeededFuture() : conn.query(sql).execute().mapEmpty();
  }

  private static Future<Void> apply(SqlConnection conn, Dialect dialect, Script script) {
    Future<Void> chain = Future.succeededFuture();
    for (String statement : script.statements()) {
      chain = chain.compose(v -> conn.query(statement.replace(RANDOM_UUID, dialect.randomUuid())).execute().mapEmpty());
    }
    return chain
      .compose(v -> Database.run(conn, "INSERT INTO schema_version (version, script, applied_at, checksum, kind) "
          + "VALUES (#{version}, #{script}, #{at}, #{checksum}, #{kind})",
        Map.of("version", script.version(), "script", script.name(), "at", System.currentTimeMillis(),
          "checksum", script.checksum(), "kind", script.kind().label())))
      .onSuccess(v -> LOG.info("Applied schema migration {} ({})", script.name(), script.kind().label()))
      .mapEmpty();
  }

  /** The texts of the scripts under {@code root} on the class path, by resource name. */
  static Map<String, String> texts(String root) {
    return texts(Migrations.class.getClassLoader(), root);
  }

  /** The texts of the scripts under {@code root} that {@code loader} finds (folders and jars), by resource name. */
  static Map<String, String> texts(ClassLoader loader, String root) {
    Map<String, String> texts = new TreeMap<>();
    try {
      Enumeration<URL> dirs = loader.getResources(root);
      for (URL dir : Collections.list(dirs)) {
        for (String file : fileNames(dir)) {
          String resource = root + "/" + file;
          if (VERSION.matcher(resource).find() && !texts.containsKey(resource)) {
            texts.put(resource, read(loader, resource));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return texts;
  }

  /** The names of the files directly in a class path folder, in a directory or in a jar. */
  private static List<String> fileNames(URL dir) throws IOException {
    if ("file".equals(dir.getProtocol())) {
      try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
        return files.map(p -> p.getFileName().toString()).toList();
      } catch (URISyntaxException e) {
        throw new IOException(e);
      }
    }
    if ("jar".equals(dir.getProtocol())) {
      JarURLConnection connection = (JarURLConnection) dir.openConnection();
      connection.setUseCaches(false);
      String folder = connection.getEntryName();
      String prefix = folder.endsWith("/") ? folder : folder + "/";
      List<String> names = new ArrayList<>();
      try (JarFile jar = connection.getJarFile()) {
        for (JarEntry entry : Collections.list(jar.entries())) {
          String rest = entry.getName().startsWith(prefix) ? entry.getName().substring(prefix.length()) : "";
          if (!rest.isEmpty() && !rest.contains("/")) {
            names.add(rest);
          }
        }
      }
      return names;
    }
    throw new IOException("Cannot list the migrations in " + dir);
  }

  private static String read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Missing migration " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> lines(String text) {
    return List.of(text.replace("\r\n", "\n").replace('\r', '\n').split("\n"));
  }

  /**
   * Splits a script at semicolons that end a line; drops "--" comment lines and blank lines; line
   * endings become "\n" and trailing blanks go.
   */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : lines(script)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) {
        continue;
      }
      current.append(line.stripTrailing()).append('\n');
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
}
