package com.ncvault.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Git LFS server as a Git LFS client sees it (docs/lfs.md), against the in-memory storage:
 * Basic logins throttled like logins, the spec's media type, statuses and messages, locks that are
 * checkouts, objects checked against their SHA-256. (GitLfsTest in pdm-node drives the real client.)
 */
class LfsRoutesTest {

  private static final String LFS = "application/vnd.git-lfs+json";
  private static final Buffer OBJECT = Buffer.buffer("G0 X0 (an object)\n");
  private static final String OID = FakeStorage.sha256(OBJECT);

  private static TestApi api;

  @BeforeAll
  static void start() {
    api = TestApi.start();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @BeforeEach
  void reset() {
    api.storage.reset();
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static HttpRequest<Buffer> as(String authorization, HttpMethod method, String uri) {
    return api.request(method, uri).putHeader("Authorization", authorization).putHeader("Accept", LFS);
  }

  private static HttpResponse<Buffer> lock(String authorization, String path) {
    return as(authorization, HttpMethod.POST, "/lfs/locks").putHeader("Content-Type", LFS)
      .sendJsonObject(new JsonObject().put("path", path)).await();
  }

  @Test
  void withoutCredentialsGitIsAskedForAPasswordInTheLfsErrorShape() {
    HttpResponse<Buffer> response = api.request(HttpMethod.GET, "/lfs/locks").send().await();
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("WWW-Authenticate")).startsWith("Basic realm=");
    assertThat(response.getHeader("Content-Type")).isEqualTo(LFS);
    assertThat(response.bodyAsJsonObject().getString("message")).contains("user name and password");
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("unauthenticated");
  }

  @Test
  void theSessionCookieOpensNothingUnderLfs() {
    TestApi.Session paul = api.login("paul").await();
    assertThat(paul.cookie(api.request(HttpMethod.GET, "/lfs/locks")).send().await().statusCode()).isEqualTo(401);
    assertThat(paul.bearer(api.request(HttpMethod.GET, "/lfs/locks")).send().await().statusCode()).isEqualTo(200);
  }

  @Test
  void wrongBasicPasswordsAreThrottledLikeLoginsEvenForTheRightPasswordNext() {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < TestApi.LOGIN_MAX_FAILURES + 1; i++) {
      statuses.add(as(basic("tess", "guess"), HttpMethod.GET, "/lfs/locks").send().await().statusCode());
    }
    HttpResponse<Buffer> right = as(basic("tess", FakeStorage.PASSWORD), HttpMethod.GET, "/lfs/locks").send().await();
    assertThat(statuses).containsExactly(401, 401, 401, 429);
    assertThat(right.statusCode()).isEqualTo(429);
    assertThat(right.getHeader("Retry-After")).matches("\\d+");
    assertThat(right.bodyAsJsonObject().getString("message")).contains("Too many login attempts");
  }

  @Test
  void aLockIsTheCheckoutOfTheVaultFileItsPathEndsWithAndASecondOneNamesTheHolder() {
    HttpResponse<Buffer> taken = lock(basic("paul", FakeStorage.PASSWORD), "cam/op10/" + FakeStorage.SAMPLE);
    assertThat(taken.statusCode()).isEqualTo(201);
    assertThat(taken.getHeader("Content-Type")).isEqualTo(LFS);
    JsonObject lock = taken.bodyAsJsonObject().getJsonObject("lock");
    assertThat(lock.getString("path")).isEqualTo("cam/op10/" + FakeStorage.SAMPLE);
    assertThat(lock.getJsonObject("owner").getString("name")).isEqualTo("paul");
    assertThat(api.storage.getFile(FakeStorage.SAMPLE).await().lockId()).isEqualTo(lock.getString("id"));

    HttpResponse<Buffer> refused = lock(basic("carl", FakeStorage.PASSWORD), FakeStorage.SAMPLE);
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.bodyAsJsonObject().getString("message")).isEqualTo(FakeStorage.SAMPLE + " is already locked by paul");
    assertThat(refused.bodyAsJsonObject().getJsonObject("lock")).isEqualTo(lock);

    JsonObject verify = as(basic("carl", FakeStorage.PASSWORD), HttpMethod.POST, "/lfs/locks/verify")
      .sendJsonObject(new JsonObject()).await().bodyAsJsonObject();
    assertThat(verify.getJsonArray("ours")).isEmpty();
    assertThat(verify.getJsonArray("theirs")).containsExactly(lock);

