package com.ncvault.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.StorageApi.Checkout;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Watches and the inbox over REST: each user reaches their own only, and bad input changes nothing. */
class InboxRoutesTest {

  private static TestApi api;
  private static TestApi.Session vera;
  private static TestApi.Session paul;
  private static TestApi.Session ada;

  @BeforeAll
  static void start() {
    api = TestApi.start();
    List<TestApi.Session> sessions = api.login("vera", "paul", "ada").await();
    vera = sessions.get(0);
    paul = sessions.get(1);
    ada = sessions.get(2);
    api.storage.checkout(new Checkout(FakeStorage.SAMPLE, "carl", null, "editing")).await();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static HttpResponse<Buffer> call(TestApi.Session who, HttpMethod method, String path, JsonObject body) {
    var request = who.bearer(api.request(method, path));
    return (body == null ? request.send() : request.sendJsonObject(body)).await();
  }

  @Test
  void aUserSeesAndEndsOnlyTheirOwnWatches() {
    HttpResponse<Buffer> watched = TestApi.expectStatus(call(paul, HttpMethod.PUT, "/api/watches/" + FakeStorage.SAMPLE,
      null), 200);
    assertThat(watched.bodyAsJsonObject().getString("filename")).isEqualTo(FakeStorage.SAMPLE);
    assertThat(call(paul, HttpMethod.GET, "/api/watches", null).bodyAsJsonObject().getJsonArray("watches"))
      .extracting(w -> ((JsonObject) w).getString("filename")).containsExactly(FakeStorage.SAMPLE);
    assertThat(call(vera, HttpMethod.GET, "/api/watches", null).bodyAsJsonObject().getJsonArray("watches")).isEmpty();

    TestApi.expectStatus(call(vera, HttpMethod.DELETE, "/api/watches/" + FakeStorage.SAMPLE, null), 204);
    assertThat(call(paul, HttpMethod.GET, "/api/watches", null).bodyAsJsonObject().getJsonArray("watches"))
      .as("vera's delete ends only vera's watch").hasSize(1);

    TestApi.expectStatus(call(paul, HttpMethod.PUT, "/api/watches/unknown_file.nc", null), 404);
    TestApi.expectStatus(call(paul, HttpMethod.PUT, "/api/watches/" + "x".repeat(300) + ".nc", null), 400);
    TestApi.expectStatus(call(paul, HttpMethod.DELETE, "/api/watches/" + FakeStorage.SAMPLE, null), 204);
    assertThat(call(paul, HttpMethod.GET, "/api/watches", null).bodyAsJsonObject().getJsonArray("watches")).isEmpty();
  }

  @Test
  void aUserReadsOnlyTheirOwnNotices() {
    TestApi.expectStatus(call(ada, HttpMethod.POST, "/api/admin/messages",
      new JsonObject().put("to", "tess").put("text", "Lunch at noon")), 202);
    TestApi.Session tess = api.login("tess").await();
    JsonObject inbox = TestApi.expectStatus(call(tess, HttpMethod.GET, "/api/notifications", null), 200)
      .bodyAsJsonObject();
    assertThat(inbox.getInteger("unread")).isEqualTo(1);
    JsonObject notice = inbox.getJsonArray("notices").getJsonObject(0);
    assertThat(notice.getString("text")).isEqualTo("Lunch at noon");
    assertThat(notice.getString("from")).isEqualTo("ada");
    assertThat(notice.getBoolean("read")).isFalse();
    long id = notice.getLong("id");
    assertThat(call(vera, HttpMethod.GET, "/api/notifications", null).bodyAsJsonObject().getJsonArray("notices"))
      .isEmpty();

    TestApi.expectStatus(call(vera, HttpMethod.POST, "/api/notifications/read",
      new JsonObject().put("ids", new JsonArray().add(id))), 200);
    assertThat(call(tess, HttpMethod.GET, "/api/notifications", null).bodyAsJsonObject().getInteger("unread"))
      .as("vera cannot mark tess's notice read").isEqualTo(1);

    for (JsonObject bad : List.of(new JsonObject(), new JsonObject().put("ids", "1"),
      new JsonObject().put("ids", new JsonArray().add("x")), new JsonObject().put("ids", new JsonArray().add(1.5)),
      new JsonObject().put("all", "yes"))) {
      HttpResponse<Buffer> refused = call(tess, HttpMethod.POST, "/api/notifications/read", bad);
      assertThat(refused.statusCode()).as(bad.encode()).isEqualTo(400);
      assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("code")).isNotBlank();
    }
    TestApi.expectStatus(call(tess, HttpMethod.GET, "/api/notifications?limit=0", null), 400);
    TestApi.expectStatus(call(tess, HttpMethod.GET, "/api/notifications?before=x", null), 400);
    assertThat(call(tess, HttpMethod.GET, "/api/notifications", null).bodyAsJsonObject().getInteger("unread"))
      .as("bad input changed nothing").isEqualTo(1);

    JsonObject read = TestApi.expectStatus(call(tess, HttpMethod.POST, "/api/notifications/read",
      new JsonObject().put("ids", new JsonArray().add(id))), 200).bodyAsJsonObject();
    assertThat(read.getInteger("unread")).isZero();
    assertThat(call(tess, HttpMethod.GET, "/api/notifications", null).bodyAsJsonObject().getJsonArray("notices")
      .getJsonObject(0).getBoolean("read")).isTrue();
    TestApi.expectStatus(call(ada, HttpMethod.POST, "/api/admin/messages",
      new JsonObject().put("to", "nobody").put("text", "hello")), 404);
  }
}
