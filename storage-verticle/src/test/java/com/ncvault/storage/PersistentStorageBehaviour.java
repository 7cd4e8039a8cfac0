package com.ncvault.storage;

import static com.ncvault.storage.StorageClient.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.FileInfo;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StorageActions;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.FileList;
import com.ncvault.contract.StorageApi.ListFiles;
import io.vertx.core.Future;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What the storage-verticle promises beyond the contract every implementation keeps: it survives a
 * restart, honours its retention setting, and watches its blob store.
 */
abstract class PersistentStorageBehaviour extends StorageBehaviour {

  @Test
  void theMigrationsRunInOrderAndAccountsFromBeforeVersion5GetEachTheirOwnId() throws Exception {
    stopOnEmptyData();
    Database db = Database.open(vertx, StorageConfig.from(config(new JsonObject())));
    try {
      assertThat(StorageClient.await(Migrations.migrate(vertx, db, 4))).isEqualTo(4);
      for (String name : List.of("ann", "ben")) {
        StorageClient.await(Database.run(db.pool(), "INSERT INTO users (username, password_hash, role, created_at) "
          + "VALUES (#{name}, 'x', 'viewer', 1)", Map.of("name", name)));
      }
      Migrations shipped = Migrations.shipped();
      assertThat(StorageClient.await(Migrations.migrate(vertx, db))).isEqualTo(shipped.latest());
      List<Integer> versions = new ArrayList<>();
      StorageClient.await(db.pool().query("SELECT version FROM schema_version ORDER BY version").execute())
        .forEach(row -> versions.add(((Number) row.getValue("version")).intValue()));
      assertThat(versions).startsWith(1, 2, 3, 4, 5, 6, 7, 8)
        .isEqualTo(shipped.scripts().stream().map(Migrations.Script::version).toList());
    } finally {
      StorageClient.await(db.close());
    }
    deploy(new JsonObject());
    String ann = storage.call(StorageActions.USERS_GET, new JsonObject().put("username", "ann")).getString("id");
    String ben = storage.call(StorageActions.USERS_GET, new JsonObject().put("username", "ben")).getString("id");
    assertThat(UUID.fromString(ann)).isNotEqualTo(UUID.fromString(ben));
    assertThat(storage.call(StorageActions.USERS_GET, new JsonObject().put("username", "ann")).getString("id"))
      .as("the id stays as it was given").isEqualTo(ann);
  }

  /**
   * The default list is kept off the heap, so that every plain GET writes it as it is (a heap buffer
   * is copied into a new direct one per answer); a filtered list is encoded per request on the heap.
   * Both encode the same files to the same bytes.
   */
  @Test
  void theDefaultListIsKeptOffTheHeapAndEncodedAsAFilteredOne() {
    StorageApi api = storage.api();
    FileList empty = StorageClient.await(api.listFiles(ListFiles.all()));
    assertThat(empty.json().toString()).isEqualTo("{}");
    assertThat(((BufferInternal) empty.json()).getByteBuf().isDirect()).isTrue();

    create("1234567_A.nc", NC, "alice");
    create("1234567_B.nc", NC, "alice");
    create("2345678_\u00e9t\u00e9.nc", NC, "bob");
    create("fixture.tap", "G21\n", "bob");
    create("gone.nc", NC, "bob");
    storage.call(StorageActions.FILES_DELETE, fileRequest("gone.nc", ADMIN).put("role", Roles.ADMIN));

    FileList all = StorageClient.await(api.listFiles(ListFiles.all()));
    FileList unlocked = StorageClient.await(api.listFiles(new ListFiles(null, "unlocked", null, false)));
    assertThat(((BufferInternal) all.json()).getByteBuf().isDirect()).isTrue();
    assertThat(((BufferInternal) unlocked.json()).getByteBuf().isDirect()).isFalse();
    assertThat(all.json().getBytes()).as("no file is locked: the same files").isEqualTo(unlocked.json().getBytes());
    JsonObject groups = new JsonObject(all.json());
    assertThat(groups.fieldNames()).containsExactly("12XXXXX", "23XXXXX", "Misc");
    assertThat(groups.getJsonArray("23XXXXX").getJsonObject(0).getString("filename")).isEqualTo("2345678_\u00e9t\u00e9.nc");
    assertThat(groups.getJsonArray("Misc").size()).as("the deleted file is not listed").isEqualTo(1);
  }