    HttpResponse<Buffer> notHis = as(basic("carl", FakeStorage.PASSWORD), HttpMethod.POST,
      "/lfs/locks/" + lock.getString("id") + "/unlock").sendJsonObject(new JsonObject().put("force", true)).await();
    assertThat(notHis.statusCode()).isEqualTo(403);
    assertThat(notHis.bodyAsJsonObject().getString("message")).contains("locked by paul").contains("admin");
  }

  @Test
  void aPathThatIsNoVaultFileIs404WithAMessageSayingSo() {
    HttpResponse<Buffer> response = lock(basic("paul", FakeStorage.PASSWORD), "src/post/fanuc.pst");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject().getString("message")).contains("not a vault file").contains("fanuc.pst");
    assertThat(lock(basic("paul", FakeStorage.PASSWORD), "src/post/").statusCode()).isEqualTo(404);
  }

  @Test
  void anAdminsForcedUnlockIsAnOverrideWithTheDocumentedReason() {
    String id = lock(basic("paul", FakeStorage.PASSWORD), FakeStorage.SAMPLE).bodyAsJsonObject().getJsonObject("lock")
      .getString("id");
    HttpResponse<Buffer> forced = as(basic("ada", FakeStorage.PASSWORD), HttpMethod.POST, "/lfs/locks/" + id + "/unlock")
      .sendJsonObject(new JsonObject().put("force", true)).await();
    assertThat(forced.statusCode()).isEqualTo(200);
    assertThat(api.storage.getFile(FakeStorage.SAMPLE).await().lockedBy()).isNull();
    assertThat(api.storage.activity(new com.ncvault.contract.StorageApi.ActivityQuery(1, 0, null, null)).await()
      .activities().get(0).message()).isEqualTo(LfsRoutes.OVERRIDE_REASON);
  }

  @Test
  void anObjectIsKeptOnlyWhenItsContentIsItsIdAndThenTheBatchOffersItForDownload() {
    String paul = basic("paul", FakeStorage.PASSWORD);
    HttpResponse<Buffer> wrong = as(paul, HttpMethod.PUT, "/lfs/objects/" + OID)
      .putHeader("Content-Type", "application/octet-stream").sendBuffer(Buffer.buffer("something else")).await();
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(api.partFiles()).isEmpty();

    JsonObject batch = new JsonObject().put("operation", "upload").put("objects", new JsonArray()
      .add(new JsonObject().put("oid", OID).put("size", OBJECT.length()))
      .add(new JsonObject().put("oid", "not-a-sha").put("size", 1))
      .add(new JsonObject().put("oid", "0".repeat(64)).put("size", TestApi.MAX_UPLOAD + 1L)));
    JsonArray toUpload = as(paul, HttpMethod.POST, "/lfs/objects/batch").sendJsonObject(batch).await().bodyAsJsonObject()
      .getJsonArray("objects");
    JsonObject upload = toUpload.getJsonObject(0).getJsonObject("actions").getJsonObject("upload");
    assertThat(upload.getString("href")).endsWith("/lfs/objects/" + OID);
    assertThat(upload.getJsonObject("header").getString("Authorization")).startsWith("Bearer ");
    assertThat(toUpload.getJsonObject(1).getJsonObject("error").getInteger("code")).isEqualTo(422);
    assertThat(toUpload.getJsonObject(2).getJsonObject("error").getString("message")).contains("at most");

    assertThat(as(upload.getJsonObject("header").getString("Authorization"), HttpMethod.PUT, "/lfs/objects/" + OID)
      .putHeader("Content-Type", "application/octet-stream").sendBuffer(OBJECT).await().statusCode()).isEqualTo(200);
    assertThat(as(paul, HttpMethod.POST, "/lfs/objects/" + OID + "/verify")
      .sendJsonObject(new JsonObject().put("oid", OID).put("size", OBJECT.length())).await().statusCode()).isEqualTo(200);
    assertThat(as(paul, HttpMethod.POST, "/lfs/objects/batch").sendJsonObject(batch).await().bodyAsJsonObject()
      .getJsonArray("objects").getJsonObject(0).containsKey("actions")).as("held already: nothing to upload").isFalse();

    String vera = basic("vera", FakeStorage.PASSWORD);
    assertThat(as(vera, HttpMethod.POST, "/lfs/objects/batch").sendJsonObject(batch).await().statusCode())
      .as("a viewer pushes nothing").isEqualTo(403);
    JsonObject download = as(vera, HttpMethod.POST, "/lfs/objects/batch").sendJsonObject(batch.copy()
      .put("operation", "download")).await().bodyAsJsonObject().getJsonArray("objects").getJsonObject(0);
    assertThat(download.getLong("size")).isEqualTo(OBJECT.length());
    String href = download.getJsonObject("actions").getJsonObject("download").getString("href");
    Buffer fetched = as(vera, HttpMethod.GET, href.substring(href.indexOf("/lfs/"))).send().await().body();
    assertThat(FakeStorage.sha256(fetched)).isEqualTo(OID);
    assertThat(api.storage.listFiles(com.ncvault.contract.StorageApi.ListFiles.all()).await().json().toString())
      .as("objects are no vault files").doesNotContain(OID);
  }
}
