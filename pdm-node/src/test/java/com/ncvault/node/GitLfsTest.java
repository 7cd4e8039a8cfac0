package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.node.browser.Browser;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Debian's git and git-lfs against a real node (docs/lfs.md): two clones of one repository, as alice
 * and bob, with the vault as their LFS server. A lock taken with {@code git lfs lock} is the vault's
 * checkout (live on the WebSocket, in the file list), bob cannot take it nor push over it, alice's
 * unlock frees it live, an admin's override in the vault ends it for git too, and LFS objects pushed
 * by one clone reach the other through the vault's content store unchanged. Where Chromium is
 * installed (always under CI, which the browser tests require), bob's page shows the lock come and go.
 */
class GitLfsTest {

  private static final Path GIT = Path.of("/usr/bin/git");
  private static final Path GIT_LFS = Path.of("/usr/bin/git-lfs");
  private static final String FILE = "1234567_AB1.nc";
  private static final String VAULT_CONTENT = "%\nO1234 (VAULT)\nG00 X0. Y0.\nM30\n%\n";
  private static final String ALICES_PROGRAM = "%\nO1234 (ALICE)\nT1 M06\nG01 X25. Y10. F400.\nM30\n%\n";
  private static final String BOBS_PROGRAM = "%\nO1234 (BOB)\nT2 M06\nG01 X30. Y12. F350.\nM30\n%\n";

  private static final Duration LIVE = Duration.ofSeconds(10);

  private static Vertx vertx;
  private static TestNode node;
  private static NodeApi api;
  private static String admin;
  private static String alice;
  private static String bob;
  private static Path work;

