package com.ncvault.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules a node's migrations keep on a real database (docs/upgrades.md): checksums recorded and
 * checked, recorded for databases migrated before checksums existed, and a node that is older than
 * its database runs only when every version it does not know is an expand one.
 */
abstract class MigrationRulesBehaviour {

  private static final String V1 = "-- contract\nCREATE TABLE parts (id INTEGER PRIMARY KEY, name VARCHAR(20));\n";
  private static final String V2 = "-- expand: a new column older nodes never name\n"
    + "ALTER TABLE parts ADD COLUMN material VARCHAR(20);\n";
  private static final String V3_EXPAND = "-- expand\nCREATE TABLE machines (name VARCHAR(20) PRIMARY KEY);\n";
  private static final String V3_CONTRACT = "-- contract: drops what version 1 reads\nALTER TABLE parts DROP COLUMN name;\n";
  private static final String V3_UNMARKED = "-- Renames a table.\nALTER TABLE parts RENAME TO workpieces;\n";

  private Vertx vertx;
  private Path dataDir;
  private Database db;

  /** Database keys of the config (dbKind, pgUri); empty for H2. */
  protected abstract JsonObject databaseConfig();

  /** Leaves the database empty before a test. */
  protected void resetDatabase() {
  }

  @BeforeEach
  void open() throws IOException {
    vertx = Vertx.vertx();
    dataDir = Files.createTempDirectory("ncvault-migrations-test");
    resetDatabase();
    db = Database.open(vertx, StorageConfig.from(config()));
  }

