package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.storage.Migrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A rolling upgrade's middle (docs/upgrades.md): node A runs this build's schema on a shared
 * PostgreSQL database; node B is a node of the next version, whose migration (an expand one: a new
 * table, and a new nullable column in a table every request reads) this test writes, and it
 * migrates the database while A serves. A goes on serving login, list, checkout, check-in and
 * download, starts again beside the migrated database (the version it does not know is an expand
 * one), and B sees A's changes. Each node has its own Vert.x, as two machines would. (Running this
 * build's code on the previous schema would prove nothing: code expects its own schema; what a
 * rolling upgrade needs is that the previous code keeps working on the next schema.)
 */
class PreviousSchemaNodeTest {

  private static final String SECRET = "cluster-" + UUID.randomUUID();
  private static final String FILE = "7300001_UPG.nc";
  /** The next version's migration, as an author following docs/upgrades.md writes it. */
  private static final String NEXT_MIGRATION = """
    -- expand: a table the next version fills, and a column it writes while older nodes leave it empty
    CREATE TABLE release_notes (
      filename VARCHAR(255) NOT NULL,
      note     VARCHAR(2000) NOT NULL
    );
    ALTER TABLE files ADD COLUMN release_note VARCHAR(2000);
    """;

  @Test
  @Timeout(180)
  void aNodeOfThePreviousSchemaVersionServesBesideAMigratedOneAndTheMigratedOneSeesItsChanges() {
    Migrations previous = Migrations.shipped();
    int nextVersion = previous.latest() + 1;
    Migrations next = previous.plus("db/V" + nextVersion + "__release_notes.sql", NEXT_MIGRATION);

    Vertx atA = Vertx.vertx(PdmNode.vertxOptions());
    Vertx atB = Vertx.vertx(PdmNode.vertxOptions());
    TestPostgres database = TestPostgres.create(atA).await();
    Pool sql = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
      .connectingTo(PgConnectOptions.fromUri(database.uri())).using(atA).build();
    List<TestNode> nodes = new ArrayList<>();
    try {
      TestNode a = TestNode.start(atA, node(database, "node-a"), previous).await();
      nodes.add(a);
      assertThat(versions(sql)).as("the schema A made").endsWith(previous.latest());
      NodeApi apiA = new NodeApi(atA, a.port());
      String aliceAtA = apiA.createUser(apiA.adminToken().await(), "alice", "programmer").await();
      apiA.create(aliceAtA, FILE, Buffer.buffer("O7301\nG0 X0 Y0\nM30\n")).await();

      TestNode b = TestNode.start(atB, node(database, "node-b"), next).await();
      nodes.add(b);
      assertThat(versions(sql)).as("B migrated the database while A serves").endsWith(nextVersion);

      // A, older than its database now, serves everything a programmer does
      Buffer second = Buffer.buffer("O7301\nG0 X0 Y0\nG1 X25. F300.\nM30\n");
      String alice = apiA.login("alice", TestNode.passwordOf("alice")).await();
      assertThat(file(apiA, alice).getString("revision")).isEqualTo("1.0");
      apiA.checkout(alice, FILE).await();
      assertThat(apiA.checkin(alice, FILE, second, "feed move").await().getString("revision")).isEqualTo("1.1");
      assertThat(NodeApi.sha256(download(apiA, alice))).isEqualTo(NodeApi.sha256(second));

      // B sees A's changes, the content A checked in included
      NodeApi apiB = new NodeApi(atB, b.port());
      String aliceAtB = apiB.login("alice", TestNode.passwordOf("alice")).await();
      JsonObject atBView = file(apiB, aliceAtB);
      assertThat(atBView.getString("revision")).isEqualTo("1.1");
      assertThat(atBView.getString("sha256")).isEqualTo(NodeApi.sha256(second));
      assertThat(NodeApi.sha256(download(apiB, aliceAtB))).isEqualTo(NodeApi.sha256(second));

      // and A sees B's
      apiB.checkout(aliceAtB, FILE).await();
      assertThat(file(apiA, alice).getString("lockedBy")).isEqualTo("alice");

      // A starts again beside the migrated database: the version it does not know is an expand one
      a.restart().await();
      String again = apiA.login("alice", TestNode.passwordOf("alice")).await();
      assertThat(file(apiA, again).getString("status")).isEqualTo("locked");
      apiA.close();
      apiB.close();
    } finally {
      for (TestNode node : nodes) {
        node.close().await();
      }
      sql.close().await();
      database.drop().await();
      atB.close().await();
      atA.close().await();
    }
  }

