package com.ncvault.storage;

import static com.ncvault.storage.StorageClient.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.EventTypes;
import com.ncvault.contract.FileInfo;
import com.ncvault.contract.Notification;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StorageActions;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageLimits;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What every implementation of the storage contract promises, asked through the typed proxy over
 * the event bus as the other verticles ask. Runs against H2 and PostgreSQL (the storage-verticle)
 * and against the in-memory storage the other modules' tests use, so none of them can drift.
 */
abstract class StorageBehaviour extends StorageTestBase {

  static final String NC = "%\nO1001\nG21 G90\nT1 M06\nS3000 M03\nG01 X10. F500.\nM30\n%\n";

  // --- create, get, list ---

  @Test
  void aNewFileStartsAtRevision1_0InItsPartNumberGroup() {
    JsonObject file = create("1234567_AB1.nc", NC, "alice");

    assertThat(file.getString("filename")).isEqualTo("1234567_AB1.nc");
    assertThat(file.getString("group")).isEqualTo("12XXXXX");
    assertThat(file.getString("revision")).isEqualTo("1.0");
    assertThat(file.getString("status")).isEqualTo(FileInfo.UNLOCKED);
    assertThat(file.getLong("size")).isEqualTo(NC.length());
    assertThat(file.getString("sha256")).isEqualTo(BlobStore.sha256(NC.getBytes(StandardCharsets.UTF_8)));
    assertThat(file.getString("description")).isEqualTo("Program 1234567_AB1.nc");
    assertThat(file.getBoolean("deleted")).isFalse();
    assertThat(storage.call(StorageActions.FILES_GET, new JsonObject().put("filename", "1234567_AB1.nc")))
      .isEqualTo(file);
    assertThat(file.mapTo(FileInfo.class).createdAt()).endsWith("Z");
  }

  @Test
  void anUnknownFileIs404() {
    assertError(storage.failure(StorageActions.FILES_GET, new JsonObject().put("filename", "nope.nc")), 404,
      "not_found");
  }

  @Test
  void aBadFilenameIsRefusedAndItsUploadDeleted() throws Exception {
    JsonObject staged = stage(NC);
    PdmError error = storage.failure(StorageActions.FILES_CREATE, new JsonObject().put("filename", "../etc.nc")
      .put("user", "alice").put("staged", staged));

    assertError(error, 400, "invalid_filename");
    assertThat(Path.of(staged.getString("path"))).doesNotExist();
    assertThat(latestSeq()).isEqualTo(1); // only the first admin's creation
  }

  @Test
  void aSecondFileWithTheSameNameInAnyCaseIsRefused() {
    create("part.nc", NC, "alice");
    JsonObject staged = stage("other");
    PdmError error = storage.failure(StorageActions.FILES_CREATE, new JsonObject().put("filename", "PART.nc")
      .put("user", "bob").put("staged", staged));

    assertError(error, 409, "already_exists");
    assertThat(Path.of(staged.getString("path"))).doesNotExist();
  }

  @Test
  void namesThatAreOneFileOnWindowsOrMacOsCannotBothExistAndTheRefusalNamesTheExistingFile() {
    List<List<String>> pairs = List.of(
      List.of("\u00c4B.nc", "A\u0308B.nc"),          // precomposed and decomposed A-umlaut
      List.of("stra\u00dfe.nc", "STRASSE.nc"),         // sharp s and SS
      List.of("\ufb01le.nc", "FILE.nc"),               // the fi ligature and fi
      List.of("d\u0131sk.nc", "DISK.nc"),              // Turkish dotless i
      List.of("K\u0130T.nc", "kit.nc"),                // Turkish dotted capital I
      List.of("\u039f\u0394\u039f\u03a3.nc", "\u03bf\u03b4\u03bf\u03c2.nc"), // Greek capital and final sigma
      List.of("\u039f\u03a32.nc", "\u03bf\u03c32.nc"),  // Greek capital and small sigma
      List.of("\uff30\uff21\uff32\uff34.nc", "part.nc"), // fullwidth letters
      List.of("\u212a3.nc", "k3.nc"),                  // the Kelvin sign
      List.of("\u01c4X.nc", "\u01c6x.nc"));           // the DZ digraph, capital and small
    for (List<String> pair : pairs) {
      String first = pair.get(0);
      String second = pair.get(1);
      create(first, NC, "alice");
      JsonObject staged = stage("other");
      PdmError error = storage.failure(StorageActions.FILES_CREATE, new JsonObject().put("filename", second)
        .put("user", "bob").put("staged", staged));

      assertError(error, 409, "already_exists");
      assertThat(error.details().getString("existing")).as(second).isEqualTo(first);
      assertThat(error.getMessage()).contains(first);
      assertThat(Path.of(staged.getString("path"))).doesNotExist();
    }
    create("\u00c4C.nc", NC, "bob"); // unlike names still differ
    assertThat(storage.call(StorageActions.FILES_GET, new JsonObject().put("filename", "\u00c4C.nc"))
      .getString("filename")).isEqualTo("\u00c4C.nc");
  }

  @Test
  void anUploadOutsideIncomingOrWithTheWrongSizeIsRefused() throws Exception {
    Path outside = Files.writeString(dataDir.resolve("outside.part"), NC);
    PdmError outsideError = storage.failure(StorageActions.FILES_CREATE, new JsonObject()
      .put("filename", "a.nc").put("user", "alice").put("staged", new JsonObject().put("path", outside.toString())
        .put("size", NC.length()).put("sha256", BlobStore.sha256(NC.getBytes(StandardCharsets.UTF_8)))));
    assertError(outsideError, 400, "bad_request");
    assertThat(outside).exists();

    JsonObject wrongSize = stage(NC).put("size", 3);
    assertError(storage.failure(StorageActions.FILES_CREATE, new JsonObject().put("filename", "a.nc")
      .put("user", "alice").put("staged", wrongSize)), 400, "bad_request");
    assertThat(Path.of(wrongSize.getString("path"))).doesNotExist();

    assertError(storage.failure(StorageActions.FILES_CREATE, new JsonObject().put("filename", "a.nc")
      .put("user", "alice")), 400, "bad_request");
    assertThat(storage.call(StorageActions.FILES_LIST, new JsonObject()).getJsonObject("groups")).isEmpty();
  }

  @Test
  void theSearchFindsFilesWithEveryWordInNameOrDescriptionInAnyOrder() {
    create("1234567_OP20.mcam", NC, "alice");
    create("1234567_OP10.nc", NC, "alice");
    storage.call(StorageActions.FILES_CREATE, new JsonObject().put("filename", "7654321_OP20.nc")
      .put("description", "Flange roughing").put("user", "alice").put("staged", stage(NC)));

    assertThat(listNames(new JsonObject().put("q", "OP20 mcam"))).containsExactly("1234567_OP20.mcam");
    assertThat(listNames(new JsonObject().put("q", "mcam  op20"))).containsExactly("1234567_OP20.mcam");
    assertThat(listNames(new JsonObject().put("q", "roughing op20"))).as("one word in the description, one in the name")
      .containsExactly("7654321_OP20.nc");
    assertThat(listNames(new JsonObject().put("q", "op20 finishing"))).as("every word must be found").isEmpty();
    assertThat(listNames(new JsonObject().put("q", "  "))).hasSize(3);
  }

  @Test
  void theListIsGroupedSortedAndFiltered() {
    create("2345678_B.nc", NC, "alice");
    create("1234567_b.nc", NC, "alice");
    create("1234567_A.nc", NC, "alice");
    create("fixture.tap", "G21\n", "bob");
    create("gone.nc", NC, "bob");
    storage.call(StorageActions.FILES_DELETE, fileRequest("gone.nc", ADMIN).put("role", Roles.ADMIN));
    checkout("1234567_b.nc", "bob");

    JsonObject all = storage.call(StorageActions.FILES_LIST, new JsonObject());
    JsonObject groups = all.getJsonObject("groups");
    assertThat(groups.fieldNames()).containsExactly("12XXXXX", "23XXXXX", "Misc");
    assertThat(names(groups.getJsonArray("12XXXXX"))).containsExactly("1234567_A.nc", "1234567_b.nc");
    assertThat(names(groups.getJsonArray("Misc"))).containsExactly("fixture.tap");
    assertThat(all.getLong("seq")).isEqualTo(latestSeq());

    assertThat(listNames(new JsonObject().put("q", "FIXT"))).containsExactly("fixture.tap");
    assertThat(listNames(new JsonObject().put("q", "program 2345678"))).containsExactly("2345678_B.nc");
    assertThat(listNames(new JsonObject().put("q", "b.nc 1234567"))).as("every word, in any order")
      .containsExactly("1234567_b.nc");
    assertThat(listNames(new JsonObject().put("q", "PROGRAM tap"))).as("in the name or the description")
      .containsExactly("fixture.tap");
    assertThat(listNames(new JsonObject().put("q", "1234567 tap"))).isEmpty();
    assertThat(listNames(new JsonObject().put("status", "locked"))).containsExactly("1234567_b.nc");
    assertThat(listNames(new JsonObject().put("status", "unlocked")))
      .containsExactly("1234567_A.nc", "2345678_B.nc", "fixture.tap");
    assertThat(listNames(new JsonObject().put("status", "mine").put("user", "bob"))).containsExactly("1234567_b.nc");
    assertThat(listNames(new JsonObject().put("status", "mine").put("user", "alice"))).isEmpty();
    assertThat(listNames(new JsonObject().put("status", "deleted"))).containsExactly("gone.nc");
    assertError(storage.failure(StorageActions.FILES_LIST, new JsonObject().put("status", "mine")), 400,
      "bad_request");
    assertError(storage.failure(StorageActions.FILES_LIST, new JsonObject().put("status", "odd")), 400,
      "validation_failed");
  }

