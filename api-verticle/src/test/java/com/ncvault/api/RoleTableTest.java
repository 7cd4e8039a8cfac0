package com.ncvault.api;

import static com.ncvault.api.Checks.verify;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.Roles;
import com.ncvault.contract.StorageApi.Checkout;
import com.ncvault.contract.StorageApi.FileAction;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every route, called by nobody, a viewer, a programmer and an admin: anonymous callers get 401 on
 * everything but the public routes, a too-small role gets 403, a big-enough role gets through.
 */
@ExtendWith(VertxExtension.class)
class RoleTableTest {

  /**
   * One route: the least role that may call it (null = public) and the status it answers when
   * allowed. {@code before} puts the vault in the state the call needs (storage keeps its rules:
   * a cancel needs a checkout), given the caller's name.
   */
  record Case(HttpMethod method, String route, String url, String minimumRole, int allowed,
              Function<HttpRequest<Buffer>, Future<HttpResponse<Buffer>>> send, Function<String, Future<?>> before) {

    Case(HttpMethod method, String route, String url, String minimumRole, int allowed,
         Function<HttpRequest<Buffer>, Future<HttpResponse<Buffer>>> send) {
      this(method, route, url, minimumRole, allowed, send, user -> Future.succeededFuture());
    }

    String key() {
      return method + " " + route;
    }
  }

  private static final String F = FakeStorage.SAMPLE;
  private static final Buffer OBJECT = Buffer.buffer("G0 X0 (an LFS object)\n");
  private static final String OID = FakeStorage.sha256(OBJECT);
  private static final AtomicInteger UNIQUE = new AtomicInteger();
  private static TestApi api;
  private static Map<String, TestApi.Session> sessions;

