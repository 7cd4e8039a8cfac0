package com.ncvault.api;

import com.ncvault.storage.MemoryStorage;
import static com.ncvault.api.Checks.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ClusterHttp;
import com.ncvault.contract.ConfigKeys;
import io.vertx.core.CompositeFuture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the api offers for a cluster: another node fetches content with the cluster secret (a login
 * is not enough), admins see where each revision's content is stored, and the page learns the other
 * nodes it may reconnect to.
 */
@ExtendWith(VertxExtension.class)
class ClusterRoutesTest {

  private static final String CLUSTER_SECRET = "cluster-" + UUID.randomUUID();
  private static TestApi api;
  private static TestApi.Session admin;
  private static TestApi.Session programmer;

  @BeforeAll
  static void start() {
    api = TestApi.start(new JsonObject().put(ConfigKeys.CLUSTER_SECRET, CLUSTER_SECRET)
      .put(ConfigKeys.PEER_URLS, new JsonArray().add("http://plant-b:8080").add("http://plant-c:8080")));
    List<TestApi.Session> sessions = api.login("ada", "paul").await();
    admin = sessions.get(0);
    programmer = sessions.get(1);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static HttpRequest<Buffer> blob(String sha256) {
    return api.request(HttpMethod.GET, ClusterHttp.BLOBS_PATH + sha256);
  }

  private static String errorCode(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getString("code");
  }

  @Test
  void anotherNodeWithTheClusterSecretGetsTheContent(VertxTestContext ctx) {
    verify(ctx, blob(api.storage.sampleSha256()).putHeader(ClusterHttp.SECRET_HEADER, CLUSTER_SECRET).send(), response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/octet-stream");
      assertThat(response.body()).isEqualTo(api.storage.sampleContent);
    });
  }

  @Test
  void withoutTheSecretOrWithAWrongOneNothingIsSentEvenToALoggedInAdmin(VertxTestContext ctx) {
    String sha = api.storage.sampleSha256();
    Future<HttpResponse<Buffer>> none = blob(sha).send();
    Future<HttpResponse<Buffer>> wrong = none.compose(r -> blob(sha).putHeader(ClusterHttp.SECRET_HEADER, CLUSTER_SECRET + "x").send());
    Future<HttpResponse<Buffer>> loggedIn = wrong.compose(r -> admin.bearer(blob(sha)).send());
    verify(ctx, Future.all(none, wrong, loggedIn), all -> {
      assertThat(none.result().statusCode()).isEqualTo(401);
      assertThat(errorCode(none.result())).isEqualTo("unauthenticated");
      assertThat(wrong.result().statusCode()).isEqualTo(403);
      assertThat(errorCode(wrong.result())).isEqualTo("forbidden");
      assertThat(loggedIn.result().statusCode()).isEqualTo(401);
      assertThat(api.storage.calls).noneMatch(call -> call.action().equals("blobs.local"));
    });
  }

  @Test
  void aBlobIsNamedByItsHashAndAnUnknownOneIs404(VertxTestContext ctx) {
    Future<HttpResponse<Buffer>> upper = blob("A".repeat(64)).putHeader(ClusterHttp.SECRET_HEADER, CLUSTER_SECRET).send();
    Future<HttpResponse<Buffer>> traversal = upper.compose(r -> blob("..%2F..%2Fetc%2Fpasswd")
      .putHeader(ClusterHttp.SECRET_HEADER, CLUSTER_SECRET).send());
    Future<HttpResponse<Buffer>> unknown = traversal.compose(r -> blob("f".repeat(64))
      .putHeader(ClusterHttp.SECRET_HEADER, CLUSTER_SECRET).send());
    verify(ctx, Future.all(upper, traversal, unknown), all -> {
      assertThat(upper.result().statusCode()).isEqualTo(400);
      assertThat(traversal.result().statusCode()).isIn(400, 404);
      assertThat(unknown.result().statusCode()).isEqualTo(404);
      assertThat(errorCode(unknown.result())).isEqualTo("not_found");
    });
  }

