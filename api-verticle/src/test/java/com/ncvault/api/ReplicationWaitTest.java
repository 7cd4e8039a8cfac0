package com.ncvault.api;

import static com.ncvault.api.Checks.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A node that wants two copies of every upload but is the only one holding it (the fake storage is
 * one node): the new file and the new revision are committed and answered with a warning saying how
 * many copies exist; a node content with one copy answers without one.
 */
@ExtendWith(VertxExtension.class)
class ReplicationWaitTest {

  private static TestApi twoWanted;
  private static TestApi.Session paul;

  @BeforeAll
  static void start() {
    twoWanted = TestApi.start(new JsonObject().put(ConfigKeys.REPLICATION_FACTOR, 2)
      .put(ConfigKeys.REPLICATION_WAIT_SECONDS, 1));
    paul = twoWanted.login("paul").await();
  }

  @AfterAll
  static void stop() {
    twoWanted.close();
  }

  private static Future<HttpResponse<Buffer>> upload(TestApi api, TestApi.Session user, String path, String filename) {
    Buffer body = Multipart.form().field("message", "m").file("file", filename, Buffer.buffer("G0 X1\n")).end();
    return user.bearer(api.request(HttpMethod.POST, path)).putHeader("Content-Type", Multipart.CONTENT_TYPE)
      .sendBuffer(body);
  }

  @Test
  void aNewFileWithFewerCopiesThanWantedIsSavedAndAnsweredWithAWarning(VertxTestContext ctx) {
    verify(ctx, upload(twoWanted, paul, "/api/files", "7700001_RW.nc"), response -> {
      assertThat(response.statusCode()).isEqualTo(201);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getString("revision")).isEqualTo("1.0");
      assertThat(body.getJsonObject("warning")).isEqualTo(new JsonObject().put("code", "under_replicated")
        .put("message", "Saved, but held by 1 of the 2 nodes wanted so far; it is copied to the others in the background")
        .put("copies", 1).put("wanted", 2));
    });
  }

  @Test
  void aCheckinWithFewerCopiesThanWantedIsSavedAndAnsweredWithAWarning(VertxTestContext ctx) {
    Future<HttpResponse<Buffer>> checkin = upload(twoWanted, paul, "/api/files", "7700002_RW.nc")
      .compose(created -> paul.bearer(twoWanted.request(HttpMethod.POST, "/api/files/7700002_RW.nc/checkout")).send())
      .compose(out -> upload(twoWanted, paul, "/api/files/7700002_RW.nc/checkin", "7700002_RW.nc"));
    verify(ctx, checkin, response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject().getString("revision")).isEqualTo("1.1");
      assertThat(response.bodyAsJsonObject().getJsonObject("warning").getInteger("copies")).isEqualTo(1);
    });
  }

  @Test
  void aSingleNodeWantsOneCopyAndAnswersWithoutAWarning() {
    TestApi single = TestApi.start();
    try {
      HttpResponse<Buffer> created = upload(single, single.login("paul").await(), "/api/files", "7700003_RW.nc")
        .await();
      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(created.bodyAsJsonObject().containsKey("warning")).isFalse();
    } finally {
      single.close();
    }
  }
}