  @BeforeAll
  static void start() {
    api = TestApi.start();
    api.storage.addUser("quinn", Roles.APPROVER, FakeStorage.PASSWORD);
    List<TestApi.Session> logged = api.login("vera", "paul", "quinn", "ada").await();
    sessions = Map.of(Roles.VIEWER, logged.get(0), Roles.PROGRAMMER, logged.get(1), Roles.APPROVER, logged.get(2),
      Roles.ADMIN, logged.get(3));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @BeforeEach
  void reset() {
    api.storage.reset();
    api.storage.addUser("doomed", Roles.VIEWER, FakeStorage.PASSWORD);
    api.storage.addUser("quinn", Roles.APPROVER, FakeStorage.PASSWORD);
  }

  private static Function<HttpRequest<Buffer>, Future<HttpResponse<Buffer>>> json(JsonObject body) {
    return request -> request.sendJsonObject(body);
  }

  private static Function<HttpRequest<Buffer>, Future<HttpResponse<Buffer>>> upload() {
    return request -> request.putHeader("Content-Type", Multipart.CONTENT_TYPE).sendBuffer(Multipart.form()
      .field("message", "m").file("file", "900000" + UNIQUE.incrementAndGet() + "_RT.nc", Buffer.buffer("G0 X0\n")).end());
  }

  private static Function<HttpRequest<Buffer>, Future<HttpResponse<Buffer>>> empty() {
    return HttpRequest::send;
  }

  static List<Case> table() {
    String v = Roles.VIEWER;
    String p = Roles.PROGRAMMER;
    String ap = Roles.APPROVER;
    String a = Roles.ADMIN;
    JsonObject login = new JsonObject().put("username", "paul").put("password", FakeStorage.PASSWORD);
    return List.of(
      new Case(POST, "/api/auth/login", "/api/auth/login", null, 200, json(login)),
      new Case(POST, "/api/auth/logout", "/api/auth/logout", null, 204, json(new JsonObject())),
      new Case(GET, "/api/auth/me", "/api/auth/me", v, 200, empty()),
      new Case(GET, "/api/auth/live-token", "/api/auth/live-token", v, 200, empty()),
      new Case(GET, "/api/files", "/api/files?status=locked", v, 200, empty()),
      new Case(POST, "/api/files", "/api/files", p, 201, upload()),
      new Case(POST, "/api/files/download.zip", "/api/files/download.zip", v, 200,
        json(new JsonObject().put("filenames", new io.vertx.core.json.JsonArray().add(F)))),
      new Case(GET, "/api/files/:filename", "/api/files/" + F, v, 200, empty()),
      new Case(GET, "/api/files/:filename/content", "/api/files/" + F + "/content", v, 200, empty()),
      new Case(GET, "/api/files/:filename/history", "/api/files/" + F + "/history", v, 200, empty()),
      new Case(GET, "/api/files/:filename/diff", "/api/files/" + F + "/diff?from=1.0&to=1.0", v, 200, empty()),
      new Case(GET, "/api/files/:filename/program", "/api/files/" + F + "/program?rev=1.0", v, 200, empty()),
      new Case(GET, "/api/files/:filename/toolpath.svg", "/api/files/" + F + "/toolpath.svg?view=xz", v, 200, empty()),
      new Case(POST, "/api/files/:filename/checkout", "/api/files/" + F + "/checkout", p, 200,
        json(new JsonObject().put("message", "editing"))),
      new Case(POST, "/api/files/:filename/checkin", "/api/files/" + F + "/checkin", p, 200, upload()),
      new Case(POST, "/api/files/:filename/cancel-checkout", "/api/files/" + F + "/cancel-checkout", p, 200, empty(),
        RoleTableTest::checkOut),
      // the route lets every user ask; the lifecycle's configuration decides (draft -> review: programmer)
      new Case(POST, "/api/files/:filename/transition", "/api/files/" + F + "/transition", p, 200,
        json(new JsonObject().put("to", "review").put("comment", "ready for review"))),
      new Case(POST, "/api/files/:filename/override", "/api/files/" + F + "/override", a, 200,
        json(new JsonObject().put("reason", "holder is on holiday")), user -> checkOut("carl")),
      new Case(DELETE, "/api/files/:filename", "/api/files/" + F, a, 200, empty()),
      new Case(POST, "/api/files/:filename/restore", "/api/files/" + F + "/restore", a, 200, empty()),
      new Case(GET, "/api/files/:filename/machines", "/api/files/" + F + "/machines", v, 200, empty()),
      new Case(PUT, "/api/files/:filename/machines", "/api/files/" + F + "/machines", p, 200,
        json(new JsonObject().put("machines", new io.vertx.core.json.JsonArray().add("mill")))),
      new Case(GET, "/api/machines", "/api/machines", v, 200, empty()),
      new Case(POST, "/api/machines", "/api/machines", a, 201, json(new JsonObject().put("name", "mill")
        .put("transport", new JsonObject().put("kind", "tcp").put("host", "127.0.0.1").put("port", 4001)))),
      new Case(PATCH, "/api/machines/:machine", "/api/machines/mill", a, 200,
        json(new JsonObject().put("controller", "Haas NGC"))),
      new Case(DELETE, "/api/machines/:machine", "/api/machines/mill", a, 204, empty()),
      new Case(POST, "/api/machines/:machine/send", "/api/machines/mill/send", p, 202,
        json(new JsonObject().put("filename", F))),
      new Case(GET, "/api/transfers", "/api/transfers?machine=mill", v, 200, empty()),
      new Case(GET, "/api/import-queue", "/api/import-queue?pending=true", v, 200, empty()),
      new Case(GET, "/api/import-queue/:id/diff", "/api/import-queue/i-1/diff", v, 200, empty()),
      new Case(POST, "/api/import-queue/:id/accept", "/api/import-queue/i-1/accept", ap, 200,
        json(new JsonObject().put("message", "edited at the control"))),
      new Case(POST, "/api/import-queue/:id/reject", "/api/import-queue/i-1/reject", ap, 200, empty()),
      new Case(GET, "/api/dashboard/stats", "/api/dashboard/stats", v, 200, empty()),
      new Case(GET, "/api/dashboard/activity", "/api/dashboard/activity?limit=10&user=paul", v, 200, empty()),
      new Case(GET, "/api/events", "/api/events?since=0", v, 200, empty()),
      new Case(GET, "/api/audit.csv", "/api/audit.csv?from=2020-01-01", a, 200, empty()),
      new Case(GET, "/api/watches", "/api/watches", v, 200, empty()),
      new Case(PUT, "/api/watches/:filename", "/api/watches/" + F, v, 200, empty(), user -> checkOut("carl")),
      new Case(DELETE, "/api/watches/:filename", "/api/watches/" + F, v, 204, empty()),
      new Case(GET, "/api/notifications", "/api/notifications?limit=10", v, 200, empty()),
      new Case(POST, "/api/notifications/read", "/api/notifications/read", v, 200,
        json(new JsonObject().put("all", true))),
      new Case(GET, "/api/admin/users", "/api/admin/users", a, 200, empty()),
      new Case(POST, "/api/admin/users", "/api/admin/users", a, 201, request -> request.sendJsonObject(new JsonObject()
        .put("username", "new" + UNIQUE.incrementAndGet()).put("password", "a long password").put("role", Roles.VIEWER))),
      new Case(PATCH, "/api/admin/users/:username", "/api/admin/users/tess", a, 200,
        json(new JsonObject().put("role", Roles.PROGRAMMER))),
      new Case(POST, "/api/admin/users/:username/password", "/api/admin/users/tess/password", a, 200,
        json(new JsonObject().put("password", "another long password"))),
      new Case(DELETE, "/api/admin/users/:username", "/api/admin/users/doomed", a, 204, empty()),
      new Case(POST, "/api/admin/messages", "/api/admin/messages", a, 202,
        json(new JsonObject().put("to", "paul").put("text", "Please check in 1234567_AB1.nc"))),
      new Case(GET, "/api/admin/nodes", "/api/admin/nodes", a, 200, empty()),
      new Case(POST, "/api/admin/nodes/:name/decommission", "/api/admin/nodes/plant-z/decommission", a, 404, empty()),
      new Case(POST, "/api/admin/nodes/:name/reinstate", "/api/admin/nodes/plant-z/reinstate", a, 404, empty()),
      new Case(GET, "/api/settings", "/api/settings", v, 200, empty()),
      new Case(GET, "/api/openapi.yaml", "/api/openapi.yaml", null, 200, empty()),
      new Case(GET, "/health", "/health", null, 200, empty()),
      new Case(GET, "/metrics", "/metrics", null, 200, empty()),
      // A plain GET (no upgrade) passes the guard and is then refused as a bad upgrade.
      new Case(GET, "/ws", "/ws", v, 400, empty()),
      // Node to node: a login does not count, only the cluster secret (which this api has none of).
      new Case(GET, "/internal/blobs/:sha256", "/internal/blobs/" + "0".repeat(64), null, 403, empty()),
      new Case(POST, "/lfs/locks", "/lfs/locks", p, 201, json(new JsonObject().put("path", "nc/" + F)),
        user -> release()),
      new Case(GET, "/lfs/locks", "/lfs/locks?path=" + F, v, 200, empty()),
      new Case(POST, "/lfs/locks/verify", "/lfs/locks/verify", v, 200, json(new JsonObject())),
      // an id no lock has: the role check passes, then the lock is not found
      new Case(POST, "/lfs/locks/:id/unlock", "/lfs/locks/no-such-lock/unlock", p, 404, json(new JsonObject())),
      new Case(POST, "/lfs/objects/batch", "/lfs/objects/batch", v, 200, json(new JsonObject()
        .put("operation", "download").put("objects", new io.vertx.core.json.JsonArray()))),
      new Case(PUT, "/lfs/objects/:oid", "/lfs/objects/" + OID, p, 200,
        request -> request.putHeader("Content-Type", "application/octet-stream").sendBuffer(OBJECT)),
      new Case(GET, "/lfs/objects/:oid", "/lfs/objects/" + "0".repeat(64), v, 404, empty()),
      new Case(POST, "/lfs/objects/:oid/verify", "/lfs/objects/" + "0".repeat(64) + "/verify", p, 404,
        json(new JsonObject().put("oid", "0".repeat(64)).put("size", 1))));
  }

  /** Nobody holds the sample. */
  private static Future<?> release() {
    return api.storage.getFile(F).compose(file -> file.lockedBy() == null ? Future.succeededFuture()
      : api.storage.cancelCheckout(new FileAction(F, file.lockedBy(), null)));
  }

  /** {@code user} holds the sample's lock (taken from whoever held it). */
  private static Future<?> checkOut(String user) {
    return api.storage.getFile(F).compose(file -> file.lockedBy() == null ? Future.succeededFuture()
        : api.storage.cancelCheckout(new FileAction(F, file.lockedBy(), null)))
      .compose(v -> api.storage.checkout(new Checkout(F, user, null, "set up by the test")));
  }

  private static int expected(Case c, String role) {
    if (c.minimumRole() == null) {
      return c.allowed();
    }
    if (role == null) {
      return 401;
    }
    return Roles.atLeast(role, c.minimumRole()) ? c.allowed() : 403;
  }

  /** Calls every route in turn as {@code role} (null = not logged in) and collects the statuses. */
  private Future<Map<String, Integer>> callAll(String role) {
    Future<Map<String, Integer>> statuses = Future.succeededFuture(new LinkedHashMap<>());
    for (Case c : table()) {
      statuses = statuses.compose(map -> {
        HttpRequest<Buffer> request = api.request(c.method(), c.url());
        if (role != null) {
          sessions.get(role).bearer(request);
        }
        String user = role == null ? "nobody" : sessions.get(role).username();
        return c.before().apply(user).compose(ready -> c.send().apply(request)).map(response -> {
          map.put(c.key(), response.statusCode());
          return map;
        });
      });
    }
    return statuses;
  }

  private void check(VertxTestContext ctx, String role) {
    Map<String, Integer> expected = new LinkedHashMap<>();
    table().forEach(c -> expected.put(c.key(), expected(c, role)));
    verify(ctx, callAll(role), actual -> assertThat(actual).containsExactlyEntriesOf(expected));
  }

  @Test
  void anonymousCallersReachOnlyThePublicRoutes(VertxTestContext ctx) {
    check(ctx, null);
  }

  @Test
  void aViewerReadsButChangesNothing(VertxTestContext ctx) {
    check(ctx, Roles.VIEWER);
  }

  @Test
  void aProgrammerWorksOnFilesButDoesNotAdminister(VertxTestContext ctx) {
    check(ctx, Roles.PROGRAMMER);
  }

  @Test
  void anApproverAlsoDecidesWhatComesBackFromMachinesButDoesNotAdminister(VertxTestContext ctx) {
    check(ctx, Roles.APPROVER);
  }

  @Test
  void anAdminReachesEverything(VertxTestContext ctx) {
    check(ctx, Roles.ADMIN);
  }

  @Test
  void theTableCoversEveryRouteOfTheRouter() {
    Set<String> routed = new TreeSet<>();
    for (Route route : api.instances.get(0).router().getRoutes()) {
      if (route.getPath() != null && route.methods() != null) {
        route.methods().forEach(m -> routed.add(m + " " + route.getPath()));
      }
    }
    Set<String> tested = new TreeSet<>();
    table().forEach(c -> tested.add(c.key()));
    assertThat(tested).isEqualTo(routed);
  }
}