  List<String> listNames(JsonObject query) {
    JsonObject groups = storage.call(StorageActions.FILES_LIST, query).getJsonObject("groups");
    List<String> out = new ArrayList<>();
    groups.fieldNames().forEach(g -> out.addAll(names(groups.getJsonArray(g))));
    return out;
  }

  private static List<String> names(JsonArray files) {
    return files.stream().map(f -> ((JsonObject) f).getString("filename")).collect(Collectors.toList());
  }

  // --- locks ---

  @Test
  void aCheckedOutFileIsRefusedToTheNextUserNamingTheHolder() {
    create("part.nc", NC, "alice");
    JsonObject locked = checkout("part.nc", "alice");
    assertThat(locked.getString("status")).isEqualTo(FileInfo.LOCKED);
    assertThat(locked.getString("lockedBy")).isEqualTo("alice");
    assertThat(locked.getString("lockMessage")).isEqualTo("working on it");

    PdmError error = storage.failure(StorageActions.FILES_CHECKOUT, fileRequest("part.nc", "bob"));
    assertError(error, 409, "file_locked");
    assertThat(error.getMessage()).isEqualTo("File is already locked by alice");
    assertThat(error.details().getString("lockedBy")).isEqualTo("alice");
    assertThat(error.details().getString("lockedAt")).isEqualTo(locked.getString("lockedAt"));
    assertError(storage.failure(StorageActions.FILES_CHECKOUT, fileRequest("part.nc", "alice")), 409, "file_locked");
  }

  @Test
  void checkingOutAnUnknownOrDeletedFileIs404() {
    assertError(storage.failure(StorageActions.FILES_CHECKOUT, fileRequest("nope.nc", "bob")), 404, "not_found");
    create("gone.nc", NC, "alice");
    storage.call(StorageActions.FILES_DELETE, fileRequest("gone.nc", ADMIN).put("role", Roles.ADMIN));
    assertError(storage.failure(StorageActions.FILES_CHECKOUT, fileRequest("gone.nc", "bob")), 404, "not_found");
  }

  @Test
  void ofFiftyConcurrentCheckoutsExactlyOneWins() {
    create("hot.nc", NC, "alice");
    long before = latestSeq();
    List<Future<JsonObject>> attempts = IntStream.range(0, 50)
      .mapToObj(i -> storage.send(StorageActions.FILES_CHECKOUT, fileRequest("hot.nc", "user" + i)))
      .collect(Collectors.toList());
    StorageClient.settle(attempts);

    List<JsonObject> won = attempts.stream().filter(Future::succeeded).map(Future::result).toList();
    assertThat(won).hasSize(1);
    String winner = won.get(0).getString("lockedBy");
    List<PdmError> lost = attempts.stream().filter(Future::failed).map(f -> PdmError.from(f.cause())).toList();
    assertThat(lost).hasSize(49).allSatisfy(e -> {
      assertError(e, 409, "file_locked");
      assertThat(e.getMessage()).isEqualTo("File is already locked by " + winner);
      assertThat(e.details().getString("lockedBy")).isEqualTo(winner);
    });
    assertThat(latestSeq()).isEqualTo(before + 1);
  }

  @Test
  void checkInNeedsTheLockAMessageAndAKnownFile() {
    create("part.nc", NC, "alice");
    JsonObject staged = stage("new");
    PdmError notLocked = storage.failure(StorageActions.FILES_CHECKIN, fileRequest("part.nc", "alice")
      .put("message", "m").put("staged", staged));
    assertError(notLocked, 409, "not_lock_holder");
    assertThat(Path.of(staged.getString("path"))).doesNotExist();

    checkout("part.nc", "alice");
    assertError(storage.failure(StorageActions.FILES_CHECKIN, fileRequest("part.nc", "bob").put("message", "m")
      .put("staged", stage("x"))), 409, "not_lock_holder");
    assertError(storage.failure(StorageActions.FILES_CHECKIN, fileRequest("part.nc", "alice")
      .put("staged", stage("x"))), 400, "bad_request");
    assertError(storage.failure(StorageActions.FILES_CHECKIN, fileRequest("part.nc", "alice").put("message", "  ")
      .put("staged", stage("x"))), 400, "bad_request");
    assertError(storage.failure(StorageActions.FILES_CHECKIN, fileRequest("nope.nc", "alice").put("message", "m")
      .put("staged", stage("x"))), 404, "not_found");
    assertThat(storage.call(StorageActions.FILES_GET, new JsonObject().put("filename", "part.nc"))
      .getString("revision")).isEqualTo("1.0");
  }

  @Test
  void checkInAddsAMinorOrMajorRevisionAndReleasesTheLockUnlessKept() {
    create("part.nc", NC, "alice");
    checkout("part.nc", "alice");
    JsonObject v11 = checkin("part.nc", "alice", NC + "(v1.1)\n", "Reduce feed");
    assertThat(v11.getString("revision")).isEqualTo("1.1");
    assertThat(v11.getString("status")).isEqualTo(FileInfo.UNLOCKED);
    assertThat(v11.getString("lockedBy")).isNull();

    checkout("part.nc", "alice");
    JsonObject v20 = storage.call(StorageActions.FILES_CHECKIN, fileRequest("part.nc", "alice")
      .put("message", "New fixture").put("major", true).put("keepLocked", true).put("staged", stage(NC + "v2")));
    assertThat(v20.getString("revision")).isEqualTo("2.0");
    assertThat(v20.getString("lockedBy")).isEqualTo("alice");
    JsonObject v21 = checkin("part.nc", "alice", NC + "v2.1", "Tidy");
    assertThat(v21.getString("revision")).isEqualTo("2.1");
    assertThat(v21.getString("status")).isEqualTo(FileInfo.UNLOCKED);

    JsonObject history = storage.call(StorageActions.FILES_HISTORY, new JsonObject().put("filename", "part.nc"));
    assertThat(history.getJsonArray("revisions").stream().map(r -> ((JsonObject) r).getString("revision")))
      .containsExactly("2.1", "2.0", "1.1", "1.0");
    JsonObject newest = history.getJsonArray("revisions").getJsonObject(0);
    assertThat(newest.getString("author")).isEqualTo("alice");
    assertThat(newest.getString("message")).isEqualTo("Tidy");
    assertError(storage.failure(StorageActions.FILES_HISTORY, new JsonObject().put("filename", "x.nc")), 404,
      "not_found");
  }

  @Test
  void anUploadPreparedUnderALockThatEndedNeverLandsEvenWhenItsUserHoldsANewOne() throws Exception {
    create("part.nc", NC, "alice");
    createUser("bob", Roles.PROGRAMMER);
    String aliceFirst = checkout("part.nc", "alice").getString("lockId");
    assertThat(aliceFirst).isNotBlank();
    assertThat(storage.call(StorageActions.FILES_GET, new JsonObject().put("filename", "part.nc"))
      .getString("lockId")).isEqualTo(aliceFirst);
    storage.call(StorageActions.FILES_OVERRIDE, fileRequest("part.nc", ADMIN).put("role", Roles.ADMIN)
      .put("reason", "bob must fix the feed"));
    String bobs = checkout("part.nc", "bob").getString("lockId");
    assertThat(bobs).isNotEqualTo(aliceFirst);
    checkinUnder("part.nc", "bob", bobs, NC + "(bob's fix)\n", "Fix feed");
    String aliceSecond = checkout("part.nc", "alice").getString("lockId");
    assertThat(aliceSecond).isNotIn(aliceFirst, bobs);

    // Her old upload is admitted neither before staging nor at the commit.
    StorageApi.UploadAdmission late = new StorageApi.UploadAdmission("part.nc", "alice", null, false, aliceFirst);
    assertError(StorageClient.failure(storage.api().admitUpload(late), "admission"), 409, "lock_ended");
    JsonObject staged = stage(NC + "(alice's old version)\n");
    PdmError refused = storage.failure(StorageActions.FILES_CHECKIN, fileRequest("part.nc", "alice")
      .put("message", "old").put("lockId", aliceFirst).put("staged", staged));
    assertError(refused, 409, "lock_ended");
    assertThat(refused.details().getString("revision")).isEqualTo("1.1");
    assertThat(Path.of(staged.getString("path"))).doesNotExist();
    JsonObject file = storage.call(StorageActions.FILES_GET, new JsonObject().put("filename", "part.nc"));
    assertThat(file.getString("revision")).isEqualTo("1.1");
    assertThat(file.getString("lockId")).isEqualTo(aliceSecond);

    // Under the lock she holds now, and kept by a check-in that keeps the file locked.
    JsonObject kept = storage.call(StorageActions.FILES_CHECKIN, fileRequest("part.nc", "alice")
      .put("message", "on top of bob's fix").put("keepLocked", true).put("lockId", aliceSecond)
      .put("staged", stage(NC + "(bob's fix)\n(alice)\n")));
    assertThat(kept.getString("revision")).isEqualTo("1.2");
    assertThat(kept.getString("lockId")).isEqualTo(aliceSecond);
    JsonObject released = checkinUnder("part.nc", "alice", aliceSecond, NC + "(done)\n", "done");
    assertThat(released.getString("lockId")).isNull();
    assertError(storage.failure(StorageActions.FILES_CHECKIN, fileRequest("part.nc", "alice")
      .put("message", "again").put("lockId", aliceSecond).put("staged", stage("x"))), 409, "lock_ended");
    assertError(storage.failure(StorageActions.FILES_CHECKIN, fileRequest("part.nc", "alice")
      .put("message", "m").put("lockId", "x".repeat(65)).put("staged", stage("x"))), 400, "validation_failed");
  }