  @Test
  @Timeout(120)
  void aNodeRefusesToStartOnADatabaseWithAChangedScriptOrAContractOneItDoesNotKnowAndExitsWithItsOwnCode()
    throws Exception {
    Vertx vertx = Vertx.vertx(PdmNode.vertxOptions());
    TestPostgres database = TestPostgres.create(vertx).await();
    Pool sql = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
      .connectingTo(PgConnectOptions.fromUri(database.uri())).using(vertx).build();
    Path dataDir = TestNode.tempDir();
    try {
      TestNode first = TestNode.start(vertx, node(database, "node-a")).await();
      first.close().await();
      Migrations.Script init = Migrations.shipped().scripts().get(0);
      String recorded = "0".repeat(64);
      sql.query("UPDATE schema_version SET checksum = '" + recorded + "' WHERE version = " + init.version())
        .execute().await();

      Map<String, String> env = Map.of("PDM_DB_KIND", "postgres", "PDM_PG_URI", database.uri(),
        "PDM_NODE_NAME", "node-b", "PDM_CLUSTER_SECRET", SECRET);
      try (NodeProcess refused = NodeProcess.launch(TestNode.freePort(), dataDir, NodeProcess.SHORT_LIVED, env, List.of())) {
        assertThat(refused.awaitExit(60)).isEqualTo(78);
        assertThat(String.join("\n", refused.output()))
          .contains("The node could not start: Schema migration " + init.name())
          .contains(recorded).contains(init.checksum());
      }

      sql.query("UPDATE schema_version SET checksum = '" + init.checksum() + "' WHERE version = " + init.version())
        .execute().await();
      sql.query("INSERT INTO schema_version (version, script, applied_at, checksum, kind) "
        + "VALUES (100000, 'db/V100000__drop_old.sql', 0, '" + recorded + "', 'contract')").execute().await();
      assertThat(TestNode.start(vertx, node(database, "node-c")).transform(started -> Future.succeededFuture(started)).await().cause())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema version 100000 (db/V100000__drop_old.sql), a contract migration");
    } finally {
      TestNode.deleteTree(dataDir);
      sql.close().await();
      database.drop().await();
      vertx.close().await();
    }
  }

  private static JsonObject node(TestPostgres database, String name) {
    return database.nodeConfig(name, SECRET);
  }

  private static List<Integer> versions(Pool sql) {
    List<Integer> versions = new ArrayList<>();
    for (Row row : sql.query("SELECT version FROM schema_version ORDER BY version").execute().await()) {
      versions.add(row.getInteger("version"));
    }
    return versions;
  }

  /** The file as the list shows it. */
  private static JsonObject file(NodeApi api, String token) {
    JsonObject groups = NodeApi.json(api.call(HttpMethod.GET, "/api/files", token).send(), 200).await();
    return groups.stream().flatMap(group -> ((JsonArray) group.getValue()).stream())
      .map(JsonObject.class::cast).filter(f -> FILE.equals(f.getString("filename"))).findFirst()
      .orElseThrow(() -> new AssertionError(FILE + " is not in the list: " + groups.encode()));
  }

  private static Buffer download(NodeApi api, String token) {
    return api.call(HttpMethod.GET, "/api/files/" + FILE + "/content", token).send()
      .compose(r -> TestNode.expect(r, 200)).map(r -> r.body()).await();
  }
}
