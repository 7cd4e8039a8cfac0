package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * scripts/backup.sh and scripts/restore.sh on real vaults: one node on H2 (stopped for the backup)
 * and one on PostgreSQL (backed up while it serves). Each vault gets text and binary programs with
 * minor and major check-ins; after the backup the vault is wiped (database and data directory),
 * restored, and every revision downloads with the SHA-256 it was checked in with, the users log in
 * again and the next change takes the seq after the backup's last.
 */
class BackupRestoreTest {

  private static Vertx vertx;

  /** What a vault holds: file -> revision -> SHA-256 of the content checked in, and the latest seq. */
  private record Contents(Map<String, Map<String, String>> revisions, long latestSeq) {
  }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  @Timeout(240)
  void anH2VaultIsBackedUpWipedAndRestoredWithEveryRevisionAndItsSeqGoesOn() throws Exception {
    TestNode node = TestNode.start(vertx).await();
    Path backups = TestNode.tempDir();
    try {
      Contents before = fill(node);
      node.stopNode().await();
      Path backup = backups.resolve("vault");
      Scripts.Run backedUp = Scripts.run(Scripts.testBuild(), "backup.sh", "--h2", "--data", node.dataDir().toString(),
        "--out", backup.toString());
      assertThat(backedUp.exitCode()).as(backedUp.output()).isZero();
      assertThat(backedUp.output()).contains("and 5 contents into " + backup);

      // A damaged backup is refused before anything is written.
      Path damaged = backups.resolve("damaged");
      copyTree(backup, damaged);
      Path blob;
      try (Stream<Path> blobs = Files.walk(damaged.resolve("blobs"))) {
        blob = blobs.filter(Files::isRegularFile).findFirst().orElseThrow();
      }
      Files.write(blob, "not the content".getBytes());
      Path elsewhere = backups.resolve("elsewhere");
      Scripts.Run refused = Scripts.run(Scripts.testBuild(), "restore.sh", "--from", damaged.toString(), "--h2",
        "--data", elsewhere.toString());
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.output()).contains(damaged.relativize(blob) + ": FAILED").contains("nothing was restored");
      assertThat(elsewhere.resolve("db")).doesNotExist();

      TestNode.deleteTree(node.dataDir());
      Scripts.Run restored = Scripts.run(Scripts.testBuild(), "restore.sh", "--from", backup.toString(), "--h2",
        "--data", node.dataDir().toString());
      assertThat(restored.exitCode()).as(restored.output()).isZero();
      Scripts.Run again = Scripts.run(Scripts.testBuild(), "restore.sh", "--from", backup.toString(), "--h2",
        "--data", node.dataDir().toString());
      assertThat(again.exitCode()).as("a database is never overwritten without --replace").isEqualTo(1);
      assertThat(again.output()).contains("give --replace");

      node.restart().await();
      assertRestored(node, before);
    } finally {
      node.close().await();
      TestNode.deleteTree(backups);
    }
  }

  @Test
  @Timeout(240)
  void aPostgresVaultBackedUpWhileItServesIsRestoredWithEveryRevisionAndItsSeqGoesOn() throws Exception {
    TestPostgres database = TestPostgres.create(vertx).await();
    TestNode node = TestNode.start(vertx, new JsonObject().put(ConfigKeys.DB_KIND, "postgres")
      .put(ConfigKeys.PG_URI, database.uri())).await();
    Path backups = TestNode.tempDir();
    try {
      Contents before = fill(node);
      Path backup = backups.resolve("vault");
      Path emptyStore = Files.createDirectories(backups.resolve("empty"));
      Scripts.Run incomplete = Scripts.run(Map.of(), "backup.sh", "--pg", database.uri(), "--data",
        emptyStore.toString(), "--out", backup.toString());
      assertThat(incomplete.exitCode()).as("content missing from the data directories given").isEqualTo(1);
      assertThat(incomplete.output()).contains("No intact copy of 5 content(s)");
      assertThat(backup).as("an incomplete backup is not left behind").doesNotExist();
      Scripts.Run backedUp = Scripts.run(Map.of(), "backup.sh", "--pg", database.uri(), "--data",
        node.dataDir().toString(), "--out", backup.toString());
      assertThat(backedUp.exitCode()).as(backedUp.output()).isZero();
      assertThat(backedUp.output()).contains("and 5 contents into " + backup);
      Scripts.Run whileServing = Scripts.run(Map.of(), "restore.sh", "--from", backup.toString(), "--pg",
        database.uri(), "--data", node.dataDir().toString(), "--replace");
      assertThat(whileServing.exitCode()).as("a restore under a running node is refused").isEqualTo(1);
      assertThat(whileServing.output()).contains("stop the nodes first");

      node.stopNode().await();
      database.drop().await();
      TestNode.deleteTree(node.dataDir());
      Scripts.Run restored = Scripts.run(Map.of(), "restore.sh", "--from", backup.toString(), "--pg", database.uri(),
        "--data", node.dataDir().toString());
      assertThat(restored.exitCode()).as(restored.output()).isZero();

      node.restart().await();
      assertRestored(node, before);
    } finally {
      node.close().await();
      database.drop().await();
      TestNode.deleteTree(backups);
    }
  }

  /** A Git LFS object (docs/lfs.md): content of the store that no revision refers to. */
  private static final Buffer LFS_OBJECT = Buffer.buffer("(a post-processor, kept through Git LFS)\n");

  /** Text and binary programs, minor and major check-ins, a Git LFS object: five contents, six revisions. */
  private static Contents fill(TestNode node) {
    NodeApi api = new NodeApi(vertx, node.port());
    String admin = api.adminToken().await();
    String alice = api.createUser(admin, "alice", "programmer").await();
    Map<String, Map<String, String>> revisions = new TreeMap<>();
    Random random = new Random(13);
    String program = "1234567_BK.nc";
    record(revisions, api.create(alice, program, Buffer.buffer("%\nO1000\nG0 X0 Y0\nM30\n%\n")).await(),
      Buffer.buffer("%\nO1000\nG0 X0 Y0\nM30\n%\n"));
    api.checkout(alice, program).await();
    Buffer second = Buffer.buffer("%\nO1000\nG0 X5 Y0\nM30\n%\n");
    record(revisions, api.checkin(alice, program, second, "feed on op 20").await(), second);
    api.checkout(alice, program).await();
    Buffer third = Buffer.buffer("%\nO1000\nG0 X0 Y0\nM30\n%\n");
    JsonObject major = NodeApi.json(api.upload("/api/files/" + program + "/checkin", alice, program, third,
      Map.of("message", "back to the first", "major", "true")), 200).await();
    assertThat(major.getString("revision")).isEqualTo("2.0");
    record(revisions, major, third);
    String part = "7654321_BK.mcam";
    Buffer model = randomBytes(random, 300_000);
    record(revisions, api.create(alice, part, model).await(), model);
    api.checkout(alice, part).await();
    Buffer model2 = randomBytes(random, 120_000);
    record(revisions, api.checkin(alice, part, model2, "new stock").await(), model2);
    // a revision whose content an earlier one already has: stored once, referred to twice
    api.checkout(alice, part).await();
    record(revisions, api.checkin(alice, part, model, "the first stock again").await(), model);
    String oid = NodeApi.sha256(LFS_OBJECT);
    assertThat(api.call(HttpMethod.PUT, "/lfs/objects/" + oid, alice).putHeader("Content-Type", "application/octet-stream")
      .sendBuffer(LFS_OBJECT).await().statusCode()).isEqualTo(200);
    long latest = api.latestSeq(admin).await();
    api.close();
    return new Contents(revisions, latest);
  }

  private static void record(Map<String, Map<String, String>> revisions, JsonObject file, Buffer content) {
    assertThat(file.getString("sha256")).isEqualTo(NodeApi.sha256(content));
    revisions.computeIfAbsent(file.getString("filename"), f -> new TreeMap<>())
      .put(file.getString("revision"), file.getString("sha256"));
  }

  private static void assertRestored(TestNode node, Contents before) {
    NodeApi api = new NodeApi(vertx, node.port());
    String admin = api.adminToken().await();
    String alice = api.login("alice", TestNode.passwordOf("alice")).await();
    assertThat(api.latestSeq(admin).await()).isEqualTo(before.latestSeq());
    Map<String, Map<String, String>> downloaded = new TreeMap<>();
    for (String file : before.revisions().keySet()) {
      JsonObject history = NodeApi.json(api.call(HttpMethod.GET, "/api/files/" + file + "/history", alice).send(), 200)
        .await();
      for (Object entry : history.getJsonArray("revisions")) {
        String revision = ((JsonObject) entry).getString("revision");
        Buffer content = api.call(HttpMethod.GET, "/api/files/" + file + "/content?rev=" + revision, alice).send()
          .compose(r -> TestNode.expect(r, 200)).await().body();
        downloaded.computeIfAbsent(file, f -> new TreeMap<>()).put(revision, NodeApi.sha256(content));
      }
    }
    assertThat(downloaded).as("every revision, downloaded, with its SHA-256").isEqualTo(before.revisions());
    Buffer object = api.call(HttpMethod.GET, "/lfs/objects/" + NodeApi.sha256(LFS_OBJECT), alice).send()
      .compose(r -> TestNode.expect(r, 200)).await().body();
    assertThat(NodeApi.sha256(object)).as("the Git LFS object").isEqualTo(NodeApi.sha256(LFS_OBJECT));

    api.checkout(alice, "1234567_BK.nc").await();
    List<JsonObject> after = api.eventsSince(admin, before.latestSeq()).await();
    assertThat(after).as("the next change takes the seq after the backup's last").singleElement()
      .satisfies(event -> {
        assertThat(event.getLong("seq")).isEqualTo(before.latestSeq() + 1);
        assertThat(event.getString("type")).isEqualTo("checkout");
      });
    api.close();
  }

  private static Buffer randomBytes(Random random, int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return Buffer.buffer(bytes);
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }
}