  @Test
  void anAdminSeesOnWhichNodesEachRevisionIsStoredAndAProgrammerDoesNot(VertxTestContext ctx) {
    String path = "/api/files/" + FakeStorage.SAMPLE + "/history";
    Future<HttpResponse<Buffer>> asAdmin = admin.bearer(api.request(HttpMethod.GET, path)).send();
    Future<HttpResponse<Buffer>> asProgrammer = asAdmin.compose(r -> programmer.bearer(api.request(HttpMethod.GET, path)).send());
    verify(ctx, Future.all(asAdmin, asProgrammer), all -> {
      JsonObject adminRevision = asAdmin.result().bodyAsJsonObject().getJsonArray("revisions").getJsonObject(0);
      assertThat(adminRevision.getJsonArray("replicas")).containsExactly(MemoryStorage.NODE);
      JsonObject programmerRevision = asProgrammer.result().bodyAsJsonObject().getJsonArray("revisions").getJsonObject(0);
      assertThat(programmerRevision.containsKey("replicas")).isFalse();
    });
  }

  @Test
  void anAdminSeesTheNodesOfTheCluster(VertxTestContext ctx) {
    verify(ctx, admin.bearer(api.request(HttpMethod.GET, "/api/admin/nodes")).send(), response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject().getJsonArray("nodes").getJsonObject(0).getString("name")).isEqualTo(MemoryStorage.NODE);
    });
  }

  @Test
  void thePageLearnsTheOtherNodesItMayReconnectTo(VertxTestContext ctx) {
    verify(ctx, programmer.bearer(api.request(HttpMethod.GET, "/api/settings")).send(), response ->
      assertThat(response.bodyAsJsonObject().getJsonArray("peerUrls"))
        .containsExactly("http://plant-b:8080", "http://plant-c:8080"));
  }

  @Test
  void aPageOfAnotherNodeMayOpenALiveConnectionHereAndNoOtherSite(VertxTestContext ctx) {
    WebSocketClient webSockets = api.vertx.createWebSocketClient();
    Function<String, Future<Integer>> upgradeFrom = origin -> webSockets.connect(new WebSocketConnectOptions()
        .setHost("localhost").setPort(api.port).setURI("/ws?token=" + programmer.token()).addHeader("Origin", origin))
      .transform(ar -> {
        if (ar.succeeded()) {
          return ar.result().close().map(101);
        }
        return ar.cause() instanceof UpgradeRejectedException rejected
          ? Future.succeededFuture(rejected.getStatus()) : Future.<Integer>failedFuture(ar.cause());
      });
    Future<CompositeFuture> all = Future.all(upgradeFrom.apply("http://plant-b:8080"),
      upgradeFrom.apply("http://plant-c:8080"), upgradeFrom.apply("http://plant-d:8080"),
      upgradeFrom.apply("https://plant-b:8080")).eventually(webSockets::close);
    verify(ctx, all, statuses -> {
      assertThat(statuses.<Integer>resultAt(0)).as("a peer's page").isEqualTo(101);
      assertThat(statuses.<Integer>resultAt(1)).as("another peer's page").isEqualTo(101);
      assertThat(statuses.<Integer>resultAt(2)).as("not a node of the cluster").isEqualTo(403);
      assertThat(statuses.<Integer>resultAt(3)).as("a peer's host with another scheme").isEqualTo(403);
    });
  }

  @Test
  void thePagesPolicyLetsItReachTheOtherNodesLiveConnectionsAndNothingElse(VertxTestContext ctx) {
    verify(ctx, api.request(HttpMethod.GET, "/").send(), response -> {
      String policy = response.getHeader("Content-Security-Policy");
      assertThat(policy).contains("connect-src 'self' ws://plant-b:8080 ws://plant-c:8080;")
        .contains("script-src 'self';").contains("default-src 'self';");
      assertThat(SecurityHeaders.policy(List.of("https://plant-d.example", "not a url", "http://[::1]:9000/")))
        .contains("connect-src 'self' wss://plant-d.example:443 ws://[::1]:9000;");
    });
  }
}
