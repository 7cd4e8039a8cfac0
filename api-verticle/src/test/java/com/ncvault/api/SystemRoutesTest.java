package com.ncvault.api;

import static com.ncvault.api.Checks.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.ClusterStatus;
import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.StorageApi.LaneState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Settings, admin messages, health and metrics. */
@ExtendWith(VertxExtension.class)
class SystemRoutesTest {

  private static TestApi api;
  private static TestApi.Session vera;
  private static TestApi.Session ada;

  @BeforeAll
  static void start() {
    api = TestApi.start(new JsonObject().put(ConfigKeys.STALE_LOCK_SECONDS, 3600));
    vera = api.login("vera").await();
    ada = api.login("ada").await();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void anyLoggedInUserReadsTheSettings(VertxTestContext ctx) {
    verify(ctx, vera.bearer(api.request(HttpMethod.GET, "/api/settings")).send(), response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject settings = response.bodyAsJsonObject();
      assertThat(settings.getString("nodeName")).isEqualTo("test-node");
      assertThat(settings.getLong("maxUploadBytes")).isEqualTo(TestApi.MAX_UPLOAD);
      assertThat(settings.getJsonArray("allowedExtensions")).contains(".mcam", ".nc");
      assertThat(settings.getLong("staleLockSeconds")).isEqualTo(3600L);
      assertThat(settings.getString("version")).isNotBlank().doesNotContain("${");
    });
  }

  @Test
  void anAdminMessageIsPublishedToTheRecipient(VertxTestContext ctx) {
    Promise<JsonObject> delivered = Promise.promise();
    MessageConsumer<JsonObject> inbox = api.vertx.eventBus().consumer(Addresses.NOTIFY, m -> delivered.tryComplete(m.body()));
    Future<?> sent = inbox.completion().compose(v -> ada.bearer(api.request(HttpMethod.POST, "/api/admin/messages"))
      .sendJsonObject(new JsonObject().put("to", "paul").put("text", "Please check in <b>1234567_AB1.nc</b>")));
    verify(ctx, Future.all(sent, delivered.future()), all -> {
      io.vertx.ext.web.client.HttpResponse<?> response = all.resultAt(0);
      assertThat(response.statusCode()).isEqualTo(202);
      JsonObject notification = all.resultAt(1);
      assertThat(notification.getString("to")).isEqualTo("paul");
      assertThat(notification.getString("from")).isEqualTo("ada");
      assertThat(notification.getString("kind")).isEqualTo("message");
      assertThat(notification.getString("text")).isEqualTo("Please check in <b>1234567_AB1.nc</b>");
      assertThat(notification.getString("timestamp")).isNotBlank();
      inbox.unregister();
    });
  }

  @Test
  void aMessageToAnUnknownUserIsA404AndTooLongOrEmptyTextA400(VertxTestContext ctx) {
    verify(ctx, Future.all(
        ada.bearer(api.request(HttpMethod.POST, "/api/admin/messages")).sendJsonObject(new JsonObject().put("to", "nobody").put("text", "hi")),
        ada.bearer(api.request(HttpMethod.POST, "/api/admin/messages")).sendJsonObject(new JsonObject().put("to", "paul").put("text", "x".repeat(2001))),
        ada.bearer(api.request(HttpMethod.POST, "/api/admin/messages")).sendJsonObject(new JsonObject().put("to", "paul").put("text", "")),
        ada.bearer(api.request(HttpMethod.POST, "/api/admin/messages")).sendJsonObject(new JsonObject().put("to", "paul").put("text", "x".repeat(2000)))),
      all -> {
        assertThat(all.<io.vertx.ext.web.client.HttpResponse<?>>resultAt(0).statusCode()).isEqualTo(404);
        assertThat(all.<io.vertx.ext.web.client.HttpResponse<?>>resultAt(1).statusCode()).isEqualTo(400);
        assertThat(all.<io.vertx.ext.web.client.HttpResponse<?>>resultAt(2).statusCode()).isEqualTo(400);
        assertThat(all.<io.vertx.ext.web.client.HttpResponse<?>>resultAt(3).statusCode()).isEqualTo(202);
      });
  }

  @Test
  void healthIsUpWhenStorageAndSyncAnswerAndDownWithout(VertxTestContext ctx) {
    Future<JsonObject> up = api.request(HttpMethod.GET, "/health").send()
      .map(r -> r.bodyAsJsonObject().put("httpStatus", r.statusCode()));
    Future<JsonObject> down = up.compose(v -> api.stopSyncStatus())
      .compose(v -> api.request(HttpMethod.GET, "/health").send())
      .map(r -> r.bodyAsJsonObject().put("httpStatus", r.statusCode()));
    verify(ctx, down.compose(d -> api.startSyncStatus().map(d)), downBody -> {
      JsonObject upBody = up.result();
      assertThat(upBody.getInteger("httpStatus")).isEqualTo(200);
      assertThat(upBody.getString("status")).isEqualTo("up");
      assertThat(upBody.getString("node")).isEqualTo("test-node");
      assertThat(upBody.getJsonObject("storage").getString("database")).isEqualTo("up");
      assertThat(upBody.getJsonObject("sync").getInteger("connections")).isZero();
      assertThat(upBody.containsKey("cluster")).as("a single node has no cluster part").isFalse();
      assertThat(downBody.getInteger("httpStatus")).isEqualTo(503);
      assertThat(downBody.getString("status")).isEqualTo("down");
      assertThat(downBody.getString("sync")).isEqualTo("down");
    });
  }