  @AfterEach
  void close() throws IOException {
    StorageClient.await(db.close());
    StorageClient.await(vertx.close());
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private JsonObject config() {
    return new JsonObject().put(ConfigKeys.DATA_DIR, dataDir.toString()).mergeIn(databaseConfig());
  }

  private static Migrations scripts(String... nameThenText) {
    Map<String, String> texts = new LinkedHashMap<>();
    for (int i = 0; i < nameThenText.length; i += 2) {
      texts.put(nameThenText[i], nameThenText[i + 1]);
    }
    return Migrations.of(texts);
  }

  private List<List<Object>> history() {
    List<List<Object>> rows = new ArrayList<>();
    for (Row row : StorageClient.await(db.pool()
      .query("SELECT version, script, checksum, kind FROM schema_version ORDER BY version").execute())) {
      rows.add(List.of(((Number) row.getValue("version")).intValue(), row.getString("script"),
        String.valueOf(row.getString("checksum")), String.valueOf(row.getString("kind"))));
    }
    return rows;
  }

  @Test
  void eachAppliedScriptIsRecordedWithItsChecksumAndKind() {
    Migrations all = scripts("db/V1__parts.sql", V1, "db/V2__material.sql", V2);
    assertThat(StorageClient.await(all.migrate(db))).isEqualTo(2);
    assertThat(history()).containsExactly(
      List.of(1, "db/V1__parts.sql", all.scripts().get(0).checksum(), "contract"),
      List.of(2, "db/V2__material.sql", all.scripts().get(1).checksum(), "expand"));
    assertThat(StorageClient.await(all.migrate(db))).as("a second start applies nothing").isEqualTo(2);
    assertThat(history()).hasSize(2);
  }

  @Test
  void aDatabaseMigratedBeforeChecksumsGetsThemRecordedAtTheFirstStart() {
    Migrations shipped = Migrations.shipped();
    StorageClient.await(shipped.migrate(db));
    List<List<Object>> migrated = history();
    // the version table as nodes before checksums left it
    for (String sql : List.of("ALTER TABLE schema_version DROP COLUMN checksum",
      "ALTER TABLE schema_version DROP COLUMN kind")) {
      StorageClient.await(db.pool().query(sql).execute());
    }

    assertThat(StorageClient.await(shipped.migrate(db))).isEqualTo(shipped.latest());

    assertThat(history()).isEqualTo(migrated);
    assertThat(history()).extracting(row -> row.get(2)).doesNotContain("null");
  }

  @Test
  void aNodeRefusesToStartWhenAnAppliedScriptWasChangedNamingTheScriptAndBothChecksums() {
    Migrations applied = scripts("db/V1__parts.sql", V1, "db/V2__material.sql", V2);
    StorageClient.await(applied.migrate(db));
    String edited = V2.replace("VARCHAR(20)", "VARCHAR(40)");
    Migrations changed = scripts("db/V1__parts.sql", V1, "db/V2__material.sql", edited,
      "db/V3__machines.sql", V3_EXPAND);

    assertThatThrownBy(() -> StorageClient.await(changed.migrate(db)))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("db/V2__material.sql")
      .hasMessageContaining(applied.scripts().get(1).checksum())
      .hasMessageContaining(changed.scripts().get(1).checksum());
    assertThat(history()).as("nothing applied").hasSize(2);

    // the same refusal through the start-up path of the storage
    assertThatThrownBy(() -> StorageClient.await(vertx.deployVerticle(new StorageVerticle(changed),
      new DeploymentOptions().setConfig(config()))))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("db/V2__material.sql");
  }

  @Test
  void commentsLineEndingsAndTrailingBlanksAreNoChange() {
    StorageClient.await(scripts("db/V1__parts.sql", V1, "db/V2__material.sql", V2).migrate(db));
    String reworded = "-- expand: older nodes never name it\r\n\r\n-- (the material of the part)\r\n"
      + "ALTER TABLE parts ADD COLUMN material VARCHAR(20);   \r\n";
    assertThat(StorageClient.await(scripts("db/V1__parts.sql", V1, "db/V2__material.sql", reworded).migrate(db)))
      .isEqualTo(2);
  }

  @Test
  void aNodeThatDoesNotKnowAnExpandScriptStartsAndWorksOnItsDatabase() {
    StorageClient.await(scripts("db/V1__parts.sql", V1, "db/V2__material.sql", V2,
      "db/V3__machines.sql", V3_EXPAND).migrate(db));

    assertThat(StorageClient.await(scripts("db/V1__parts.sql", V1, "db/V2__material.sql", V2).migrate(db)))
      .isEqualTo(2);
    assertThat(StorageClient.await(scripts("db/V1__parts.sql", V1).migrate(db)))
      .as("two versions behind, both expand").isEqualTo(1);
    StorageClient.await(db.pool().query("INSERT INTO parts (id, name) VALUES (1, 'flange')").execute());
    assertThat(history()).hasSize(3);
  }

  @Test
  void aNodeThatDoesNotKnowAContractScriptRefusesToStartNamingIt() {
    StorageClient.await(scripts("db/V1__parts.sql", V1, "db/V2__material.sql", V2,
      "db/V3__drop_name.sql", V3_CONTRACT).migrate(db));

    assertThatThrownBy(() -> StorageClient.await(scripts("db/V1__parts.sql", V1, "db/V2__material.sql", V2)
      .migrate(db)))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("schema version 3 (db/V3__drop_name.sql)")
      .hasMessageContaining("a contract migration")
      .hasMessageContaining("this node (schema version 2)")
      .hasMessageContaining("Upgrade this node");
  }

  @Test
  void aScriptWithoutAMarkerCountsAsContract() {
    StorageClient.await(scripts("db/V1__parts.sql", V1, "db/V2__material.sql", V2,
      "db/V3__rename.sql", V3_UNMARKED).migrate(db));

    assertThatThrownBy(() -> StorageClient.await(scripts("db/V1__parts.sql", V1, "db/V2__material.sql", V2)
      .migrate(db)))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("db/V3__rename.sql").hasMessageContaining("contract");
  }

  @Test
  void aVersionAddedOnAnotherBranchIsAppliedAfterAHigherOne() {
    StorageClient.await(scripts("db/V1__parts.sql", V1, "db/V3__machines.sql", V3_EXPAND).migrate(db));
    assertThat(StorageClient.await(scripts("db/V1__parts.sql", V1, "db/V2__material.sql", V2,
      "db/V3__machines.sql", V3_EXPAND).migrate(db))).isEqualTo(3);
    assertThat(history()).extracting(row -> row.get(0)).containsExactly(1, 2, 3);
  }
}
