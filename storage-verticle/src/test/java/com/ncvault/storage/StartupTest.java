package com.ncvault.storage;

import static com.ncvault.storage.StorageClient.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.FileInfo;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StorageActions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a node does when it starts: sweeping, the first admin, the demo vault. */
class StartupTest extends StorageTestBase {

  @Override
  protected JsonObject databaseConfig() {
    return new JsonObject();
  }

  @Test
  void aStartRemovesUnfinishedUploadsAndBlobsNoRevisionNeeds() throws Exception {
    JsonObject file = create("part.nc", "G21\nM30\n", "alice");
    undeploy();
    Path leftover = Files.writeString(dataDir.resolve("incoming").resolve("crashed.part"), "half");
    String orphanSha = BlobStore.sha256("orphan".getBytes(StandardCharsets.UTF_8));
    Path orphan = dataDir.resolve("blobs").resolve(orphanSha.substring(0, 2)).resolve(orphanSha.substring(2));
    Files.createDirectories(orphan.getParent());
    Files.writeString(orphan, "orphan");

    deploy(new JsonObject());

    assertThat(leftover).doesNotExist();
    assertThat(orphan).doesNotExist();
    JsonObject content = storage.call(StorageActions.FILES_CONTENT, new JsonObject().put("filename", "part.nc"));
    assertThat(content.getString("sha256")).isEqualTo(file.getString("sha256"));
    assertThat(Files.readString(Path.of(content.getString("path")))).isEqualTo("G21\nM30\n");
  }

  @Test
  void aStartBringsKeysOfAnOlderRuleToCaseFoldingSoOldFilesAreFoundUnderEverySpelling() throws Exception {
    create("stra\u00dfe.nc", "G21\nM30\n", "alice");
    undeploy();
    // as the older rule (lower case of NFC) stored it
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(Dialect.h2Url(dataDir), "sa", "");
         java.sql.PreparedStatement update = c.prepareStatement("UPDATE files SET name_key = ? WHERE filename = ?")) {
      update.setString(1, "stra\u00dfe.nc");
      update.setString(2, "stra\u00dfe.nc");
      assertThat(update.executeUpdate()).isEqualTo(1);
    }

    deploy(new JsonObject());

    assertError(storage.failure(StorageActions.FILES_CREATE, new JsonObject().put("filename", "STRASSE.nc")
      .put("user", "bob").put("staged", stage("other"))), 409, "already_exists");
  }

  @Test
  void withoutAConfiguredPasswordTheFirstAdminGetsARandomOneKeptInAnOwnerOnlyFileNotOnTheConsole() throws Exception {
    String printed = captureStdout(() -> freshStartUnchecked(new JsonObject().put(ConfigKeys.ADMIN_PASSWORD, "")));
    // The test runs without a terminal, as a node whose console is a log file does.
    Path file = dataDir.resolve(Bootstrap.ADMIN_PASSWORD_FILE);
    assertThat(printed).contains("created user 'admin'; the password is in " + file);
    String password = Files.readString(file).trim();
    assertThat(password).hasSizeGreaterThanOrEqualTo(16);
    assertThat(printed).doesNotContain(password);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(storage.call(StorageActions.USERS_AUTHENTICATE, new JsonObject().put("username", "admin")
      .put("password", password)).getString("role")).isEqualTo(Roles.ADMIN);

    String again = captureStdout(() -> restart(new JsonObject().put(ConfigKeys.ADMIN_PASSWORD, "")));
    assertThat(again).doesNotContain("password");
    assertThat(storage.call(StorageActions.USERS_LIST, new JsonObject()).getJsonArray("users").size()).isEqualTo(1);
  }

  @Test
  void theDemoVaultHasUsersPartFamiliesHistoryAndALockByBob() throws Exception {
    freshStart(new JsonObject().put(ConfigKeys.DEMO, true).put(ConfigKeys.DEMO_PASSWORD, "demo-pass-1"));

    assertThat(storage.call(StorageActions.USERS_AUTHENTICATE, new JsonObject().put("username", "alice")
      .put("password", "demo-pass-1")).getString("role")).isEqualTo(Roles.PROGRAMMER);
    assertThat(storage.call(StorageActions.USERS_AUTHENTICATE, new JsonObject().put("username", "bob")
      .put("password", "demo-pass-1")).getString("role")).isEqualTo(Roles.PROGRAMMER);

    JsonObject groups = storage.call(StorageActions.FILES_LIST, new JsonObject()).getJsonObject("groups");
    assertThat(groups.fieldNames()).containsExactly("12XXXXX", "23XXXXX", "Misc");
    JsonArray family = groups.getJsonArray("23XXXXX");
    FileInfo drill = family.getJsonObject(0).mapTo(FileInfo.class);
    assertThat(drill.filename()).isEqualTo("2345678_C1.tap");
    assertThat(drill.lockedBy()).isEqualTo("bob");
    assertThat(drill.lockMessage()).isNotBlank();

    JsonObject history = storage.call(StorageActions.FILES_HISTORY, new JsonObject().put("filename", "1234567_AB1.nc"));
    assertThat(history.getJsonArray("revisions").size()).isEqualTo(3);
    JsonObject content = storage.call(StorageActions.FILES_CONTENT, new JsonObject().put("filename", "1234567_AB1.nc")
      .put("rev", "1.0"));
    String program = Files.readString(Path.of(content.getString("path")));
    assertThat(program).contains("O1001", "G21", "G90", "T1 M06", "M03", "G01", "M30");
    String diff = storage.call(StorageActions.FILES_DIFF, new JsonObject().put("filename", "1234567_AB1.nc")
      .put("from", "1.0").put("to", "1.1")).getString("diff");
    assertThat(diff).contains("-G01 X0. Y0. F600.", "+G01 X0. Y0. F450.");
    assertError(storage.failure(StorageActions.FILES_DIFF, new JsonObject().put("filename", "1234567_AB1.mcam")
      .put("from", "1.0").put("to", "1.1")), 415, "unsupported_media_type");
    for (String name : List.of("2345678_C2.nc", "fixture_plate.nc", "2345678_C1.tap")) {
      assertThat(storage.call(StorageActions.FILES_HISTORY, new JsonObject().put("filename", name))
        .getJsonArray("revisions").size()).as(name).isBetween(2, 3);
    }

    long seq = latestSeq();
    restart(new JsonObject().put(ConfigKeys.DEMO, true).put(ConfigKeys.DEMO_PASSWORD, "demo-pass-1"));
    assertThat(latestSeq()).isEqualTo(seq);
  }

  @Test
  void demoUsersWithoutAConfiguredPasswordGetARandomOneKeptInAnOwnerOnlyFile() throws Exception {
    String printed = captureStdout(() -> freshStartUnchecked(new JsonObject().put(ConfigKeys.DEMO, true)));
    Path file = dataDir.resolve(Bootstrap.DEMO_PASSWORD_FILE);
    assertThat(printed).contains("the password is in " + file);
    String password = Files.readString(file).trim();
    assertThat(printed).doesNotContain(password);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(storage.call(StorageActions.USERS_AUTHENTICATE, new JsonObject().put("username", "bob")
      .put("password", password)).getString("username")).isEqualTo("bob");
  }

  private void freshStartUnchecked(JsonObject extra) {
    try {
      freshStart(extra);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String captureStdout(Runnable action) {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setOut(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