  @BeforeAll
  static void start() throws IOException {
    boolean installed = Files.isExecutable(GIT) && Files.isExecutable(GIT_LFS);
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.assertTrue(installed, "CI needs /usr/bin/git and /usr/bin/git-lfs (Debian packages git, git-lfs)");
    }
    Assumptions.assumeTrue(installed, "git and git-lfs are installed");
    vertx = Vertx.vertx(PdmNode.vertxOptions());
    node = TestNode.start(vertx).await();
    api = new NodeApi(vertx, node.port());
    admin = api.adminToken().await();
    alice = api.createUser(admin, "alice", "programmer").await();
    bob = api.createUser(admin, "bob", "programmer").await();
    api.create(alice, FILE, Buffer.buffer(VAULT_CONTENT)).await();
    work = Files.createTempDirectory("ncvault-git-");
  }

  @AfterAll
  static void stop() {
    if (vertx == null) {
      return;
    }
    api.close();
    node.close().await();
    vertx.close().await();
    TestNode.deleteTree(work);
  }

  @Test
  @Timeout(180)
  void gitLfsLocksAreVaultLocksAndObjectsTravelThroughTheVault() throws Exception {
    Run.git(work, "init", "--bare", "-b", "main", "remote.git").ok();
    Repo alicesClone = Repo.create(work.resolve("alice"), "alice", node.port());
    Repo bobsClone = Repo.create(work.resolve("bob"), "bob", node.port());

    // Alice makes the program lockable, commits it and pushes: its content goes to the vault as an LFS object.
    alicesClone.git("lfs", "track", "--lockable", "*.nc").ok();
    alicesClone.write(FILE, ALICES_PROGRAM);
    alicesClone.git("add", ".gitattributes", FILE).ok();
    alicesClone.git("commit", "-m", "first program").ok();
    alicesClone.git("push", "origin", "main").ok();

    // Bob's clone fetches it through the vault, byte for byte.
    bobsClone.git("pull", "origin", "main").ok();
    assertThat(NodeApi.sha256(bobsClone.read(FILE))).isEqualTo(NodeApi.sha256(ALICES_PROGRAM.getBytes(StandardCharsets.UTF_8)));
    assertThat(bobsClone.git("lfs", "ls-files").ok()).contains(FILE);

    DeltaSocket live = DeltaSocket.connect(vertx, node.port(), bob, -1).await();
    try (Browser bobsPage = Browser.available() ? Browser.open(node.baseUrl()).login("bob", TestNode.passwordOf("bob"))
      : null) {
      alicesLockHoldsBobOffUntilSheOrAnAdminEndsIt(alicesClone, bobsClone, live, bobsPage);
    }
    live.close().await();
  }

  /** Bob follows the vault live ({@code bobsPage} null where no browser is installed). */
  private static void alicesLockHoldsBobOffUntilSheOrAnAdminEndsIt(Repo alicesClone, Repo bobsClone, DeltaSocket live,
                                                                   Browser bobsPage) throws Exception {
    // Alice's git lfs lock is the vault's checkout: live on the WebSocket, in bob's page and in the file list.
    if (bobsPage != null) {
      bobsPage.waitForLock(FILE, "Free", LIVE);
    }
    long seq = Long.parseLong(api.call(HttpMethod.GET, "/api/files", bob).send().await().getHeader("X-PDM-Seq"));
    alicesClone.git("lfs", "lock", FILE).ok();
    live.awaitActivity(seq + 1, 10);
    assertThat(live.messages()).anySatisfy(m -> {
      assertThat(m.getString("type")).isEqualTo("FILE_LOCKED");
      assertThat(m.getJsonObject("payload").getJsonObject("file").getString("lockedBy")).isEqualTo("alice");
    });
    if (bobsPage != null) {
      bobsPage.waitForLock(FILE, "Locked by alice", LIVE);
    }
    JsonObject file = listed();
    assertThat(file.getString("status")).isEqualTo("locked");
    assertThat(file.getString("lockedBy")).isEqualTo("alice");
    assertThat(bobsClone.git("lfs", "locks").ok()).contains(FILE).contains("alice").contains("ID:" + file.getString("lockId"));

    // Bob can neither take the lock nor push a change to the file while alice holds it.
    Run refused = bobsClone.git("lfs", "lock", FILE);
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.output()).contains("already locked by alice");
    bobsClone.makeWritable(FILE);
    bobsClone.write(FILE, BOBS_PROGRAM);
    bobsClone.git("commit", "-am", "bob's feed change").ok();
    Run halted = bobsClone.git("push", "origin", "main");
    assertThat(halted.exit()).isNotZero();
    assertThat(halted.output()).contains(FILE).containsIgnoringCase("lock");
    assertThat(Run.git(work.resolve("remote.git"), "log", "--format=%s", "main").ok()).doesNotContain("bob's feed change");

    // Alice's unlock frees the file live; then bob's push goes through and alice fetches his program.
    seq = live.lastSeq(seq);
    alicesClone.git("lfs", "unlock", FILE).ok();
    live.awaitActivity(seq + 1, 10);
    assertThat(live.messages()).anySatisfy(m -> assertThat(m.getString("type")).isEqualTo("FILE_UNLOCKED"));
    if (bobsPage != null) {
      bobsPage.waitForLock(FILE, "Free", LIVE);
    }
    assertThat(listed().getString("status")).isEqualTo("unlocked");
    bobsClone.git("push", "origin", "main").ok();
    alicesClone.git("pull", "origin", "main").ok();
    assertThat(NodeApi.sha256(alicesClone.read(FILE))).isEqualTo(NodeApi.sha256(BOBS_PROGRAM.getBytes(StandardCharsets.UTF_8)));

    // An admin's override in the vault ends the lock for git as well.
    alicesClone.git("lfs", "lock", FILE).ok();
    assertThat(bobsClone.git("lfs", "locks").ok()).contains(FILE);
    NodeApi.json(api.call(HttpMethod.POST, "/api/files/" + FILE + "/override", admin)
      .sendJsonObject(new JsonObject().put("reason", "alice is on holiday")), 200).await();
    assertThat(bobsClone.git("lfs", "locks").ok()).doesNotContain(FILE);
    assertThat(alicesClone.git("lfs", "locks").ok()).doesNotContain(FILE);
    if (bobsPage != null) {
      bobsPage.waitForLock(FILE, "Free", LIVE);
    }
  }

  /** The file as the REST file list shows it to bob. */
  private static JsonObject listed() {
    return NodeApi.json(api.call(HttpMethod.GET, "/api/files", bob).send(), 200).await().getJsonArray("12XXXXX")
      .stream().map(JsonObject.class::cast).filter(f -> f.getString("filename").equals(FILE)).findFirst().orElseThrow();
  }

  /** One clone: its own user, the vault as its LFS server, that user's password from a credential helper. */
  private record Repo(Path dir) {

    static Repo create(Path dir, String user, int port) {
      Run.git(dir.getParent(), "init", "-b", "main", dir.getFileName().toString()).ok();
      Repo repo = new Repo(dir);
      repo.git("config", "user.name", user).ok();
      repo.git("config", "user.email", user + "@shop.example").ok();
      repo.git("lfs", "install", "--local").ok();
      repo.git("config", "lfs.url", "http://127.0.0.1:" + port + "/lfs").ok();
      repo.git("config", "lfs.locksverify", "true").ok();
      repo.git("config", "credential.helper",
        "!f() { test \"$1\" = get && printf 'username=%s\\npassword=%s\\n' " + user + " "
          + TestNode.passwordOf(user) + "; }; f").ok();
      repo.git("remote", "add", "origin", dir.getParent().resolve("remote.git").toString()).ok();
      return repo;
    }

    Run git(String... args) {
      return Run.git(dir, args);
    }

    void write(String name, String content) throws IOException {
      Files.writeString(dir.resolve(name), content);
    }

    byte[] read(String name) throws IOException {
      return Files.readAllBytes(dir.resolve(name));
    }

    /** git-lfs checks lockable files out read-only while someone else may hold them. */
    void makeWritable(String name) {
      assertThat(dir.resolve(name).toFile().setWritable(true, true)).isTrue();
    }
  }

  /** One finished git command: exit code and what it printed (stdout and stderr). */
  private record Run(List<String> command, int exit, String output) {

    static Run git(Path dir, String... args) {
      List<String> command = new ArrayList<>();
      command.add(GIT.toString());
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
      Map<String, String> env = builder.environment();
      // Nothing of the machine's or the developer's git configuration, never a prompt.
      env.put("HOME", work.toString());
      env.put("XDG_CONFIG_HOME", work.resolve(".config").toString());
      env.put("GIT_CONFIG_NOSYSTEM", "1");
      env.put("GIT_TERMINAL_PROMPT", "0");
      env.put("GIT_ASKPASS", "/bin/false");
      env.put("LANG", "C");
      env.put("LC_ALL", "C");
      try {
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError(command + " did not finish within 60 s:\n" + output);
        }
        return new Run(command, process.exitValue(), output);
      } catch (IOException e) {
        throw new AssertionError(command + " could not run", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(command + " was interrupted", e);
      }
    }

    /** The output of a command that must succeed. */
    String ok() {
      assertThat(exit).as(command + " failed:\n" + output).isZero();
      return output;
    }
  }
}