  @Test
  void onlyTheHolderCancelsACheckout() {
    create("part.nc", NC, "alice");
    assertError(storage.failure(StorageActions.FILES_CANCEL, fileRequest("part.nc", "alice")), 409,
      "not_lock_holder");
    checkout("part.nc", "alice");
    assertError(storage.failure(StorageActions.FILES_CANCEL, fileRequest("part.nc", "bob")), 409, "not_lock_holder");
    assertError(storage.failure(StorageActions.FILES_CANCEL, fileRequest("nope.nc", "bob")), 404, "not_found");
    JsonObject free = cancel("part.nc", "alice");
    assertThat(free.getString("status")).isEqualTo(FileInfo.UNLOCKED);
    assertThat(checkout("part.nc", "bob").getString("lockedBy")).isEqualTo("bob");
  }

  @Test
  void anAdminOverridesAStaleLockWithAReasonAndTheHolderIsNotified() {
    create("part.nc", NC, "alice");
    createUser("carol", Roles.PROGRAMMER);
    checkout("part.nc", "alice");
    Promise<JsonObject> note = Promise.promise();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.NOTIFY, m -> note.tryComplete(m.body()));
    StorageClient.await(consumer.completion());

    assertError(storage.failure(StorageActions.FILES_OVERRIDE, fileRequest("part.nc", "carol")
      .put("role", Roles.PROGRAMMER).put("reason", "r")), 403, "forbidden");
    assertError(storage.failure(StorageActions.FILES_OVERRIDE, fileRequest("part.nc", "carol")
      .put("role", Roles.ADMIN).put("reason", "claims to be admin")), 403, "forbidden");
    assertError(storage.failure(StorageActions.FILES_OVERRIDE, fileRequest("part.nc", ADMIN)
      .put("role", Roles.ADMIN)), 400, "bad_request");

    JsonObject free = storage.call(StorageActions.FILES_OVERRIDE, fileRequest("part.nc", ADMIN)
      .put("role", Roles.ADMIN).put("reason", "alice is on holiday"));
    assertThat(free.getString("status")).isEqualTo(FileInfo.UNLOCKED);
    assertError(storage.failure(StorageActions.FILES_OVERRIDE, fileRequest("part.nc", ADMIN)
      .put("role", Roles.ADMIN).put("reason", "again")), 409, "conflict");

