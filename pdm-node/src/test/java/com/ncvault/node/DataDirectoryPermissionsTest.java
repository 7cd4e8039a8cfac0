package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node in its own JVM, its console redirected as a service manager or scripts/node.sh does:
 * the data directory and everything in it (database, content store, incoming/, token key) are
 * owner-only after a start and after an upload; what an older start left readable by others is
 * tightened and named in the log; a generated admin password never reaches the console.
 */
class DataDirectoryPermissionsTest {

  private Vertx vertx;
  private Path dataDir;
  private NodeProcess node;
  private NodeApi api;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dataDir = TestNode.tempDir().resolve("vault");
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (node != null) {
      node.close();
    }
    if (api != null) {
      api.close();
    }
    vertx.close().await();
    TestNode.deleteTree(dataDir.getParent());
  }

  @Test
  @Timeout(120)
  void aNewDataDirectoryAndEverythingInItAreOwnerOnlyAndTheAdminPasswordIsInAnOwnerOnlyFileNotTheLog()
    throws Exception {
    int port = TestNode.freePort();
    node = NodeProcess.start(port, dataDir, NodeProcess.SHORT_LIVED, Map.of("PDM_ADMIN_PASSWORD", ""), List.of());
    api = new NodeApi(vertx, port);

    Path passwordFile = dataDir.resolve("initial-admin-password");
    String password = Files.readString(passwordFile).trim();
    String console = String.join("\n", node.output());
    assertThat(console).contains("created user 'admin'; the password is in " + passwordFile)
      .doesNotContain(password);
    String admin = api.login("admin", password).await();
    String alice = api.createUser(admin, "alice", "programmer").await();
    api.create(alice, "1234567_AB.nc", Buffer.buffer("G0 X0\nM30\n")).await();

    assertThat(dataDir.resolve("db")).isDirectory();
    assertThat(dataDir.resolve("incoming")).isDirectory();
    assertThat(dataDir.resolve(Secrets.KEY_FILE)).isRegularFile();
    assertThat(Files.walk(dataDir.resolve("blobs")).filter(Files::isRegularFile).count()).isEqualTo(1);
    assertThat(mode(dataDir)).isEqualTo("rwx------");
    assertThat(readableByOthers(dataDir)).isEmpty();
  }

  @Test
  @Timeout(120)
  void aStartTightensWhatAnOlderStartLeftReadableByOthersAndNamesEachChangeButNoContent() throws Exception {
    int port = TestNode.freePort();
    node = NodeProcess.start(port, dataDir, NodeProcess.SHORT_LIVED, Map.of(), List.of());
    api = new NodeApi(vertx, port);
    String admin = api.adminToken().await();
    String alice = api.createUser(admin, "alice", "programmer").await();
    api.create(alice, "1234567_AB.nc", Buffer.buffer("G0 X0\nM30\n")).await();
    node.stop();
    api.close();
    api = null;
    // as a umask of 022 and an older version would have left them
    List<Path> loosened = new ArrayList<>();
    try (Stream<Path> all = Files.walk(dataDir)) {
      for (Path entry : (Iterable<Path>) all::iterator) {
        Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString(
          Files.isDirectory(entry) ? "rwxr-xr-x" : "rw-r--r--"));
        loosened.add(entry);
      }
    }
    Path notes = Files.writeString(dataDir.resolve("operator-notes.txt"), "secret-content-never-logged");
    Files.setPosixFilePermissions(notes, PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThat(readableByOthers(dataDir)).hasSize(loosened.size() + 1);

    node = NodeProcess.start(port, dataDir, NodeProcess.SHORT_LIVED, Map.of(), List.of());

    assertThat(readableByOthers(dataDir)).isEmpty();
    assertThat(mode(notes)).isEqualTo("rw-------");
    assertThat(mode(dataDir.resolve(Secrets.KEY_FILE))).isEqualTo("rw-------");
    String console = String.join("\n", node.output());
    assertThat(console).contains("Data directory made owner-only: " + notes + ": rw-rw-rw- -> rw-------")
      .contains("Data directory made owner-only: " + dataDir + ": rwxr-xr-x -> rwx------")
      .doesNotContain("secret-content-never-logged");
    api = new NodeApi(vertx, port);
    assertThat(api.health().await().getString("status")).isEqualTo("up");
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }

  /** Every entry under {@code root} (itself included) that its group or others may use at all. */
  static List<String> readableByOthers(Path root) throws IOException {
    Set<PosixFilePermission> others = Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_EXECUTE);
    List<String> found = new ArrayList<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path entry : (Iterable<Path>) all::iterator) {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS);
        if (mode.stream().anyMatch(others::contains)) {
          found.add(entry + " " + PosixFilePermissions.toString(mode));
        }
      }
    }
    return found;
  }
}