  @Test
  void watchesAndTheInboxOutlastARestart() {
    create("part.nc", NC, "alice");
    checkout("part.nc", "alice");
    storage.call(StorageActions.WATCHES_ADD, fileRequest("part.nc", "bob"));
    restart(new JsonObject());
    assertThat(storage.call(StorageActions.WATCHES_LIST, new JsonObject().put("user", "bob")).getJsonArray("watches")
      .getJsonObject(0).getString("filename")).isEqualTo("part.nc");
    cancel("part.nc", "alice");
    restart(new JsonObject());
    JsonObject inbox = storage.call(StorageActions.NOTICES_LIST, new JsonObject().put("user", "bob"));
    assertThat(inbox.getInteger("unread")).isEqualTo(1);
    assertThat(inbox.getJsonArray("notices").getJsonObject(0).getString("text"))
      .isEqualTo("part.nc, which you watch, is free now");
    assertThat(storage.call(StorageActions.WATCHES_LIST, new JsonObject().put("user", "bob")).getJsonArray("watches"))
      .isEmpty();
  }

  @Test
  void catchUpReportsWhenRetentionDroppedEventsItWouldNeed() {
    restart(new JsonObject().put(ConfigKeys.EVENT_RETENTION, 3));
    create("part.nc", NC, "alice");
    for (int i = 0; i < 3; i++) {
      checkout("part.nc", "alice");
      cancel("part.nc", "alice");
    }
    JsonObject old = storage.call(StorageActions.EVENTS_SINCE, new JsonObject().put("since", 1));
    assertThat(old.getLong("latestSeq")).isEqualTo(8);
    assertThat(old.getLong("oldestSeq")).isEqualTo(6);
    assertThat(old.getBoolean("truncated")).isTrue();
    assertThat(old.getJsonArray("events").size()).isEqualTo(3);
    assertThat(storage.call(StorageActions.EVENTS_SINCE, new JsonObject().put("since", 5)).getBoolean("truncated"))
      .isFalse();
  }

  @Test
  void locksRevisionsActivityAndSeqSurviveARestart() {
    create("part.nc", NC, "alice");
    checkout("part.nc", "alice");
    checkin("part.nc", "alice", NC + "2", "second");
    checkout("part.nc", "bob");
    long seq = latestSeq();

    restart(new JsonObject());

    JsonObject file = storage.call(StorageActions.FILES_GET, new JsonObject().put("filename", "part.nc"));
    assertThat(file.getString("lockedBy")).isEqualTo("bob");
    assertThat(file.getString("revision")).isEqualTo("1.1");
    assertError(storage.failure(StorageActions.FILES_CHECKOUT, fileRequest("part.nc", "alice")), 409, "file_locked");
    assertThat(storage.call(StorageActions.FILES_HISTORY, new JsonObject().put("filename", "part.nc"))
      .getJsonArray("revisions").size()).isEqualTo(2);
    assertThat(storage.call(StorageActions.ACTIVITY_LIST, new JsonObject()).getJsonArray("activities").size())
      .isEqualTo((int) seq);
    assertThat(latestSeq()).isEqualTo(seq);
    assertThat(cancel("part.nc", "bob").getString("status")).isEqualTo(FileInfo.UNLOCKED);
    assertThat(latestSeq()).isEqualTo(seq + 1);
    assertThat(storage.call(StorageActions.USERS_AUTHENTICATE, new JsonObject().put("username", ADMIN)
      .put("password", ADMIN_PASSWORD)).getString("role")).isEqualTo(Roles.ADMIN);
  }