    JsonObject event = lastEvent();
    assertThat(event.getString("type")).isEqualTo(EventTypes.OVERRIDE);
    assertThat(event.getJsonObject("details")).isEqualTo(new JsonObject().put("formerHolder", "alice")
      .put("reason", "alice is on holiday"));
    Notification notification = StorageClient.await(note.future()).mapTo(Notification.class);
    StorageClient.await(consumer.unregister());
    assertThat(notification.to()).isEqualTo("alice");
    assertThat(notification.from()).isEqualTo(ADMIN);
    assertThat(notification.kind()).isEqualTo("override");
    assertThat(notification.filename()).isEqualTo("part.nc");
    assertThat(notification.text()).contains("alice is on holiday");
  }

  @Test
  void anAdminDeletesAFreeFileAndRestoresIt() {
    create("part.nc", NC, "alice");
    checkout("part.nc", "alice");
    assertError(storage.failure(StorageActions.FILES_DELETE, fileRequest("part.nc", "alice")
      .put("role", Roles.PROGRAMMER)), 403, "forbidden");
    PdmError locked = storage.failure(StorageActions.FILES_DELETE, fileRequest("part.nc", ADMIN)
      .put("role", Roles.ADMIN));
    assertError(locked, 409, "file_locked");
    assertThat(locked.details().getString("lockedBy")).isEqualTo("alice");
    cancel("part.nc", "alice");

    JsonObject deleted = storage.call(StorageActions.FILES_DELETE, fileRequest("part.nc", ADMIN)
      .put("role", Roles.ADMIN));
    assertThat(deleted.getBoolean("deleted")).isTrue();
    assertThat(storage.call(StorageActions.FILES_LIST, new JsonObject()).getJsonObject("groups")).isEmpty();
    assertError(storage.failure(StorageActions.FILES_DELETE, fileRequest("part.nc", ADMIN).put("role", Roles.ADMIN)),
      404, "not_found");

    JsonObject restored = storage.call(StorageActions.FILES_RESTORE, fileRequest("part.nc", ADMIN)
      .put("role", Roles.ADMIN));
    assertThat(restored.getBoolean("deleted")).isFalse();
    assertThat(restored.getString("revision")).isEqualTo("1.0");
    assertError(storage.failure(StorageActions.FILES_RESTORE, fileRequest("part.nc", ADMIN).put("role", Roles.ADMIN)),
      404, "not_found");
    assertError(storage.failure(StorageActions.FILES_RESTORE, fileRequest("part.nc", "alice")), 403, "forbidden");
  }

  // --- content ---

  @Test
  void contentOfTheCurrentAndOfAnOldRevisionCanBeRead() throws Exception {
    create("part.nc", NC, "alice");
    checkout("part.nc", "alice");
    checkin("part.nc", "alice", NC + "(B)\n", "B");

    JsonObject current = storage.call(StorageActions.FILES_CONTENT, new JsonObject().put("filename", "part.nc"));
    assertThat(current.getString("revision")).isEqualTo("1.1");
    assertThat(Files.readString(Path.of(current.getString("path")))).isEqualTo(NC + "(B)\n");
    assertThat(current.getLong("size")).isEqualTo(NC.length() + 4);
    JsonObject old = storage.call(StorageActions.FILES_CONTENT, new JsonObject().put("filename", "part.nc")
      .put("rev", "1.0"));
    assertThat(Files.readString(Path.of(old.getString("path")))).isEqualTo(NC);
    assertThat(old.getString("sha256")).isEqualTo(BlobStore.sha256(NC.getBytes(StandardCharsets.UTF_8)));

    assertError(storage.failure(StorageActions.FILES_CONTENT, new JsonObject().put("filename", "part.nc")
      .put("rev", "7.0")), 404, "not_found");
    assertError(storage.failure(StorageActions.FILES_CONTENT, new JsonObject().put("filename", "part.nc")
      .put("rev", "latest")), 400, "bad_request");
    assertError(storage.failure(StorageActions.FILES_CONTENT, new JsonObject().put("filename", "x.nc")), 404,
      "not_found");
  }

  @Test
  void identicalContentIsStoredOnce() throws Exception {
    create("a.nc", NC, "alice");
    create("b.nc", NC, "bob");
    checkout("a.nc", "alice");
    JsonObject staged = stage(NC);
    storage.call(StorageActions.FILES_CHECKIN, fileRequest("a.nc", "alice").put("message", "same")
      .put("staged", staged));

    assertThat(filesIn(dataDir.resolve("blobs"))).isEqualTo(1);
    assertThat(filesIn(dataDir.resolve("incoming"))).isZero();
    assertThat(Path.of(staged.getString("path"))).doesNotExist();
  }

  @Test
  void twoRevisionsCompareAsAUnifiedDiffAndBinaryOrHugeOnesAreRefused() {
    String v1 = "O1001\nG21 G90\nT1 M06\nS3000 M03\nG01 X10. F600.\nG01 Y20.\nG01 X0.\nM30\n";
    String v2 = v1.replace("F600.", "F450.");
    create("part.nc", v1, "alice");
    checkout("part.nc", "alice");
    checkin("part.nc", "alice", v2, "Feed");

    JsonObject diff = storage.call(StorageActions.FILES_DIFF, new JsonObject().put("filename", "part.nc")
      .put("from", "1.0").put("to", "1.1"));
    assertThat(diff.getString("from")).isEqualTo("1.0");
    assertThat(diff.getString("to")).isEqualTo("1.1");
    assertThat(diff.getString("diff")).startsWith("--- a/part.nc@1.0\n+++ b/part.nc@1.1\n@@ -2,7 +2,7 @@\n")
      .contains("-G01 X10. F600.\n+G01 X10. F450.\n");

    assertError(storage.failure(StorageActions.FILES_DIFF, new JsonObject().put("filename", "part.nc")
      .put("from", "1.0").put("to", "3.0")), 404, "not_found");

    byte[] binary = {'M', 'C', 0, 1, 2, (byte) 0xff};
    storage.call(StorageActions.FILES_CREATE, new JsonObject().put("filename", "part.mcam").put("user", "alice")
      .put("staged", storage.stage(binary)));
    checkout("part.mcam", "alice");
    checkin("part.mcam", "alice", "now text", "text");
    assertError(storage.failure(StorageActions.FILES_DIFF, new JsonObject().put("filename", "part.mcam")
      .put("from", "1.0").put("to", "1.1")), 415, "unsupported_media_type");

    byte[] huge = new byte[(int) TextDiff.MAX_BYTES + 1];
    java.util.Arrays.fill(huge, (byte) 'G');
    storage.call(StorageActions.FILES_CREATE, new JsonObject().put("filename", "huge.nc").put("user", "alice")
      .put("staged", storage.stage(huge)));
    checkout("huge.nc", "alice");
    checkin("huge.nc", "alice", "small", "shrink");
    assertError(storage.failure(StorageActions.FILES_DIFF, new JsonObject().put("filename", "huge.nc")
      .put("from", "1.0").put("to", "1.1")), 413, "payload_too_large");
  }

  // --- program facts ---

  /** A slot 300 mm long in X with tool 12: hand-worked lengths and time below. */
  static final String BRACKET = "%\nO2001 (BRACKET)\nG21 G90 G17\nT12 M6 (10MM ENDMILL)\nG0 X0 Y0 Z5.\n"
    + "G1 Z-2. F200.\nG1 X300. F1000.\nG1 Y40.\nG0 Z5.\nM30\n%\n";
  /** Two holes 50 mm apart with tool 3. */
  static final String HOLES = "O2002\nT3 M6 (6.8 DRILL)\nG90 G0 X10. Y10. Z5.\nG98 G81 X10. Y10. Z-10. R2. F100.\n"
    + "X60.\nG80\nM30\n";

  JsonObject facts(String filename, String rev) {
    return storage.call(StorageActions.FILES_PROGRAM, new JsonObject().put("filename", filename).put("rev", rev));
  }

  @Test
  void aRevisionsProgramFactsAreItsToolsExtentsLengthsAndTime() {
    create("1234567_BR.nc", BRACKET, "alice");
    checkout("1234567_BR.nc", "alice");
    checkin("1234567_BR.nc", "alice", HOLES, "drilled instead");

    JsonObject first = facts("1234567_BR.nc", "1.0");
    assertThat(first.getString("revision")).isEqualTo("1.0");
    assertThat(first.getString("sha256")).isEqualTo(BlobStore.sha256(BRACKET.getBytes(StandardCharsets.UTF_8)));
    assertThat(first.getLong("size")).isEqualTo(BRACKET.length());
    JsonObject bracket = first.getJsonObject("facts");
    assertThat(bracket.getLong("programNumber")).isEqualTo(2001);
    assertThat(bracket.getString("units")).isEqualTo("mm");
    assertThat(bracket.getInteger("lines")).isEqualTo(11);
    assertThat(bracket.getJsonArray("tools")).containsExactly(new JsonObject().put("number", 12)
      .put("comment", "10MM ENDMILL").put("line", 4));
    assertThat(bracket.getJsonObject("extents")).isEqualTo(new JsonObject()
      .put("min", new JsonObject().put("x", 0.0).put("y", 0.0).put("z", -2.0))
      .put("max", new JsonObject().put("x", 300.0).put("y", 40.0).put("z", 5.0)));
    // feeds: 7 mm at 200 + 340 mm at 1000 mm/min; the rapid up 7 mm at 10,000 mm/min (the first
    // rapid starts where the machine stands, which the program does not say: not counted)
    assertThat(bracket.getDouble("feedDistance")).isEqualTo(347.0);
    assertThat(bracket.getDouble("rapidDistance")).isEqualTo(7.0);
    assertThat(bracket.getDouble("estimatedSeconds")).as("2.1 + 20.4 + 0.042 s, to 0.01 s").isEqualTo(22.54);
    assertThat(bracket.getJsonArray("subprograms")).isEmpty();
    assertThat(bracket.getJsonArray("warnings")).isEmpty();

    JsonObject current = facts("1234567_BR.nc", null);
    assertThat(current.getString("revision")).isEqualTo("1.1");
    assertThat(current.getJsonObject("facts").getJsonArray("tools").getJsonObject(0).getInteger("number")).isEqualTo(3);
    assertThat(current.getJsonObject("facts").getJsonObject("extents").getJsonObject("max").getDouble("x"))
      .isEqualTo(60.0);
    assertThat(facts("1234567_BR.nc", "1.0")).as("asked again").isEqualTo(first);
  }

  @Test
  void binaryContentHasNoFactsAndUnknownRevisionsNone() {
    storage.call(StorageActions.FILES_CREATE, new JsonObject().put("filename", "part.mcam").put("user", "alice")
      .put("staged", storage.stage(new byte[] {'M', 'C', 0, 1, 2, (byte) 0xff})));
    create("part.nc", BRACKET, "alice");

    assertError(storage.failure(StorageActions.FILES_PROGRAM, new JsonObject().put("filename", "part.mcam")), 415,
      "unsupported_media_type");
    assertError(storage.failure(StorageActions.FILES_PROGRAM, new JsonObject().put("filename", "part.nc")
      .put("rev", "2.0")), 404, "not_found");
    assertError(storage.failure(StorageActions.FILES_PROGRAM, new JsonObject().put("filename", "part.nc")
      .put("rev", "newest")), 400, "bad_request");
    assertError(storage.failure(StorageActions.FILES_PROGRAM, new JsonObject().put("filename", "none.nc")), 404,
      "not_found");
  }

  @Test
  void theListFiltersByToolAndLengthsOfEachFilesCurrentRevision() {
    create("1234567_BR.nc", BRACKET, "alice");
    create("1234567_HO.nc", HOLES, "alice");
    storage.call(StorageActions.FILES_CREATE, new JsonObject().put("filename", "part.mcam").put("user", "alice")
      .put("staged", storage.stage(new byte[] {'M', 'C', 0, 1})));
    // the list filters by the facts storage has: asking for them makes sure they are there
    facts("1234567_BR.nc", null);
    facts("1234567_HO.nc", null);
    storage.failure(StorageActions.FILES_PROGRAM, new JsonObject().put("filename", "part.mcam"));

    assertThat(listNames(new JsonObject().put("tool", 12))).containsExactly("1234567_BR.nc");
    assertThat(listNames(new JsonObject().put("tool", 1))).isEmpty();
    assertThat(listNames(new JsonObject().put("minLengthX", 300))).containsExactly("1234567_BR.nc");
    assertThat(listNames(new JsonObject().put("minLengthX", 300.001))).isEmpty();
    assertThat(listNames(new JsonObject().put("maxLengthX", 100))).containsExactly("1234567_HO.nc");
    assertThat(listNames(new JsonObject().put("minLengthZ", 15).put("maxLengthZ", 15))).containsExactly("1234567_HO.nc");
    assertThat(listNames(new JsonObject().put("tool", 12).put("maxLengthY", 10))).isEmpty();
    assertThat(listNames(new JsonObject().put("tool", 3).put("q", "BR"))).isEmpty();
    assertThat(listNames(new JsonObject())).hasSize(3);

    checkout("1234567_HO.nc", "bob");
    checkin("1234567_HO.nc", "bob", BRACKET.replace("O2001", "O2003"), "the bracket again");
    facts("1234567_HO.nc", null);
    assertThat(listNames(new JsonObject().put("tool", 12))).containsExactly("1234567_BR.nc", "1234567_HO.nc");
    assertThat(listNames(new JsonObject().put("tool", 3))).as("only current revisions count").isEmpty();

    assertError(storage.failure(StorageActions.FILES_LIST, new JsonObject().put("tool", -1)), 400,
      "validation_failed");
    assertError(storage.failure(StorageActions.FILES_LIST, new JsonObject().put("minLengthY", 5).put("maxLengthY", 4)),
      400, "validation_failed");
    assertError(storage.failure(StorageActions.FILES_LIST, new JsonObject().put("maxLengthZ", 1e9)), 400,
      "validation_failed");
    assertError(storage.failure(StorageActions.FILES_LIST, new JsonObject().put("tool", "twelve")), 400,
      "bad_request");
  }

  // --- events, seq, activity, dashboard ---

  @Test
  void eachCommittedChangeIsPublishedWithTheJsonThatCatchUpReplays() {
    long start = latestSeq();
    List<JsonObject> published = new CopyOnWriteArrayList<>();
    Promise<Void> allFour = Promise.promise();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.DOMAIN_EVENTS, m -> {
      published.add(m.body());
      if (published.size() == 4) {
        allFour.tryComplete();
      }
    });
    StorageClient.await(consumer.completion());

    create("part.nc", NC, "alice");
    checkout("part.nc", "alice");
    storage.failure(StorageActions.FILES_CHECKOUT, fileRequest("part.nc", "bob"));
    checkin("part.nc", "alice", NC + "x", "Change");
    createUser("dave", Roles.VIEWER);
    StorageClient.await(allFour.future());

    JsonObject replay = storage.call(StorageActions.EVENTS_SINCE, new JsonObject().put("since", start));
    JsonArray events = replay.getJsonArray("events");
    assertThat(events.getList()).hasSize(4);
    assertThat(published.stream().sorted((a, b) -> Long.compare(a.getLong("seq"), b.getLong("seq"))).toList())
      .isEqualTo(events.stream().map(e -> (JsonObject) e).toList());
    assertThat(events.stream().map(e -> ((JsonObject) e).getString("type")))
      .containsExactly(EventTypes.CREATE, EventTypes.CHECKOUT, EventTypes.CHECKIN, EventTypes.USER_CREATED);
    assertThat(replay.getLong("latestSeq")).isEqualTo(start + 4);
    assertThat(replay.getLong("oldestSeq")).isEqualTo(1);
    assertThat(replay.getBoolean("truncated")).isFalse();

    DomainEvent checkin = events.getJsonObject(2).mapTo(DomainEvent.class);
    assertThat(checkin.seq()).isEqualTo(start + 3);
    assertThat(checkin.filename()).isEqualTo("part.nc");
    assertThat(checkin.user()).isEqualTo("alice");
    assertThat(checkin.revision()).isEqualTo("1.1");
    assertThat(checkin.message()).isEqualTo("Change");
    assertThat(checkin.details().getBoolean("keepLocked")).isFalse();
    assertThat(checkin.file().status()).isEqualTo(FileInfo.UNLOCKED);
    DomainEvent user = events.getJsonObject(3).mapTo(DomainEvent.class);
    assertThat(user.file()).isNull();
    assertThat(user.filename()).isNull();
    assertThat(user.details().getString("role")).isEqualTo(Roles.VIEWER);
    assertThat(events.getJsonObject(3).encode()).doesNotContain("dave-password").doesNotContain("$2");

    assertThat(storage.call(StorageActions.EVENTS_SINCE, new JsonObject().put("since", start + 2).put("limit", 1))
      .getJsonArray("events").getJsonObject(0).getLong("seq")).isEqualTo(start + 3);
    StorageClient.await(consumer.unregister());
  }

  @Test
  void aCatchUpPageReadWhileChangesCommitShowsEveryEventUpToItsLatestSeq() {
    create("busy.nc", NC, "alice");
    long start = latestSeq();
    List<Future<JsonObject>> changes = new ArrayList<>();
    List<Future<JsonObject>> pages = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      changes.add(storage.send(i % 2 == 0 ? StorageActions.FILES_CHECKOUT : StorageActions.FILES_CANCEL,
        fileRequest("busy.nc", "alice")));
      pages.add(storage.send(StorageActions.EVENTS_SINCE, new JsonObject().put("since", start)));
    }
    StorageClient.settle(changes);
    StorageClient.settle(pages);
    // A reader that trusts latestSeq (sync's catch-up) must find every event up to it in the page:
    // an empty page with a newer latestSeq would look like lost history and force a snapshot.
    for (Future<JsonObject> page : pages) {
      JsonObject reply = page.result();
      assertThat(reply.getJsonArray("events").size()).as("events of %s", reply.encode())
        .isEqualTo((int) (reply.getLong("latestSeq") - start));
    }
  }

  @Test
  void seqStaysGapFreeThroughAMixedWorkloadWithFailures() {
    long start = latestSeq();
    List<Future<JsonObject>> work = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      create("f" + i + ".nc", NC + i, "alice");
    }
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 6; i++) {
        work.add(storage.send(StorageActions.FILES_CHECKOUT, fileRequest("f" + i + ".nc", "u" + (i % 2))));
        work.add(storage.send(StorageActions.FILES_CHECKOUT, fileRequest("f" + i + ".nc", "u9")));
        work.add(storage.send(StorageActions.FILES_CANCEL, fileRequest("f" + i + ".nc", "u" + (i % 2))));
        work.add(storage.send(StorageActions.FILES_DELETE, fileRequest("f" + i + ".nc", "u1")));
        work.add(storage.send(StorageActions.FILES_GET, new JsonObject().put("filename", "missing.nc")));
      }
    }
    StorageClient.settle(work);
    assertThat(work.stream().filter(Future::failed).count()).isPositive();

    JsonArray events = storage.call(StorageActions.EVENTS_SINCE, new JsonObject().put("since", start))
      .getJsonArray("events");
    List<Long> seqs = events.stream().map(e -> ((JsonObject) e).getLong("seq")).toList();
    long committed = 6 + work.stream().filter(Future::succeeded)
      .filter(f -> f.result().containsKey("status")).count();
    assertThat(seqs).hasSize((int) committed);
    assertThat(seqs).isEqualTo(IntStream.rangeClosed(1, seqs.size()).mapToObj(i -> start + i).toList());
    assertThat(latestSeq()).isEqualTo(start + committed);
  }

  @Test
  void userAdministrationCanBeLeftOutOfTheEventLogAndTheFeedForThoseWhoAreNotAdmins() {
    long start = latestSeq();
    createUser("carol", Roles.VIEWER);
    create("part.nc", NC, "alice");
    storage.call(StorageActions.USERS_UPDATE, new JsonObject().put("username", "carol").put("role", Roles.PROGRAMMER)
      .put("user", ADMIN));
    storage.call(StorageActions.USERS_PASSWORD, new JsonObject().put("username", "carol")
      .put("password", "new-password-9").put("user", ADMIN));
    checkout("part.nc", "alice");
    storage.call(StorageActions.USERS_DELETE, new JsonObject().put("username", "carol").put("user", ADMIN));

    JsonObject everything = storage.call(StorageActions.EVENTS_SINCE, new JsonObject().put("since", start));
    assertThat(types(everything.getJsonArray("events"), "type"))
      .containsExactly("user_created", "create", "user_changed", "user_changed", "checkout", "user_deleted");
    JsonObject forOthers = storage.call(StorageActions.EVENTS_SINCE, new JsonObject().put("since", start)
      .put("withoutUserAdministration", true));
    assertThat(types(forOthers.getJsonArray("events"), "type")).containsExactly("create", "checkout");
    assertThat(forOthers.getLong("latestSeq")).as("the log's end still counts every event").isEqualTo(start + 6);
    assertThat(storage.call(StorageActions.EVENTS_SINCE, new JsonObject().put("since", start).put("limit", 1)
      .put("withoutUserAdministration", true)).getJsonArray("events").getJsonObject(0).getString("type"))
      .as("a page is filled with what may be read").isEqualTo("create");

    assertThat(types(storage.call(StorageActions.ACTIVITY_LIST, new JsonObject()).getJsonArray("activities"),
      "event_type")).contains("user_created", "user_changed", "user_deleted");
    assertThat(types(storage.call(StorageActions.ACTIVITY_LIST, new JsonObject().put("withoutUserAdministration", true))
      .getJsonArray("activities"), "event_type")).containsExactly("checkout", "create");
    assertThat(storage.call(StorageActions.ACTIVITY_LIST, new JsonObject().put("type", "user_created")
      .put("withoutUserAdministration", true)).getJsonArray("activities")).as("asked for by type").isEmpty();
  }

  private static List<String> types(JsonArray entries, String field) {
    return entries.stream().map(e -> ((JsonObject) e).getString(field)).toList();
  }

  @Test
  void theActivityFeedIsNewestFirstAndFilters() {
    create("part.nc", NC, "alice");
    checkout("part.nc", "alice");
    cancel("part.nc", "alice");
    checkout("part.nc", "bob");

    JsonArray all = storage.call(StorageActions.ACTIVITY_LIST, new JsonObject()).getJsonArray("activities");
    assertThat(all.stream().map(a -> ((JsonObject) a).getString("event_type")))
      .containsExactly("checkout", "cancel", "checkout", "create", "user_created");
    JsonObject newest = all.getJsonObject(0);
    assertThat(newest.fieldNames()).containsExactlyInAnyOrder("seq", "event_type", "filename", "user", "timestamp",
      "revision", "message");
    assertThat(newest.getString("user")).isEqualTo("bob");
    assertThat(newest.getString("revision")).isEqualTo("1.0");

    JsonArray alices = storage.call(StorageActions.ACTIVITY_LIST, new JsonObject().put("user", "alice"))
      .getJsonArray("activities");
    assertThat(alices.size()).isEqualTo(3);
    JsonArray checkouts = storage.call(StorageActions.ACTIVITY_LIST, new JsonObject().put("type", "checkout")
      .put("limit", 1).put("offset", 1)).getJsonArray("activities");
    assertThat(checkouts.size()).isEqualTo(1);
    assertThat(checkouts.getJsonObject(0).getString("user")).isEqualTo("alice");
  }

  @Test
  void theDashboardShowsCheckoutsLongestFirstAndTotals() {
    create("a.nc", NC, "alice");
    create("b.nc", NC + "b", "alice");
    create("c.nc", NC + "c", "alice");
    checkout("a.nc", "alice");
    checkout("b.nc", "bob");
    checkout("c.nc", "bob");
    checkin("c.nc", "bob", NC + "c2", "c2");
    create("d.nc", NC + "d", "alice");
    storage.call(StorageActions.FILES_DELETE, fileRequest("d.nc", ADMIN).put("role", Roles.ADMIN));

    JsonObject stats = storage.call(StorageActions.DASHBOARD_STATS, new JsonObject().put("staleSeconds", 0));
    JsonArray active = stats.getJsonArray("active_checkouts");
    assertThat(active.stream().map(a -> ((JsonObject) a).getString("filename"))).containsExactly("a.nc", "b.nc");
    assertThat(active.getJsonObject(0).fieldNames()).containsExactlyInAnyOrder("filename", "locked_by", "locked_at",
      "duration_seconds", "lock_message", "stale");
    assertThat(active.getJsonObject(0).getBoolean("stale")).isTrue();
    assertThat(stats.getLong("total_files")).isEqualTo(3);
    assertThat(stats.getLong("locked_files")).isEqualTo(2);
    assertThat(stats.getLong("deleted_files")).isEqualTo(1);
    assertThat(stats.getLong("total_revisions")).isEqualTo(5);
    assertThat(stats.getLong("users")).isEqualTo(1);
    assertThat(stats.getLong("stale_lock_seconds")).isZero();
    JsonArray perDay = stats.getJsonArray("checkins_per_day");
    assertThat(perDay.size()).isEqualTo(30);
    assertThat(perDay.getJsonObject(29).getString("day")).isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC)
      .toString());
    assertThat(perDay.getJsonObject(29).getInteger("count")).isEqualTo(1);
    assertThat(stats.getJsonArray("locks_per_user")).containsExactly(
      new JsonObject().put("user", "alice").put("count", 1), new JsonObject().put("user", "bob").put("count", 1));
    assertThat(storage.call(StorageActions.DASHBOARD_STATS, new JsonObject()).getJsonArray("active_checkouts")
      .getJsonObject(0).getBoolean("stale")).isFalse();
  }

  // --- restart ---

  // --- users ---

  @Test
  void loginChecksTheNameAndPasswordWithoutSayingWhichWasWrong() {
    JsonObject admin = storage.call(StorageActions.USERS_AUTHENTICATE, new JsonObject().put("username", ADMIN)
      .put("password", ADMIN_PASSWORD));
    assertThat(admin.getString("username")).isEqualTo(ADMIN);
    assertThat(admin.getString("role")).isEqualTo(Roles.ADMIN);
    assertThat(admin.fieldNames()).containsExactlyInAnyOrder("username", "role", "createdAt", "id");

    PdmError wrongPassword = storage.failure(StorageActions.USERS_AUTHENTICATE, new JsonObject()
      .put("username", ADMIN).put("password", "nope-nope"));
    PdmError unknownUser = storage.failure(StorageActions.USERS_AUTHENTICATE, new JsonObject()
      .put("username", "mallory").put("password", "nope-nope"));
    assertError(wrongPassword, 401, "unauthenticated");
    assertThat(wrongPassword.getMessage()).isEqualTo("Invalid username or password");
    assertThat(unknownUser.getMessage()).isEqualTo(wrongPassword.getMessage());
    assertError(storage.failure(StorageActions.USERS_AUTHENTICATE, new JsonObject()), 401, "unauthenticated");
  }

  @Test
  void noAccountMayTakeTheNameTheServerWritesForItselfWhateverItsCase() {
    JsonObject request = new JsonObject().put("password", "long-enough").put("role", Roles.ADMIN).put("user", ADMIN);
    for (String name : List.of("system", "SYSTEM", "System")) {
      PdmError refused = storage.failure(StorageActions.USERS_CREATE, request.copy().put("username", name));
      assertError(refused, 400, "validation_failed");
      assertThat(refused.getMessage()).as(name).contains("system is reserved");
      assertThat(refused.details().getString("field")).isEqualTo("username");
    }
    assertThat(storage.call(StorageActions.USERS_LIST, new JsonObject()).getJsonArray("users").stream()
      .map(u -> ((JsonObject) u).getString("username"))).containsExactly(ADMIN);
    assertThat(createUser("systems", Roles.VIEWER).getString("username")).as("a name that only begins so").isEqualTo("systems");
  }

  @Test
  void anAdminManagesUsersWithinTheRules() {
    JsonObject carol = createUser("carol", Roles.PROGRAMMER);
    assertThat(carol.getString("role")).isEqualTo(Roles.PROGRAMMER);
    assertThat(storage.call(StorageActions.USERS_GET, new JsonObject().put("username", "carol")))
      .isEqualTo(carol.copy().put("sessionsSince", 0L));
    assertError(storage.failure(StorageActions.USERS_GET, new JsonObject().put("username", "zed")), 404, "not_found");
    assertThat(storage.call(StorageActions.USERS_LIST, new JsonObject()).getJsonArray("users").stream()
      .map(u -> ((JsonObject) u).getString("username"))).containsExactly(ADMIN, "carol");

    JsonObject bad = new JsonObject().put("password", "long-enough").put("role", Roles.VIEWER).put("user", ADMIN);
    assertError(storage.failure(StorageActions.USERS_CREATE, bad.copy().put("username", "Carol")), 400,
      "validation_failed");
    assertError(storage.failure(StorageActions.USERS_CREATE, bad.copy().put("username", "a".repeat(33))), 400,
      "validation_failed");
    assertError(storage.failure(StorageActions.USERS_CREATE, bad.copy().put("username", "eve").put("role", "root")),
      400, "validation_failed");
    assertError(storage.failure(StorageActions.USERS_CREATE, bad.copy().put("username", "eve").put("password", "short")),
      400, "validation_failed");
    assertError(storage.failure(StorageActions.USERS_CREATE, bad.copy().put("username", "carol")), 409,
      "already_exists");
    assertError(storage.failure(StorageActions.USERS_CREATE, bad.copy().put("username", "eve").put("user", "carol")),
      403, "forbidden");

    JsonObject promoted = storage.call(StorageActions.USERS_UPDATE, new JsonObject().put("username", "carol")
      .put("role", Roles.ADMIN).put("user", ADMIN));
    assertThat(promoted.getString("role")).isEqualTo(Roles.ADMIN);
    long beforeReset = System.currentTimeMillis();
    storage.call(StorageActions.USERS_PASSWORD, new JsonObject().put("username", "carol")
      .put("password", "new-password-9").put("user", ADMIN));
    assertThat(storage.call(StorageActions.USERS_AUTHENTICATE, new JsonObject().put("username", "carol")
      .put("password", "new-password-9")).getString("role")).isEqualTo(Roles.ADMIN);
    assertThat(storage.call(StorageActions.USERS_GET, new JsonObject().put("username", "carol"))
      .getLong("sessionsSince")).as("a new password ends the sessions made with the old one")
      .isBetween(beforeReset, System.currentTimeMillis());
    assertError(storage.failure(StorageActions.USERS_PASSWORD, new JsonObject().put("username", "carol")
      .put("password", "1234567").put("user", ADMIN)), 400, "validation_failed");
    assertError(storage.failure(StorageActions.USERS_PASSWORD, new JsonObject().put("username", "zed")
      .put("password", "12345678").put("user", ADMIN)), 404, "not_found");

    assertError(storage.failure(StorageActions.USERS_DELETE, new JsonObject().put("username", ADMIN)
      .put("user", ADMIN)), 409, "conflict");
    storage.call(StorageActions.USERS_DELETE, new JsonObject().put("username", ADMIN).put("user", "carol"));
    assertError(storage.failure(StorageActions.USERS_UPDATE, new JsonObject().put("username", "carol")
      .put("role", Roles.VIEWER).put("user", "carol")), 409, "conflict");
    createUser2("frank", Roles.VIEWER, "carol");
    assertError(storage.failure(StorageActions.USERS_DELETE, new JsonObject().put("username", "carol")
      .put("user", "frank")), 403, "forbidden");
    assertError(storage.failure(StorageActions.USERS_DELETE, new JsonObject().put("username", "zed")
      .put("user", "carol")), 404, "not_found");

    JsonArray events = storage.call(StorageActions.EVENTS_SINCE, new JsonObject().put("since", 0))
      .getJsonArray("events");
    assertThat(events.stream().map(e -> ((JsonObject) e).getString("type"))).containsExactly(
      EventTypes.USER_CREATED, EventTypes.USER_CREATED, EventTypes.USER_CHANGED, EventTypes.USER_CHANGED,
      EventTypes.USER_DELETED, EventTypes.USER_CREATED);
    assertThat(events.encode()).doesNotContain("password\":\"").doesNotContain("new-password-9")
      .doesNotContain(ADMIN_PASSWORD).doesNotContain("$2a$");
  }

  @Test
  void anAccountKeepsItsIdForLifeAndANewAccountOfTheSameNameGetsAnother() {
    String first = createUser("dora", Roles.PROGRAMMER).getString("id");
    assertThat(UUID.fromString(first)).isNotNull();
    assertThat(storage.call(StorageActions.USERS_UPDATE, new JsonObject().put("username", "dora")
      .put("role", Roles.VIEWER).put("user", ADMIN)).getString("id")).isEqualTo(first);
    assertThat(storage.call(StorageActions.USERS_PASSWORD, new JsonObject().put("username", "dora")
      .put("password", "another-password").put("user", ADMIN)).getString("id")).isEqualTo(first);
    assertThat(storage.call(StorageActions.USERS_AUTHENTICATE, new JsonObject().put("username", "dora")
      .put("password", "another-password")).getString("id")).isEqualTo(first);
    assertThat(storage.call(StorageActions.USERS_GET, new JsonObject().put("username", "dora")).getString("id"))
      .isEqualTo(first);

    storage.call(StorageActions.USERS_DELETE, new JsonObject().put("username", "dora").put("user", ADMIN));
    String second = createUser("dora", Roles.ADMIN).getString("id");
    assertThat(second).isNotEqualTo(first);
    assertThat(storage.call(StorageActions.USERS_GET, new JsonObject().put("username", "dora")).getString("id"))
      .isEqualTo(second);
  }

  private void createUser2(String username, String role, String admin) {
    storage.call(StorageActions.USERS_CREATE, new JsonObject().put("username", username)
      .put("password", username + "-password").put("role", role).put("user", admin));
  }

  // --- watches and the inbox ---

  @Test
  void aWatcherIsToldInTheirInboxWhenTheFileIsFreeAndTheWatchEnds() {
    create("part.nc", NC, "alice");
    checkout("part.nc", "alice");
    List<JsonObject> notices = new CopyOnWriteArrayList<>();
    List<JsonObject> updates = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> notify = vertx.eventBus().consumer(Addresses.NOTIFY, m -> notices.add(m.body()));
    MessageConsumer<JsonObject> user = vertx.eventBus().consumer(Addresses.USER_UPDATE, m -> updates.add(m.body()));
    StorageClient.await(Future.all(notify.completion(), user.completion()));

    JsonObject watch = storage.call(StorageActions.WATCHES_ADD, fileRequest("part.nc", "bob"));
    assertThat(watch.getString("filename")).isEqualTo("part.nc");
    assertThat(storage.call(StorageActions.WATCHES_ADD, fileRequest("part.nc", "bob")).getString("since"))
      .as("watching twice is one watch").isEqualTo(watch.getString("since"));
    storage.call(StorageActions.WATCHES_ADD, fileRequest("part.nc", "carol"));
    assertThat(watchedBy("bob")).containsExactly("part.nc");
    until(() -> updates.size() >= 3);
    assertThat(updates.get(0)).isEqualTo(new JsonObject().put("to", "bob").put("type", "WATCHING")
      .put("payload", new JsonObject().put("filename", "part.nc").put("watching", true)));

    cancel("part.nc", "alice");
    long seq = latestSeq();
    until(() -> notices.size() >= 2);
    StorageClient.await(Future.all(notify.unregister(), user.unregister()));
    assertThat(notices).extracting(n -> n.getString("to")).containsExactlyInAnyOrder("bob", "carol");
    Notification bobs = notices.stream().filter(n -> n.getString("to").equals("bob")).findFirst().orElseThrow()
      .mapTo(Notification.class);
    assertThat(bobs.kind()).isEqualTo(Notification.KIND_FREE);
    assertThat(bobs.filename()).isEqualTo("part.nc");
    assertThat(bobs.from()).isEqualTo("alice");
    assertThat(bobs.text()).isEqualTo("part.nc, which you watch, is free now");
    assertThat(bobs.seq()).as("sent after the event that freed the file").isEqualTo(seq);
    assertThat(bobs.unread()).isEqualTo(1);
    assertThat(watchedBy("bob")).as("the watch ended with its notice").isEmpty();
    assertThat(watchedBy("carol")).isEmpty();

    JsonObject inbox = storage.call(StorageActions.NOTICES_LIST, new JsonObject().put("user", "bob"));
    assertThat(inbox.getInteger("unread")).isEqualTo(1);
    JsonObject kept = inbox.getJsonArray("notices").getJsonObject(0);
    assertThat(kept.getLong("id")).isEqualTo(bobs.id());
    assertThat(kept.getString("kind")).isEqualTo("free");
    assertThat(kept.getBoolean("read")).isFalse();

    checkout("part.nc", "alice");
    cancel("part.nc", "alice");
    assertThat(storage.call(StorageActions.NOTICES_LIST, new JsonObject().put("user", "bob")).getInteger("unread"))
      .as("a watch tells once").isEqualTo(1);
  }

  @Test
  void aWatchNeedsAFileSomeoneElseHoldsAndEndsOnRequest() {
    create("part.nc", NC, "alice");
    assertError(storage.failure(StorageActions.WATCHES_ADD, fileRequest("part.nc", "bob")), 409, "conflict");
    assertError(storage.failure(StorageActions.WATCHES_ADD, fileRequest("none.nc", "bob")), 404, "not_found");
    checkout("part.nc", "alice");
    assertError(storage.failure(StorageActions.WATCHES_ADD, fileRequest("part.nc", "alice")), 409, "conflict");
    assertError(storage.failure(StorageActions.WATCHES_ADD, new JsonObject().put("filename", "part.nc")), 400,
      "bad_request");
    storage.call(StorageActions.WATCHES_ADD, fileRequest("part.nc", "bob"));
    storage.call(StorageActions.WATCHES_REMOVE, fileRequest("part.nc", "bob"));
    storage.call(StorageActions.WATCHES_REMOVE, fileRequest("part.nc", "bob"));
    assertThat(watchedBy("bob")).isEmpty();
    cancel("part.nc", "alice");
    assertThat(storage.call(StorageActions.NOTICES_LIST, new JsonObject().put("user", "bob")).getInteger("unread"))
      .isZero();
  }

  @Test
  void anInboxIsPagedNewestFirstKeepsTheLatestNoticesAndIsReadByItsOwnerOnly() {
    createUser("bob", Roles.PROGRAMMER);
    createUser("carol", Roles.PROGRAMMER);
    int sent = StorageLimits.MAX_NOTICES_KEPT + 3;
    for (int i = 1; i <= sent; i++) {
      storage.call(StorageActions.NOTICES_SEND, new JsonObject().put("to", "bob").put("from", ADMIN)
        .put("kind", "message").put("text", "message " + i));
    }
    storage.call(StorageActions.NOTICES_SEND, new JsonObject().put("to", "carol").put("from", ADMIN)
      .put("kind", "message").put("text", "for carol"));
    assertError(storage.failure(StorageActions.NOTICES_SEND, new JsonObject().put("to", "nobody").put("from", ADMIN)
      .put("kind", "message").put("text", "hello")), 404, "not_found");

    JsonObject first = storage.call(StorageActions.NOTICES_LIST, new JsonObject().put("user", "bob").put("limit", 50));
    assertThat(first.getInteger("unread")).isEqualTo(StorageLimits.MAX_NOTICES_KEPT);
    assertThat(first.getBoolean("more")).isTrue();
    JsonArray page = first.getJsonArray("notices");
    assertThat(page.size()).isEqualTo(50);
    assertThat(page.getJsonObject(0).getString("text")).isEqualTo("message " + sent);
    assertThat(page.getJsonObject(0).getString("from")).isEqualTo(ADMIN);
    List<String> all = new ArrayList<>();
    Long before = null;
    while (true) {
      JsonObject query = new JsonObject().put("user", "bob").put("limit", 100);
      if (before != null) {
        query.put("before", before);
      }
      JsonObject next = storage.call(StorageActions.NOTICES_LIST, query);
      JsonArray notices = next.getJsonArray("notices");
      notices.forEach(n -> all.add(((JsonObject) n).getString("text")));
      if (!next.getBoolean("more")) {
        break;
      }
      before = notices.getJsonObject(notices.size() - 1).getLong("id");
    }
    assertThat(all).hasSize(StorageLimits.MAX_NOTICES_KEPT).doesNotContain("message 3", "for carol")
      .contains("message 4");

    long carols = storage.call(StorageActions.NOTICES_LIST, new JsonObject().put("user", "carol"))
      .getJsonArray("notices").getJsonObject(0).getLong("id");
    JsonObject read = storage.call(StorageActions.NOTICES_READ, new JsonObject().put("user", "bob")
      .put("ids", new JsonArray().add(page.getJsonObject(0).getLong("id")).add(page.getJsonObject(1).getLong("id"))
        .add(carols)));
    assertThat(read.getInteger("unread")).isEqualTo(StorageLimits.MAX_NOTICES_KEPT - 2);
    JsonObject carolsInbox = storage.call(StorageActions.NOTICES_LIST, new JsonObject().put("user", "carol"));
    assertThat(carolsInbox.getInteger("unread")).as("bob cannot read carol's notice").isEqualTo(1);
    assertThat(storage.call(StorageActions.NOTICES_LIST, new JsonObject().put("user", "bob").put("limit", 1))
      .getJsonArray("notices").getJsonObject(0).getBoolean("read")).isTrue();
    assertThat(storage.call(StorageActions.NOTICES_READ, new JsonObject().put("user", "bob").put("all", true))
      .getInteger("unread")).isZero();
    assertError(storage.failure(StorageActions.NOTICES_READ, new JsonObject().put("user", "bob")), 400,
      "validation_failed");

    storage.call(StorageActions.USERS_DELETE, new JsonObject().put("username", "carol").put("user", ADMIN));
    createUser("carol", Roles.PROGRAMMER);
    assertThat(storage.call(StorageActions.NOTICES_LIST, new JsonObject().put("user", "carol"))
      .getJsonArray("notices")).as("a new account of the name starts with an empty inbox").isEmpty();
  }

  /** Waits (up to 10 s) for messages published after a commit to arrive. */
  private static void until(java.util.function.BooleanSupplier condition) {
    long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 10 s for a published message").isLessThan(end);
      java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
    }
  }

  List<String> watchedBy(String user) {
    return storage.call(StorageActions.WATCHES_LIST, new JsonObject().put("user", user)).getJsonArray("watches")
      .stream().map(w -> ((JsonObject) w).getString("filename")).toList();
  }

  // --- health and protocol ---

  @Test
  void healthReportsDatabaseAndBlobStoreUp() {
    JsonObject health = storage.call(StorageActions.HEALTH, new JsonObject());
    assertThat(health.getString("database")).isEqualTo("up");
    assertThat(health.getString("blobStore")).isEqualTo("up");
  }

  @Test
  void anUnknownActionOrAMalformedRequestIs400() {
    assertError(StorageClient.failure(storage.raw("files.explode", null), "files.explode"), 400, "bad_request");
    assertError(StorageClient.failure(storage.raw(StorageActions.FILES_CHECKOUT, "a.nc"), "checkout"), 400,
      "bad_request");
    assertError(storage.failure(StorageActions.FILES_GET, new JsonObject().put("filename", 42)), 400, "bad_request");
    assertError(storage.failure(StorageActions.FILES_CHECKOUT, new JsonObject().put("filename", "a.nc")), 400,
      "bad_request");
    assertError(storage.failure(StorageActions.FILES_CHECKOUT, fileRequest("a.nc", "viewer1")
      .put("role", Roles.VIEWER)), 403, "forbidden");
  }

  // --- helpers ---

  private JsonObject lastEvent() {
    JsonArray events = storage.call(StorageActions.EVENTS_SINCE, new JsonObject().put("since", latestSeq() - 1))
      .getJsonArray("events");
    return events.getJsonObject(events.size() - 1);
  }

  // --- lifecycle ---

  private JsonObject transition(String filename, String user, String to, String comment, String password) {
    return new JsonObject().put("filename", filename).put("user", user).put("to", to).put("comment", comment)
      .put("password", password);
  }

  @Test
  void aReleaseIsASignatureAndACheckInAfterItMakesADraftWhileTheReleasedRevisionStays() {
    createUser("alice", "programmer");
    createUser("quinn", "approver");
    JsonObject created = create("part.nc", NC, "alice");
    assertThat(created.getString("state")).isEqualTo("draft");
    assertThat(created.getString("releasedRevision")).isNull();
    assertError(storage.failure(StorageActions.FILES_RELEASED, new JsonObject().put("filename", "part.nc")), 409,
      "not_released");

    long before = latestSeq();
    JsonObject review = storage.call(StorageActions.FILES_TRANSITION,
      transition("part.nc", "alice", "review", "ready for the machine", null));
    assertThat(review.getString("state")).isEqualTo("review");
    assertThat(latestSeq()).isEqualTo(before + 1);

    assertError(storage.failure(StorageActions.FILES_TRANSITION,
      transition("part.nc", "quinn", "released", "ok", "not-my-password")), 403, "bad_signature");
    assertThat(storage.call(StorageActions.FILES_GET, new JsonObject().put("filename", "part.nc")).getString("state"))
      .as("a refused signature changes nothing").isEqualTo("review");
    assertThat(latestSeq()).isEqualTo(before + 1);

    JsonObject released = storage.call(StorageActions.FILES_TRANSITION,
      transition("part.nc", "quinn", "released", "checked on the machine", "quinn-password"));
    assertThat(released.getString("state")).isEqualTo("released");
    assertThat(released.getString("releasedRevision")).isEqualTo("1.0");

    checkout("part.nc", "alice");
    JsonObject draft = checkin("part.nc", "alice", NC + "M30\n", "faster feed");
    assertThat(draft.getString("state")).isEqualTo("draft");
    assertThat(draft.getString("revision")).isEqualTo("1.1");
    assertThat(draft.getString("releasedRevision")).as("the released revision stays").isEqualTo("1.0");
    JsonObject forMachines = storage.call(StorageActions.FILES_RELEASED, new JsonObject().put("filename", "part.nc"));
    assertThat(forMachines.getString("revision")).isEqualTo("1.0");
    assertThat(forMachines.getString("sha256")).isEqualTo(created.getString("sha256"));
    assertThat(forMachines.getString("releasedBy")).isEqualTo("quinn");

    JsonObject history = storage.call(StorageActions.FILES_HISTORY, new JsonObject().put("filename", "part.nc"));
    JsonObject release = history.getJsonArray("transitions").getJsonObject(0);
    assertThat(release.getString("user")).isEqualTo("quinn");
    assertThat(release.getString("to")).isEqualTo("released");
    assertThat(release.getBoolean("signed")).isTrue();
    assertThat(release.getString("sha256")).isEqualTo(created.getString("sha256"));
    assertThat(release.getString("comment")).isEqualTo("checked on the machine");

    JsonObject trail = storage.call(StorageActions.AUDIT_EXPORT, new JsonObject().put("user", ADMIN));
    assertThat(trail.getJsonArray("entries").stream().map(JsonObject.class::cast)
      .filter(e -> e.getBoolean("signed")).map(e -> e.getString("user") + " " + e.getString("revision") + " "
        + e.getString("sha256")).toList())
      .containsExactly("quinn 1.0 " + created.getString("sha256"));
    assertThat(trail.getJsonArray("entries").stream().map(JsonObject.class::cast).map(e -> e.getString("type"))
      .toList()).containsExactly("create", "transition", "transition", "checkin");
    assertError(storage.failure(StorageActions.AUDIT_EXPORT, new JsonObject().put("user", "quinn")), 403, "forbidden");
  }

  @Test
  void transitionsTheLifecycleDoesNotAllowAreRefusedAndChangeNothing() {
    createUser("alice", "programmer");
    createUser("quinn", "approver");
    create("part.nc", NC, "alice");
    long before = latestSeq();
    assertError(storage.failure(StorageActions.FILES_TRANSITION,
      transition("part.nc", "quinn", "released", null, "quinn-password")), 409, "transition_not_allowed");
    assertError(storage.failure(StorageActions.FILES_TRANSITION,
      transition("part.nc", "alice", "review", null, null)), 400, "comment_required");
    assertError(storage.failure(StorageActions.FILES_TRANSITION,
      transition("part.nc", "alice", "obsolete", null, null)), 403, "forbidden");
    assertError(storage.failure(StorageActions.FILES_TRANSITION,
      transition("part.nc", "alice", "shipped", null, null)), 400, "validation_failed");
    storage.call(StorageActions.FILES_TRANSITION, transition("part.nc", "alice", "review", "please", null));
    assertError(storage.failure(StorageActions.FILES_TRANSITION,
      transition("part.nc", "alice", "released", null, "alice-password")), 403, "forbidden");
    assertThat(latestSeq()).isEqualTo(before + 1);

    JsonObject obsolete = storage.call(StorageActions.FILES_TRANSITION,
      transition("part.nc", ADMIN, "obsolete", null, null));
    assertThat(obsolete.getString("state")).isEqualTo("obsolete");
    assertThat(obsolete.getString("releasedRevision")).isNull();
    assertThat(storage.call(StorageActions.FILES_TRANSITION, transition("part.nc", ADMIN, "draft", null, null))
      .getString("state")).isEqualTo("draft");
  }

  @Test
  void twoApproversReleasingAtOnceGetOneReleaseAndOneRefusal() {
    createUser("alice", "programmer");
    createUser("quinn", "approver");
    createUser("rita", "approver");
    create("part.nc", NC, "alice");
    storage.call(StorageActions.FILES_TRANSITION, transition("part.nc", "alice", "review", "please", null));
    long before = latestSeq();
    var quinn = storage.send(StorageActions.FILES_TRANSITION,
      transition("part.nc", "quinn", "released", null, "quinn-password"));
    var rita = storage.send(StorageActions.FILES_TRANSITION,
      transition("part.nc", "rita", "released", null, "rita-password"));
    StorageClient.settle(List.of(quinn, rita));
    assertThat(List.of(quinn, rita).stream().filter(StorageClient::succeeds).count()).isEqualTo(1);
    var lost = StorageClient.succeeds(quinn) ? rita : quinn;
    assertError(StorageClient.failure(lost, "the second release"), 409, "transition_not_allowed");
    assertThat(latestSeq()).isEqualTo(before + 1);
    JsonObject history = storage.call(StorageActions.FILES_HISTORY, new JsonObject().put("filename", "part.nc"));
    assertThat(history.getJsonArray("transitions").stream().map(JsonObject.class::cast)
      .filter(t -> t.getBoolean("signed")).count()).isEqualTo(1);
  }
}