  @Test
  void healthIsDownOnceTheDatabaseFileCouldNotBeSyncedToTheDisk(VertxTestContext ctx) {
    api.storage.diskSyncFailedAt = "2026-12-07T06:00:00Z";
    Future<JsonObject> health = api.request(HttpMethod.GET, "/health").send()
      .map(r -> r.bodyAsJsonObject().put("httpStatus", r.statusCode()))
      .eventually(() -> {
        api.storage.diskSyncFailedAt = null;
        return Future.succeededFuture();
      });
    verify(ctx, health, body -> {
      assertThat(body.getInteger("httpStatus")).isEqualTo(503);
      assertThat(body.getString("status")).isEqualTo("down");
      JsonObject storage = body.getJsonObject("storage");
      assertThat(storage.getString("database")).isEqualTo("up");
      assertThat(storage.getString("diskSync")).isEqualTo("failed");
      assertThat(storage.getString("diskSyncFailedAt")).isEqualTo("2026-12-07T06:00:00Z");
    });
  }

  @Test
  void aClusteredNodeThatMissesARecentlySeenNodeIsDegradedButServes(VertxTestContext ctx) {
    JsonObject degraded = JsonObject.mapFrom(new ClusterStatus(ClusterStatus.DEGRADED, 2, List.of("node-a", "node-b"),
      List.of("node-a", "node-b", "node-c"), List.of("node-c"), 60));
    MessageConsumer<JsonObject> cluster = api.vertx.eventBus().localConsumer(Addresses.CLUSTER_STATUS,
      message -> message.reply(degraded));
    Future<JsonObject> health = cluster.completion()
      .compose(v -> api.request(HttpMethod.GET, "/health").send())
      .map(r -> r.bodyAsJsonObject().put("httpStatus", r.statusCode()))
      .eventually(cluster::unregister);
    verify(ctx, health, body -> {
      assertThat(body.getInteger("httpStatus")).isEqualTo(200);
      assertThat(body.getString("status")).isEqualTo("degraded");
      assertThat(body.getJsonObject("cluster").getInteger("memberCount")).isEqualTo(2);
      assertThat(body.getJsonObject("cluster").getJsonArray("missing")).containsExactly("node-c");
    });
  }

  @Test
  void metricsArePrometheusText(VertxTestContext ctx) {
    verify(ctx, api.request(HttpMethod.GET, "/metrics").send(), response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).startsWith("text/plain");
      assertThat(response.bodyAsString()).contains("# TYPE").contains("jvm_memory_used_bytes").contains("vertx_http_server");
    });
  }

  @Test
  void metricsShowAFailedDiskSyncWhatEachLaneOfStorageIsDoingAndTheDatabaseFileSize(VertxTestContext ctx) {
    Future<String> healthy = api.request(HttpMethod.GET, "/metrics").send().map(r -> r.bodyAsString());
    Future<String> failed = healthy.compose(v -> {
      api.storage.diskSyncFailedAt = "2026-12-07T06:00:00Z";
      api.storage.lanes = Map.of("crypto", new LaneState(2, 2, 7, 31), "diff", new LaneState(1, 0, 0, 0));
      api.storage.databaseFileBytes = 73_400_320L;
      return api.request(HttpMethod.GET, "/metrics").send();
    }).map(r -> r.bodyAsString()).eventually(() -> {
      api.storage.diskSyncFailedAt = null;
      api.storage.lanes = null;
      api.storage.databaseFileBytes = null;
      return Future.succeededFuture();
    });
    verify(ctx, failed, after -> {
      assertThat(healthy.result()).containsPattern("(?m)^pdm_storage_disk_sync_failed 0\\.0$")
        .doesNotContain("pdm_storage_database_file_bytes");
      assertThat(after).containsPattern("(?m)^pdm_storage_disk_sync_failed 1\\.0$")
        .containsPattern("(?m)^pdm_storage_lane_running\\{lane=\"crypto\",?} 2\\.0$")
        .containsPattern("(?m)^pdm_storage_lane_waiting\\{lane=\"crypto\",?} 7\\.0$")
        .containsPattern("(?m)^pdm_storage_lane_refused_total\\{lane=\"crypto\",?} 31\\.0$")
        .containsPattern("(?m)^pdm_storage_lane_waiting\\{lane=\"diff\",?} 0\\.0$")
        .containsPattern("(?m)^pdm_storage_database_file_bytes 7\\.340032E7$");
    });
  }

  @Test
  void allowedExtensionsComeFromTheConfig(VertxTestContext ctx) {
    verify(ctx, vera.bearer(api.request(HttpMethod.GET, "/api/settings")).send(),
      response -> assertThat(response.bodyAsJsonObject().getJsonArray("allowedExtensions"))
        .isEqualTo(ConfigKeys.defaults().getJsonArray(ConfigKeys.ALLOWED_EXTENSIONS)).isInstanceOf(JsonArray.class));
  }
}
