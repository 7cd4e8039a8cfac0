package com.ncvault.storage;

import com.ncvault.contract.StorageLimits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Grouping, revision numbering, lock rules and text diff: the plain rules behind storage. */
class PlainRulesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "1234567_AB1.mcam, 12XXXXX",
    "1234567.nc, 12XXXXX",
    "9876543210.tap, 98XXXXX",
    "0000000_X.nc, 00XXXXX",
    "123456_AB1.mcam, Misc",
    "123456A.nc, Misc",
    "fixture.nc, Misc",
    "A1234567.nc, Misc",
    "١٢٣٤٥٦٧.nc, Misc",
  })
  void filesAreGroupedByTheirPartNumberFamily(String filename, String group) {
    assertThat(StorageLimits.groupOf(filename)).isEqualTo(group);
  }

  @ParameterizedTest(name = "{0} major={1} -> {2}")
  @CsvSource({
    "1.0, false, 1.1",
    "1.9, false, 1.10",
    "1.10, false, 1.11",
    "1.4, true, 2.0",
    "2.0, true, 3.0",
  })
  void aCheckInAddsAMinorOrAMajorStep(String current, boolean major, String next) {
    assertThat(Revision.parse(current).next(major).toString()).isEqualTo(next);
  }

  @Test
  void revisionsOrderNumericallyAndTheFirstIs1_0() {
    assertThat(Revision.FIRST.toString()).isEqualTo("1.0");
    assertThat(Revision.parse("1.10")).isGreaterThan(Revision.parse("1.9"));
    assertThat(Revision.parse("2.0")).isGreaterThan(Revision.parse("1.99"));
    for (String bad : new String[] {"", "1", "1.", "a.b", "-1.0", "1.0.0", "latest"}) {
      assertThatThrownBy(() -> Revision.parse(bad)).isInstanceOfSatisfying(PdmError.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }
  }

  private static FileRow row(String lockedBy, boolean deleted) {
    return new FileRow("a.nc", "Misc", "", "1.0", 1, "x", 1, 1, deleted, lockedBy, lockedBy == null ? null : 0L,
      null, lockedBy == null ? null : "lock-of-" + lockedBy, "draft", null);
  }

  @Test
  void aCheckInNamingALockThatEndedIsRefusedEvenForTheHolderOfANewOne() {
    FileRow aliceAgain = row("alice", false);
    assertThat(LockRules.checkinRefusal("a.nc", aliceAgain, "alice", "lock-of-alice")).isEmpty();
    assertThat(LockRules.checkinRefusal("a.nc", aliceAgain, "alice", null)).isEmpty();
    assertThat(LockRules.checkinRefusal("a.nc", aliceAgain, "alice", "an-earlier-lock"))
      .hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(ErrorCode.LOCK_ENDED));
    assertThat(LockRules.checkinRefusal("a.nc", row(null, false), "alice", "lock-of-alice"))
      .hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(ErrorCode.LOCK_ENDED));
    assertThat(LockRules.checkinRefusal("a.nc", row("bob", false), "alice", null))
      .hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_LOCK_HOLDER));
    assertThat(LockRules.checkinRefusal("a.nc", row("bob", false), "alice", "lock-of-bob"))
      .hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_LOCK_HOLDER));
    assertThat(LockRules.checkinRefusal("a.nc", row("alice", true), "alice", "lock-of-alice"))
      .hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void aFileRowsJsonIsTheFileInfoRecordsJson() {
    FileRow locked = new FileRow("1234567_A.nc", "12XXXXX", "d", "1.2", 42, "ab", 1000, 2000, false, "bob", 3000L, "m",
      "0b6c2f4e-8f7d-4a52-9a39-0d4c1f1e2a77", "released", "1.1");
    assertThat(locked.toJson()).isEqualTo(io.vertx.core.json.JsonObject.mapFrom(locked.toInfo()));
    FileRow free = row(null, true);
    assertThat(free.toJson()).isEqualTo(io.vertx.core.json.JsonObject.mapFrom(free.toInfo()));
    assertThat(free.toJson().mapTo(com.ncvault.contract.FileInfo.class)).isEqualTo(free.toInfo());
  }

  @Test
  void lockRulesExplainEachRefusal() {
    assertThat(LockRules.checkoutRefusal("a.nc", null)).hasValueSatisfying(e -> assertThat(e.code())
      .isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(LockRules.checkoutRefusal("a.nc", row(null, true)).get().code()).isEqualTo(ErrorCode.NOT_FOUND);
    PdmError locked = LockRules.checkoutRefusal("a.nc", row("bob", false)).get();
    assertThat(locked.code()).isEqualTo(ErrorCode.FILE_LOCKED);
    assertThat(locked.getMessage()).isEqualTo("File is already locked by bob");
    assertThat(locked.details().getString("lockedBy")).isEqualTo("bob");
    assertThat(locked.details().getString("lockedAt")).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(LockRules.checkoutRefusal("a.nc", row(null, false))).isEmpty();

    assertThat(LockRules.holderRefusal("a.nc", row("bob", false), "bob")).isEmpty();
    assertThat(LockRules.holderRefusal("a.nc", row("bob", false), "alice").get().code())
      .isEqualTo(ErrorCode.NOT_LOCK_HOLDER);
    assertThat(LockRules.holderRefusal("a.nc", row(null, false), "alice").get().code())
      .isEqualTo(ErrorCode.NOT_LOCK_HOLDER);
    assertThat(LockRules.holderRefusal("a.nc", null, "alice").get().code()).isEqualTo(ErrorCode.NOT_FOUND);

    assertThat(LockRules.overrideRefusal("a.nc", row(null, false)).get().code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(LockRules.overrideRefusal("a.nc", row("bob", false))).isEmpty();
    assertThat(LockRules.deleteRefusal("a.nc", row("bob", false)).get().code()).isEqualTo(ErrorCode.FILE_LOCKED);
    assertThat(LockRules.deleteRefusal("a.nc", row(null, true)).get().code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(LockRules.deleteRefusal("a.nc", row(null, false))).isEmpty();
    assertThat(LockRules.restoreRefusal("a.nc", row(null, false)).get().code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(LockRules.restoreRefusal("a.nc", row(null, true))).isEmpty();
  }

  @Test
  void aDiffHasGitStyleHeadersAndThreeLinesOfContext() {
    String a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
    String b = "1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n";
    String diff = TextDiff.unified("p.nc", "1.0", bytes(a), "1.1", bytes(b));
    assertThat(diff).isEqualTo("--- a/p.nc@1.0\n+++ b/p.nc@1.1\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+FIVE\n 6\n 7\n 8\n");
    assertThat(TextDiff.unified("p.nc", "1.0", bytes(a), "1.1", bytes(a))).isEmpty();
    assertThat(TextDiff.unified("p.nc", "1.0", bytes("G0\r\nG1\r\n"), "1.1", bytes("G0\r\nG2\r\n")))
      .contains("-G1\n+G2\n");
  }

  @Test
  void binaryContentIsRecognised() {
    assertThat(TextDiff.isBinary(bytes("G21 G90\nM30\n"))).isFalse();
    assertThat(TextDiff.isBinary(bytes("Größe ✓"))).isFalse();
    assertThat(TextDiff.isBinary(new byte[] {'a', 0, 'b'})).isTrue();
    assertThat(TextDiff.isBinary(new byte[] {'a', (byte) 0xC3, 'b'})).isTrue();
    byte[] lateNul = new byte[9000];
    java.util.Arrays.fill(lateNul, (byte) 'x');
    lateNul[8500] = 0;
    assertThat(TextDiff.isBinary(lateNul)).isFalse();
    assertThatThrownBy(() -> TextDiff.unified("m", "1.0", new byte[] {0}, "1.1", bytes("x")))
      .isInstanceOfSatisfying(PdmError.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_MEDIA_TYPE));
  }

  @Test
  void usernamesRolesAndPasswordsFollowTheRules() {
    UserRules.requireUsername("bob.smith-2_x");
    UserRules.requireUsername("a".repeat(32));
    for (String bad : new String[] {"", "Bob", "a b", "a/b", "a".repeat(33), "ünï"}) {
      assertThatThrownBy(() -> UserRules.requireUsername(bad)).isInstanceOf(PdmError.class);
    }
    UserRules.requireRole("viewer");
    assertThatThrownBy(() -> UserRules.requireRole("root")).isInstanceOf(PdmError.class);
    UserRules.requirePassword("12345678");
    assertThatThrownBy(() -> UserRules.requirePassword("1234567")).isInstanceOf(PdmError.class);
    assertThatThrownBy(() -> UserRules.requirePassword("x".repeat(73))).isInstanceOf(PdmError.class);
  }

  @Test
  void passwordsVerifyOnlyAgainstTheirOwnHash() {
    String hash = Passwords.hash("correct horse");
    assertThat(hash).startsWith("$2a$10$");
    assertThat(Passwords.verify("correct horse", hash)).isTrue();
    assertThat(Passwords.verify("wrong horse", hash)).isFalse();
    assertThat(Passwords.verify("x".repeat(100), hash)).isFalse();
    assertThat(Passwords.random()).hasSizeGreaterThanOrEqualTo(16).isNotEqualTo(Passwords.random());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aMigrationsVersionIsTheNumberInItsNameAndEveryShippedScriptIsFoundInOrder() {
    assertThat(Migrations.versionOf("db/V6__lock_ids.sql")).isEqualTo(6);
    Migrations shipped = Migrations.shipped();
    assertThat(shipped.scripts()).extracting(Migrations.Script::name).contains("db/V6__lock_ids.sql");
    assertThat(shipped.scripts().stream().map(Migrations.Script::version).toList())
      .isSorted().doesNotHaveDuplicates().startsWith(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(shipped.upTo(7).latest()).isEqualTo(7);
    assertThatThrownBy(() -> Migrations.versionOf("db/lock_ids.sql")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Migrations.of(Map.of("db/V9__a.sql", "SELECT 1;", "db/V9__b.sql", "SELECT 2;")))
      .isInstanceOf(IllegalStateException.class).hasMessageContaining("Two migrations claim version 9");
  }

  @Test
  void everyShippedMigrationSaysInItsHeaderWhetherOlderNodesKeepWorkingOnIt() {
    Map<String, String> texts = Migrations.texts(Migrations.ROOT);
    assertThat(texts).isNotEmpty();
    texts.forEach((name, text) -> assertThat(Migrations.declaresKind(text))
      .as(name + " starts with a comment line '-- expand' or '-- contract' (docs/upgrades.md)").isTrue());
  }

  @Test
  void theMigrationsAreFoundInAJarAsInAFolder(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("node.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("db/"));
      for (String name : List.of("db/V1__one.sql", "db/V2__two.sql", "db/README.txt", "db/old/V3__three.sql")) {
        out.putNextEntry(new JarEntry(name));
        out.write(("-- expand\nCREATE TABLE t" + name.length() + " (a INT);\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      assertThat(Migrations.texts(loader, "db")).containsOnlyKeys("db/V1__one.sql", "db/V2__two.sql");
    }
  }

  @Test
  void aMigrationsKindIsTheMarkerInItsHeaderAndContractWithoutOne() {
    assertThat(Migrations.kindOf("V9", "-- expand\nCREATE TABLE t (a INT);")).isEqualTo(Migrations.Kind.EXPAND);
    assertThat(Migrations.kindOf("V9", "-- What it does.\n-- Expand: older nodes never name it\n\nALTER TABLE t ADD b INT;"))
      .isEqualTo(Migrations.Kind.EXPAND);
    assertThat(Migrations.kindOf("V9", "-- contract: drops a column\nALTER TABLE t DROP COLUMN a;"))
      .isEqualTo(Migrations.Kind.CONTRACT);
    assertThat(Migrations.kindOf("V9", "-- Adds a column.\nALTER TABLE t ADD b INT;")).isEqualTo(Migrations.Kind.CONTRACT);
    assertThat(Migrations.kindOf("V9", "ALTER TABLE t ADD b INT;\n-- expand")).as("after the first statement: no header")
      .isEqualTo(Migrations.Kind.CONTRACT);
    assertThat(Migrations.kindOf("V9", "-- expanded tables\nCREATE TABLE t (a INT);")).isEqualTo(Migrations.Kind.CONTRACT);
    assertThatThrownBy(() -> Migrations.kindOf("V9", "-- expand\n-- contract\nSELECT 1;"))
      .isInstanceOf(IllegalStateException.class).hasMessageContaining("both");
  }

  @Test
  void aMigrationsChecksumCoversItsStatementsNotItsCommentsOrLineEndings() {
    String script = "-- expand: a column\nALTER TABLE t ADD COLUMN b INT;\nCREATE INDEX t_b\n  ON t (b);\n";
    String checksum = Migrations.Script.of("db/V9__b.sql", script).checksum();
    assertThat(checksum).matches("[0-9a-f]{64}");
    assertThat(Migrations.Script.of("db/V9__b.sql",
      "-- contract: another comment\r\n\r\nALTER TABLE t ADD COLUMN b INT;  \r\n-- between\r\nCREATE INDEX t_b\r\n  ON t (b);")
      .checksum()).isEqualTo(checksum);
    assertThat(Migrations.Script.of("db/V9__b.sql", script.replace("INT", "BIGINT")).checksum()).isNotEqualTo(checksum);
    assertThat(Migrations.Script.of("db/V9__b.sql", script.replace("  ON", "ON")).checksum())
      .as("leading blanks are part of the statement").isNotEqualTo(checksum);
    assertThat(Migrations.Script.of("db/V5__x.sql", "UPDATE t SET id = ${random_uuid};").statements())
      .containsExactly("UPDATE t SET id = ${random_uuid}");
  }

  @Test
  void connectionFailuresAreTheDatabaseBeingUnreachableAndNothingElseIs() {
    assertThat(Dialect.isUnreachable(new io.vertx.pgclient.PgException("database \"x\" does not exist", "FATAL",
      "3D000", null))).isTrue();
    assertThat(Dialect.isUnreachable(new io.vertx.pgclient.PgException("terminating connection due to administrator "
      + "command", "FATAL", "57P01", null))).isTrue();
    assertThat(Dialect.isUnreachable(new RuntimeException(new java.net.ConnectException("Connection refused"))))
      .isTrue();
    assertThat(Dialect.isUnreachable(io.vertx.sqlclient.ClosedConnectionException.INSTANCE)).isTrue();
    assertThat(Dialect.isUnreachable(new java.net.SocketException("Connection reset"))).isTrue();
    assertThat(Dialect.isUnreachable(new java.sql.SQLException("Database is already closed", "90098", 90098)))
      .isTrue();
    assertThat(Dialect.isUnreachable(new java.sql.SQLException("connection failure", "08006"))).isTrue();

    assertThat(Dialect.isUnreachable(new io.vertx.pgclient.PgException("duplicate key", "ERROR", "23505", null)))
      .isFalse();
    assertThat(Dialect.isUnreachable(new java.sql.SQLException("lock timeout", "HYT00"))).isFalse();
    assertThat(Dialect.isUnreachable(new IllegalStateException("a bug"))).isFalse();
  }

  @Test
  void theLifecycleIsConfiguredAsRulesAndABadRuleStopsTheStartNamingTheKey() {
    com.ncvault.contract.Lifecycle lifecycle = com.ncvault.contract.Lifecycle.defaults();
    assertThat(lifecycle.targets("draft")).containsExactly("review", "obsolete");
    assertThat(lifecycle.targets("review")).containsExactly("released", "draft", "obsolete");
    assertThat(lifecycle.targets("obsolete")).containsExactly("draft");
    assertThat(lifecycle.rule("review", "released").orElseThrow().signature()).isTrue();
    assertThat(lifecycle.rule("review", "released").orElseThrow().role()).isEqualTo("approver");
    assertThat(lifecycle.rule("draft", "review").orElseThrow().comment()).isTrue();
    assertThat(lifecycle.rule("draft", "released")).isEmpty();

    var fromText = com.ncvault.contract.Lifecycle.parse(
      "[{\"from\":\"*\",\"to\":\"released\",\"role\":\"admin\",\"comment\":true}]");
    assertThat(fromText.targets("draft")).containsExactly("released");
    assertThat(fromText.targets("released")).isEmpty();
    for (String bad : java.util.List.of("[{\"from\":\"draft\",\"to\":\"shipped\",\"role\":\"admin\"}]",
      "[{\"from\":\"draft\",\"to\":\"review\",\"role\":\"boss\"}]",
      "[{\"from\":\"draft\",\"to\":\"review\",\"role\":\"admin\",\"comment\":\"yes\"}]", "not json", "[1]")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> com.ncvault.contract.Lifecycle.parse(bad))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lifecycleTransitions");
    }
  }
}
