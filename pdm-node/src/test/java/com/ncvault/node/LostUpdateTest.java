package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lost update of an NC program, against a real node: alice starts a slow check-in; an admin
 * overrides her lock; bob checks in a fix and releases; alice checks the file out again; her old
 * upload then ends. It must be refused (409 lock_ended) and bob's fix must stay the current
 * revision, because the upload names the checkout it was prepared under and that checkout ended.
 */
@ExtendWith(VertxExtension.class)
class LostUpdateTest {

  private static final String FILE = "7000001_FIX.nc";
  private static final String ORIGINAL = "%\nO7001\nG01 X10. F500.\nM30\n%\n";
  private static final String BOBS_FIX = "%\nO7001\nG01 X10. F250.\nM30\n%\n";

  private static Vertx vertx;
  private static TestNode node;
  private static NodeApi api;
  private static HttpClient http;
  private static String admin;
  private static String alice;
  private static String bob;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx(PdmNode.vertxOptions());
    node = TestNode.start(vertx).await();
    api = new NodeApi(vertx, node.port());
    http = vertx.createHttpClient();
    admin = api.adminToken().await();
    alice = api.createUser(admin, "alice", "programmer").await();
    bob = api.createUser(admin, "bob", "programmer").await();
  }

  @AfterAll
  static void stop() {
    http.close().await();
    api.close();
    node.close().await();
    vertx.close().await();
  }

  @Test
  @Timeout(120)
  void aSlowCheckInWhoseLockWasOverriddenNeverUndoesTheFixCheckedInMeanwhile() throws Exception {
    api.create(alice, FILE, Buffer.buffer(ORIGINAL)).await();
    String alicesFirstLock = api.checkout(alice, FILE).await().getString("lockId");
    assertThat(alicesFirstLock).isNotBlank();

    // Alice's page sends her edited program slowly: the first part now, the rest later.
    HttpClientRequest slow = http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
      .setPort(node.port()).setURI("/api/files/" + FILE + "/checkin?message=" + enc("my old edit") + "&lockId="
        + enc(alicesFirstLock))
      .putHeader("Authorization", "Bearer " + alice).putHeader("Content-Type", "application/octet-stream")).await();
    slow.setChunked(true);
    // The body is asked for as the answer arrives, on its event loop: asked later, it could be gone.
    Future<JsonObject> slowAnswer = slow.response().compose(r -> r.body()
      .map(body -> new JsonObject().put("status", r.statusCode()).put("body", body.toJsonObject())));
    slow.write("%\nO7001\n(alice's edit, prepared before the override)\n").await();
    Waiting.until(vertx, 10_000, "alice's upload is being staged", () -> Future.succeededFuture(staged() == 1))
      .await();

    JsonObject overridden = NodeApi.json(api.call(HttpMethod.POST, "/api/files/" + FILE + "/override", admin)
      .sendJsonObject(new JsonObject().put("reason", "the feed must be fixed now")), 200).await();
    assertThat(overridden.getString("lockId")).isNull();
    String bobsLock = api.checkout(bob, FILE).await().getString("lockId");
    JsonObject fixed = NodeApi.json(api.upload("/api/files/" + FILE + "/checkin", bob, FILE, Buffer.buffer(BOBS_FIX),
      java.util.Map.of("message", "Feed halved: tool broke", "lockId", bobsLock)), 200).await();
    assertThat(fixed.getString("revision")).isEqualTo("1.1");
    assertThat(fixed.getString("status")).isEqualTo("unlocked");
    String alicesSecondLock = api.checkout(alice, FILE).await().getString("lockId");
    assertThat(alicesSecondLock).isNotIn(alicesFirstLock, bobsLock);

    slow.end("G01 X10. F500.\nM30\n%\n").await();
    JsonObject answer = slowAnswer.await();
    JsonObject error = answer.getJsonObject("body").getJsonObject("error");
    assertThat(answer.getInteger("status")).isEqualTo(409);
    assertThat(error.getString("code")).isEqualTo("lock_ended");
    assertThat(error.getString("revision")).isEqualTo("1.1");

    JsonObject file = NodeApi.json(api.call(HttpMethod.GET, "/api/files/" + FILE, alice).send(), 200).await();
    assertThat(file.getString("revision")).isEqualTo("1.1");
    assertThat(file.getString("sha256")).isEqualTo(NodeApi.sha256(Buffer.buffer(BOBS_FIX)));
    assertThat(file.getString("lockedBy")).isEqualTo("alice");
    assertThat(file.getString("lockId")).isEqualTo(alicesSecondLock);
    HttpResponse<Buffer> content = api.call(HttpMethod.GET, "/api/files/" + FILE + "/content", alice).send().await();
    assertThat(content.bodyAsString()).isEqualTo(BOBS_FIX);
    JsonObject history = NodeApi.json(api.call(HttpMethod.GET, "/api/files/" + FILE + "/history", alice).send(), 200)
      .await();
    assertThat(history.getJsonArray("revisions")).hasSize(2);
    Waiting.until(vertx, 10_000, "the refused upload's staged file is gone", () -> Future.succeededFuture(staged() == 0))
      .await();

    // Under the checkout she holds now, her change lands on top of bob's fix.
    JsonObject merged = NodeApi.json(api.upload("/api/files/" + FILE + "/checkin", alice, FILE,
      Buffer.buffer(BOBS_FIX + "(alice's edit on top)\n"),
      java.util.Map.of("message", "my edit on top of the fix", "lockId", alicesSecondLock)), 200).await();
    assertThat(merged.getString("revision")).isEqualTo("1.2");
  }

  /** The uploads being staged (files in incoming/). */
  private static long staged() {
    Path incoming = node.dataDir().resolve("incoming");
    if (!Files.isDirectory(incoming)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(incoming)) {
      return files.count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String enc(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