  @Test
  void aGitLfsObjectIsKeptOnlyWhenItsContentIsItsIdAndSurvivesTheSweepOfUnreferencedContentAtStart() {
    JsonObject staged = stage("an LFS object");
    String oid = staged.getString("sha256");
    JsonObject request = new JsonObject().put("oid", oid).put("size", staged.getLong("size")).put("user", "alice")
      .put("role", Roles.PROGRAMMER);
    JsonObject other = stage("something else");
    assertError(storage.failure(StorageActions.LFS_STORE, request.copy().put("staged", other)), 400,
      "validation_failed");
    assertThat(Path.of(other.getString("path"))).doesNotExist();
    assertError(storage.failure(StorageActions.LFS_STORE, request.copy().put("role", Roles.VIEWER)
      .put("staged", stage("an LFS object"))), 403, "forbidden");
    JsonObject query = new JsonObject().put("oids", new io.vertx.core.json.JsonArray().add(oid).add("0".repeat(64)));
    assertThat(storage.call(StorageActions.LFS_OBJECTS, query).getJsonArray("present")).isEmpty();

    long seq = latestSeq();
    assertThat(storage.call(StorageActions.LFS_STORE, request.copy().put("staged", staged)).getString("sha256"))
      .isEqualTo(oid);
    assertThat(storage.call(StorageActions.LFS_STORE, request.copy().put("staged", stage("an LFS object")))
      .getLong("size")).as("stored again: nothing changes").isEqualTo(staged.getLong("size"));
    restart(new JsonObject());

    JsonObject present = storage.call(StorageActions.LFS_OBJECTS, query).getJsonArray("present").getJsonObject(0);
    assertThat(present.getString("sha256")).isEqualTo(oid);
    assertThat(Path.of(present.getString("path"))).hasContent("an LFS object");
    assertThat(latestSeq()).as("objects are no vault files: no event").isEqualTo(seq);
    assertThat(storage.call(StorageActions.FILES_LIST, new JsonObject()).encode()).doesNotContain(oid);
  }

  @Test
  void healthIs503WhenTheBlobStoreIsGone() throws Exception {
    Files.move(dataDir.resolve("blobs"), dataDir.resolve("blobs-moved"));
    // Health answers from the last probe: the next one (every couple of seconds) finds the store gone.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Future<JsonObject> health = storage.send(StorageActions.HEALTH, new JsonObject());
    while (StorageClient.succeeds(health) && System.nanoTime() < deadline) {
      StorageClient.await(vertx.timer(100));
      health = storage.send(StorageActions.HEALTH, new JsonObject());
    }
    PdmError down = StorageClient.failure(health, "health");
    assertError(down, 503, "unavailable");
    assertThat(down.details().getString("database")).isEqualTo("up");
    assertThat(down.details().getString("blobStore")).isEqualTo("down");
    Files.move(dataDir.resolve("blobs-moved"), dataDir.resolve("blobs"));
  }

  @Test
  void atStartFactsThatAreMissingOrOfAnotherRapidRateAreComputedInTheBackground() {
    create("1234567_BR.nc", BRACKET, "alice");
    create("1234567_HO.nc", HOLES, "alice");
    assertThat(facts("1234567_BR.nc", null).getJsonObject("facts").getDouble("estimatedSeconds")).isEqualTo(22.54);
    facts("1234567_HO.nc", null);
    undeploy();
    // as in a vault from before program facts: none stored for the holes
    Database db = Database.open(vertx, StorageConfig.from(config(new JsonObject())));
    StorageClient.await(Database.run(db.pool(), "DELETE FROM program_facts WHERE sha256 = #{sha256}",
      Map.of("sha256", BlobStore.sha256(HOLES.getBytes(StandardCharsets.UTF_8)))));
    StorageClient.await(db.close());

    deploy(new JsonObject().put(ConfigKeys.RAPID_MM_PER_MIN, 5000));

    // the list filters by stored facts only: the holes are found once the backfill has reached them
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (listNames(new JsonObject().put("tool", 3)).isEmpty() && System.nanoTime() < deadline) {
      StorageClient.await(vertx.timer(50));
    }
    assertThat(listNames(new JsonObject().put("tool", 3))).containsExactly("1234567_HO.nc");
    assertThat(facts("1234567_BR.nc", null).getJsonObject("facts").getDouble("estimatedSeconds"))
      .as("the 7 mm rapid at 5,000 instead of 10,000 mm/min").isEqualTo(22.58);
  }
}
