package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ClusterHttp;
import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may do what, end to end against a real node: every route of the API description called by
 * nobody, a viewer, a programmer (pat, who holds the locks in the fixtures), another programmer
 * (olga, acting on pat's lock) and an admin, each in a fresh fixture, against one table of
 * expected statuses. Also: forged tokens, the login throttle and the session cookie's flags.
 * (api-verticle's RoleTableTest checks the same route table against a fake storage; this one
 * goes through real storage, whose lock rules decide the 409s.)
 */
@ExtendWith(VertxExtension.class)
class AccessMatrixTest {

  /** The columns of the table, in order. */
  private static final List<String> ACTORS = List.of("anonymous", "viewer", "programmer", "other programmer", "admin");

  private static Vertx vertx;
  private static TestNode node;
  private static NodeApi api;
  private static String admin;
  private static String pat;
  private static final Map<String, String> tokens = new LinkedHashMap<>();
  private static final AtomicInteger fixtures = new AtomicInteger();
  private static final String CLUSTER_SECRET = "cluster-secret-" + UUID.randomUUID();
  private static final Buffer FREE_CONTENT = Buffer.buffer("G0 X0\n");
  private static ErrorLog errors;
  /** The file another user keeps reading while each row runs (see {@link ServiceQuality}). */
  private static final String WATCHED_FILE = "5999999_SQ.nc";

  @BeforeAll
  static void start() {
    errors = ErrorLog.attach();
    vertx = Vertx.vertx(PdmNode.vertxOptions());
    node = TestNode.start(vertx, new JsonObject().put(ConfigKeys.JWT_SECRET, TestTokens.SECRET)
      .put(ConfigKeys.CLUSTER_SECRET, CLUSTER_SECRET).put(ConfigKeys.MACHINE_TRANSFER_ATTEMPTS, 1)).await();
    api = new NodeApi(vertx, node.port());
    admin = api.adminToken().await();
    pat = api.createUser(admin, "pat", "programmer").await();
    tokens.put("anonymous", null);
    tokens.put("viewer", api.createUser(admin, "vic", "viewer").await());
    tokens.put("programmer", pat);
    tokens.put("other programmer", api.createUser(admin, "olga", "programmer").await());
    tokens.put("admin", admin);
    api.create(pat, WATCHED_FILE, Buffer.buffer("G0 X1\n".repeat(100))).await();
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close().await();
    vertx.close().await();
    errors.detach();
  }

  /** The viewer keeps reading a file while a row runs: the service another user gets meanwhile. */
  private static ServiceQuality watchAnotherUser() {
    return ServiceQuality.watch(vertx, () -> api.call(HttpMethod.GET, "/api/files/" + WATCHED_FILE + "/content",
      tokens.get("viewer")).send().compose(r -> TestNode.expect(r, 200)));
  }

  // ---------------------------------------------------------------- fixtures: each call gets its own

  /** A call made in a fresh fixture as one actor; answers the HTTP status (101 for an accepted upgrade). */
  interface Call {
    Future<Integer> as(String token);
  }

  private static String freshName() {
    return String.format("%07d_AM.nc", 6_000_000 + fixtures.incrementAndGet());
  }

  /** A file pat created; nobody holds it. */
  private static Future<String> freeFile() {
    String name = freshName();
    return api.create(pat, name, FREE_CONTENT).map(name);
  }

  /** A file pat created and checked out. */
  private static Future<String> heldByPat() {
    return freeFile().compose(name -> api.checkout(pat, name).map(name));
  }

  /** The lock id of a file pat holds. */
  private static Future<String> patsLock() {
    return heldByPat().compose(name -> NodeApi.json(api.call(HttpMethod.GET, "/api/files/" + name, admin).send(), 200))
      .map(file -> file.getString("lockId"));
  }

  /** The content of a Git LFS object an admin pushed, and its id. */
  private static final Buffer LFS_OBJECT = Buffer.buffer("G0 X0 (an LFS object)\n");

  private static Future<String> storedObject() {
    String oid = NodeApi.sha256(LFS_OBJECT);
    return status(request(HttpMethod.PUT, "/lfs/objects/" + oid, admin).putHeader("Content-Type",
      "application/octet-stream").sendBuffer(LFS_OBJECT)).map(oid);
  }

  /** git lfs lock of the file {@code fixture} makes, by its path in a repository. */
  private static Call lfsLock(Fixture fixture) {
    return token -> fixture.make().compose(name -> status(request(HttpMethod.POST, "/lfs/locks", token)
      .putHeader("Content-Type", "application/vnd.git-lfs+json")
      .sendJsonObject(new JsonObject().put("path", "programs/" + name))));
  }

  /** A batch request for the one object {@link #LFS_OBJECT}. */
  private static Call lfsBatch(String operation) {
    return json(HttpMethod.POST, "/lfs/objects/batch", new JsonObject().put("operation", operation)
      .put("objects", new io.vertx.core.json.JsonArray().add(new JsonObject().put("oid", NodeApi.sha256(LFS_OBJECT))
        .put("size", LFS_OBJECT.length()))));
  }

  /** A file pat created and an admin deleted. */
  private static Future<String> deletedFile() {
    return freeFile().compose(name -> NodeApi.json(api.call(HttpMethod.DELETE, "/api/files/" + name, admin).send(), 200)
      .map(name));
  }

  /** The name of the node under test, as its node list says. */
  private static Future<String> thisNode() {
    return NodeApi.json(api.call(HttpMethod.GET, "/api/admin/nodes", admin).send(), 200).map(nodes -> nodes.getString("self"));
  }

  /** A viewer account an admin just created. */
  private static Future<String> freshUser() {
    String name = "user" + fixtures.incrementAndGet();
    return NodeApi.json(api.call(HttpMethod.POST, "/api/admin/users", admin).sendJsonObject(new JsonObject()
      .put("username", name).put("password", "a long enough password").put("role", "viewer")), 201).map(name);
  }

  /** A machine an admin registered (a serial device server nobody listens for: sends to it fail). */
  private static Future<String> freshMachine() {
    String name = "machine" + fixtures.incrementAndGet();
    return NodeApi.json(api.call(HttpMethod.POST, "/api/machines", admin).sendJsonObject(machine(name)), 201).map(name);
  }

  private static JsonObject machine(String name) {
    return new JsonObject().put("name", name).put("transport", new JsonObject().put("kind", "tcp")
      .put("host", "127.0.0.1").put("port", 9).put("bytesPerSecond", 0));
  }

  private static Call newMachine() {
    return token -> status(request(HttpMethod.POST, "/api/machines", token)
      .sendJsonObject(machine("machine" + fixtures.incrementAndGet())));
  }

  /** A file pat created and an admin released (signed with the password); nobody holds it. */
  private static Future<String> releasedFile() {
    return freeFile().compose(name -> api.release(pat, admin, TestNode.ADMIN_PASSWORD, name).map(name));
  }

  /** A send of a file (released or a draft) to a fresh machine, the file assigned to it or not. */
  private static Call send(boolean released, boolean assigned) {
    return token -> (released ? releasedFile() : freeFile()).compose(file -> freshMachine().compose(machine -> (assigned
        ? NodeApi.json(api.call(HttpMethod.PUT, "/api/files/" + file + "/machines", pat)
          .sendJsonObject(new JsonObject().put("machines", new io.vertx.core.json.JsonArray().add(machine))), 200)
        : Future.succeededFuture())
      .compose(v -> status(request(HttpMethod.POST, "/api/machines/" + machine + "/send", token)
        .sendJsonObject(new JsonObject().put("filename", file))))));
  }

  private static Future<Integer> status(Future<HttpResponse<Buffer>> response) {
    return response.map(HttpResponse::statusCode);
  }

  private static HttpRequest<Buffer> request(HttpMethod method, String uri, String token) {
    return api.call(method, uri, token);
  }

  /** A call that needs no fixture. */
  private static Call plain(HttpMethod method, String uri) {
    return token -> status(request(method, uri, token).send());
  }

  private static Call json(HttpMethod method, String uri, JsonObject body) {
    return token -> status(request(method, uri, token).sendJsonObject(body));
  }

  /** Makes the file or user a call acts on, and answers its name. */
  private interface Fixture {
    Future<String> make();
  }

  /** A call on a file (or user) made by {@code fixture}; {@code uri} has "{}" where its name goes. */
  private static Call on(Fixture fixture, HttpMethod method, String uri, JsonObject body) {
    return token -> fixture.make().compose(name -> {
      HttpRequest<Buffer> request = request(method, uri.replace("{}", name), token);
      return status(body == null ? request.send() : request.sendJsonObject(body));
    });
  }

  /** A zip download of the file {@code fixture} makes. */
  private static Call zipOf(Fixture fixture) {
    return token -> fixture.make().compose(name -> status(request(HttpMethod.POST, "/api/files/download.zip", token)
      .sendJsonObject(new JsonObject().put("filenames", new io.vertx.core.json.JsonArray().add(name)))));
  }

  private static Call upload(Fixture fixture, String uri) {
    return token -> fixture.make().compose(name -> status(api.upload(uri.replace("{}", name), token, name,
      Buffer.buffer("G0 X1 (" + name + ")\n"), Map.of("message", "edit"))));
  }

  private static Call newUser() {
    return token -> status(request(HttpMethod.POST, "/api/admin/users", token).sendJsonObject(new JsonObject()
      .put("username", "new" + fixtures.incrementAndGet()).put("password", "a long enough password")
      .put("role", "viewer")));
  }

  /** Another node fetching the content of a free file, presenting {@code secret} (none when null). */
  private static Call blob(String secret) {
    return token -> freeFile().compose(name -> {
      HttpRequest<Buffer> request = request(HttpMethod.GET, "/internal/blobs/" + NodeApi.sha256(FREE_CONTENT), token);
      if (secret != null) {
        request.putHeader(ClusterHttp.SECRET_HEADER, secret);
      }
      return status(request.send());
    });
  }

  private static Call webSocket() {
    return token -> {
      WebSocketClient webSockets = vertx.createWebSocketClient();
      return webSockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
          .setURI(token == null ? "/ws" : "/ws?token=" + token))
        .transform(ar -> {
          if (ar.succeeded()) {
            return ar.result().close().map(101);
          }
          return ar.cause() instanceof UpgradeRejectedException rejected
            ? Future.succeededFuture(rejected.getStatus()) : Future.<Integer>failedFuture(ar.cause());
        })
        .eventually(webSockets::close);
    };
  }

  // ---------------------------------------------------------------- the table

  /** One row: the route as the API description spells it, the situation, the call, one status per actor. */
  record Row(String route, String situation, Call call, int[] expected) {
    String name() {
      return route + " (" + situation + ")";
    }
  }

  private static Row row(String route, String situation, Call call, int... expected) {
    return new Row(route, situation, call, expected);
  }

  static List<Row> table() {
    HttpMethod get = HttpMethod.GET;
    HttpMethod post = HttpMethod.POST;
    JsonObject vicLogin = new JsonObject().put("username", "vic").put("password", TestNode.passwordOf("vic"));
    JsonObject reason = new JsonObject().put("reason", "pat is on holiday");
    return List.of(
      //  route                                            situation                 call                                                anon viewer prog other admin
      row("POST /api/auth/login",                          "vic's credentials",      json(post, "/api/auth/login", vicLogin),            200, 200, 200, 200, 200),
      row("POST /api/auth/logout",                         "any",                    json(post, "/api/auth/logout", new JsonObject()),   204, 204, 204, 204, 204),
      row("GET /api/auth/me",                              "any",                    plain(get, "/api/auth/me"),                         401, 200, 200, 200, 200),
      row("GET /api/auth/live-token",                      "any",                    plain(get, "/api/auth/live-token"),                 401, 200, 200, 200, 200),
      row("GET /api/files",                                "any",                    plain(get, "/api/files?status=locked"),             401, 200, 200, 200, 200),
      row("POST /api/files",                               "a new name",             upload(() -> Future.succeededFuture(freshName()), "/api/files"),
                                                                                                                                         401, 403, 201, 201, 201),
      row("POST /api/files/download.zip",                  "a free file",            zipOf(AccessMatrixTest::freeFile),                  401, 200, 200, 200, 200),
      row("GET /api/files/{filename}",                     "a free file",            on(AccessMatrixTest::freeFile, get, "/api/files/{}", null),
                                                                                                                                         401, 200, 200, 200, 200),
      row("GET /api/files/{filename}/content",             "a free file",            on(AccessMatrixTest::freeFile, get, "/api/files/{}/content", null),
                                                                                                                                         401, 200, 200, 200, 200),
      row("GET /api/files/{filename}/history",             "a file pat holds",       on(AccessMatrixTest::heldByPat, get, "/api/files/{}/history", null),
                                                                                                                                         401, 200, 200, 200, 200),
      row("GET /api/files/{filename}/diff",                "a free file",            on(AccessMatrixTest::freeFile, get, "/api/files/{}/diff?from=1.0&to=1.0", null),
                                                                                                                                         401, 200, 200, 200, 200),
      row("GET /api/files/{filename}/program",             "a free file",            on(AccessMatrixTest::freeFile, get, "/api/files/{}/program", null),
                                                                                                                                         401, 200, 200, 200, 200),
      row("GET /api/files/{filename}/toolpath.svg",        "a free file",            on(AccessMatrixTest::freeFile, get, "/api/files/{}/toolpath.svg?view=xz", null),
                                                                                                                                         401, 200, 200, 200, 200),
      row("POST /api/files/{filename}/checkout",           "a free file",            on(AccessMatrixTest::freeFile, post, "/api/files/{}/checkout", null),
                                                                                                                                         401, 403, 200, 200, 200),
      row("POST /api/files/{filename}/checkout",           "a file pat holds",       on(AccessMatrixTest::heldByPat, post, "/api/files/{}/checkout", null),
                                                                                                                                         401, 403, 409, 409, 409),
      row("POST /api/files/{filename}/checkin",            "a file pat holds",       upload(AccessMatrixTest::heldByPat, "/api/files/{}/checkin"),
                                                                                                                                         401, 403, 200, 409, 409),
      row("POST /api/files/{filename}/checkin",            "a free file",            upload(AccessMatrixTest::freeFile, "/api/files/{}/checkin"),
                                                                                                                                         401, 403, 409, 409, 409),
      row("POST /api/files/{filename}/cancel-checkout",    "a file pat holds",       on(AccessMatrixTest::heldByPat, post, "/api/files/{}/cancel-checkout", null),
                                                                                                                                         401, 403, 200, 409, 409),
      // who may make a transition is the lifecycle's rule (draft -> review: programmer); storage decides
      row("POST /api/files/{filename}/transition",         "a draft to review",      on(AccessMatrixTest::freeFile, post, "/api/files/{}/transition", new JsonObject().put("to", "review").put("comment", "ready")),
                                                                                                                                         401, 403, 200, 200, 200),
      row("POST /api/files/{filename}/transition",         "a draft to released",    on(AccessMatrixTest::freeFile, post, "/api/files/{}/transition", new JsonObject().put("to", "released").put("password", "x")),
                                                                                                                                         401, 409, 409, 409, 409),
      row("POST /api/files/{filename}/override",           "a file pat holds",       on(AccessMatrixTest::heldByPat, post, "/api/files/{}/override", reason),
                                                                                                                                         401, 403, 403, 403, 200),
      row("DELETE /api/files/{filename}",                  "a free file",            on(AccessMatrixTest::freeFile, HttpMethod.DELETE, "/api/files/{}", null),
                                                                                                                                         401, 403, 403, 403, 200),
      row("DELETE /api/files/{filename}",                  "a file pat holds",       on(AccessMatrixTest::heldByPat, HttpMethod.DELETE, "/api/files/{}", null),
                                                                                                                                         401, 403, 403, 403, 409),
      // a deleted file's content is for admins (who may look before restoring); for others it is gone
      row("GET /api/files/{filename}/content",             "a deleted file",         on(AccessMatrixTest::deletedFile, get, "/api/files/{}/content", null),
                                                                                                                                         401, 404, 404, 404, 200),
      row("GET /api/files/{filename}/content",             "a deleted file's 1.0",   on(AccessMatrixTest::deletedFile, get, "/api/files/{}/content?rev=1.0", null),
                                                                                                                                         401, 404, 404, 404, 200),
      row("GET /api/files/{filename}/diff",                "a deleted file",         on(AccessMatrixTest::deletedFile, get, "/api/files/{}/diff?from=1.0&to=1.0", null),
                                                                                                                                         401, 404, 404, 404, 200),
      row("GET /api/files/{filename}/program",             "a deleted file",         on(AccessMatrixTest::deletedFile, get, "/api/files/{}/program", null),
                                                                                                                                         401, 404, 404, 404, 200),
      row("GET /api/files/{filename}/toolpath.svg",        "a deleted file",         on(AccessMatrixTest::deletedFile, get, "/api/files/{}/toolpath.svg?view=xz", null),
                                                                                                                                         401, 404, 404, 404, 200),
      row("POST /api/files/download.zip",                  "a deleted file",         zipOf(AccessMatrixTest::deletedFile),               401, 404, 404, 404, 200),
      row("POST /api/files/{filename}/restore",            "a deleted file",         on(AccessMatrixTest::deletedFile, post, "/api/files/{}/restore", null),
                                                                                                                                         401, 403, 403, 403, 200),
      row("GET /api/dashboard/stats",                      "any",                    plain(get, "/api/dashboard/stats"),                 401, 200, 200, 200, 200),
      row("GET /api/dashboard/activity",                   "any",                    plain(get, "/api/dashboard/activity?limit=5"),      401, 200, 200, 200, 200),
      row("GET /api/events",                               "any",                    plain(get, "/api/events?since=0&limit=5"),          401, 200, 200, 200, 200),
      row("GET /api/audit.csv",                            "any",                    plain(get, "/api/audit.csv?from=2020-01-01"),       401, 403, 403, 403, 200),
      row("GET /api/watches",                              "any",                    plain(get, "/api/watches"),                         401, 200, 200, 200, 200),
      row("PUT /api/watches/{filename}",                   "a file pat holds",       on(AccessMatrixTest::heldByPat, HttpMethod.PUT, "/api/watches/{}", null),
                                                                                                                                         401, 200, 409, 200, 200),
      row("PUT /api/watches/{filename}",                   "a free file",            on(AccessMatrixTest::freeFile, HttpMethod.PUT, "/api/watches/{}", null),
                                                                                                                                         401, 409, 409, 409, 409),
      row("DELETE /api/watches/{filename}",                "a file pat holds",       on(AccessMatrixTest::heldByPat, HttpMethod.DELETE, "/api/watches/{}", null),
                                                                                                                                         401, 204, 204, 204, 204),
      row("GET /api/notifications",                        "any",                    plain(get, "/api/notifications?limit=5"),           401, 200, 200, 200, 200),
      row("POST /api/notifications/read",                  "all of them",            json(post, "/api/notifications/read", new JsonObject().put("all", true)),
                                                                                                                                         401, 200, 200, 200, 200),
      row("GET /api/admin/users",                          "any",                    plain(get, "/api/admin/users"),                     401, 403, 403, 403, 200),
      row("POST /api/admin/users",                         "a new user",             newUser(),                                          401, 403, 403, 403, 201),
      row("PATCH /api/admin/users/{username}",             "a viewer",               on(AccessMatrixTest::freshUser, HttpMethod.PATCH, "/api/admin/users/{}", new JsonObject().put("role", "programmer")),
                                                                                                                                         401, 403, 403, 403, 200),
      row("POST /api/admin/users/{username}/password",     "a viewer",               on(AccessMatrixTest::freshUser, post, "/api/admin/users/{}/password", new JsonObject().put("password", "another long password")),
                                                                                                                                         401, 403, 403, 403, 200),
      row("DELETE /api/admin/users/{username}",            "a viewer",               on(AccessMatrixTest::freshUser, HttpMethod.DELETE, "/api/admin/users/{}", null),
                                                                                                                                         401, 403, 403, 403, 204),
      row("POST /api/admin/messages",                      "to pat",                 json(post, "/api/admin/messages", new JsonObject().put("to", "pat").put("text", "check in please")),
                                                                                                                                         401, 403, 403, 403, 202),
      row("GET /api/admin/nodes",                          "any",                    plain(get, "/api/admin/nodes"),                     401, 403, 403, 403, 200),
      row("POST /api/admin/nodes/{name}/decommission",     "the node answering",     on(AccessMatrixTest::thisNode, post, "/api/admin/nodes/{}/decommission", null),
                                                                                                                                         401, 403, 403, 403, 409),
      row("POST /api/admin/nodes/{name}/decommission",     "an unknown node",        plain(post, "/api/admin/nodes/plant-z/decommission"),
                                                                                                                                         401, 403, 403, 403, 404),
      row("POST /api/admin/nodes/{name}/reinstate",        "a node in service",      on(AccessMatrixTest::thisNode, post, "/api/admin/nodes/{}/reinstate", null),
                                                                                                                                         401, 403, 403, 403, 404),
      // Git LFS (docs/lfs.md): the same locks and the same roles; the "other programmer" is not the holder.
      row("POST /lfs/locks",                               "a free file",            lfsLock(AccessMatrixTest::freeFile),                401, 403, 201, 201, 201),
      row("POST /lfs/locks",                               "a file pat holds",       lfsLock(AccessMatrixTest::heldByPat),               401, 403, 409, 409, 409),
      row("POST /lfs/locks",                               "no such vault file",     lfsLock(() -> Future.succeededFuture("9999999_NO.nc")),
                                                                                                                                         401, 403, 404, 404, 404),
      row("GET /lfs/locks",                                "any",                    plain(get, "/lfs/locks?limit=5"),                   401, 200, 200, 200, 200),
      row("POST /lfs/locks/verify",                        "any",                    json(post, "/lfs/locks/verify", new JsonObject()),  401, 200, 200, 200, 200),
      row("POST /lfs/locks/{id}/unlock",                   "pat's lock",             on(AccessMatrixTest::patsLock, post, "/lfs/locks/{}/unlock", new JsonObject()),
                                                                                                                                         401, 403, 200, 403, 403),
      row("POST /lfs/locks/{id}/unlock",                   "pat's lock, forced",     on(AccessMatrixTest::patsLock, post, "/lfs/locks/{}/unlock", new JsonObject().put("force", true)),
                                                                                                                                         401, 403, 200, 403, 200),
      row("POST /lfs/objects/batch",                       "a download",             lfsBatch("download"),                               401, 200, 200, 200, 200),
      row("POST /lfs/objects/batch",                       "an upload",              lfsBatch("upload"),                                 401, 403, 200, 200, 200),
      row("PUT /lfs/objects/{oid}",                        "an object",              token -> status(request(HttpMethod.PUT, "/lfs/objects/" + NodeApi.sha256(LFS_OBJECT), token)
                                                                                       .putHeader("Content-Type", "application/octet-stream").sendBuffer(LFS_OBJECT)),
                                                                                                                                         401, 403, 200, 200, 200),
      row("GET /lfs/objects/{oid}",                        "a stored object",        on(AccessMatrixTest::storedObject, get, "/lfs/objects/{}", null),
                                                                                                                                         401, 200, 200, 200, 200),
      row("POST /lfs/objects/{oid}/verify",                "a stored object",        on(AccessMatrixTest::storedObject, post, "/lfs/objects/{}/verify", new JsonObject().put("oid", NodeApi.sha256(LFS_OBJECT)).put("size", LFS_OBJECT.length())),
                                                                                                                                         401, 403, 200, 200, 200),
      row("GET /api/machines",                             "any",                    plain(get, "/api/machines"),                        401, 200, 200, 200, 200),
      row("POST /api/machines",                            "a new machine",          newMachine(),                                       401, 403, 403, 403, 201),
      row("PATCH /api/machines/{machine}",                 "a machine",              on(AccessMatrixTest::freshMachine, HttpMethod.PATCH, "/api/machines/{}", new JsonObject().put("controller", "Haas NGC")),
                                                                                                                                         401, 403, 403, 403, 200),
      row("DELETE /api/machines/{machine}",                "a machine",              on(AccessMatrixTest::freshMachine, HttpMethod.DELETE, "/api/machines/{}", null),
                                                                                                                                         401, 403, 403, 403, 204),
      row("GET /api/files/{filename}/machines",            "a free file",            on(AccessMatrixTest::freeFile, get, "/api/files/{}/machines", null),
                                                                                                                                         401, 200, 200, 200, 200),
      row("PUT /api/files/{filename}/machines",            "a free file",            on(AccessMatrixTest::freeFile, HttpMethod.PUT, "/api/files/{}/machines", new JsonObject().put("machines", new io.vertx.core.json.JsonArray())),
                                                                                                                                         401, 403, 200, 200, 200),
      row("POST /api/machines/{machine}/send",             "a released assigned file", send(true, true),                                 401, 403, 202, 202, 202),
      row("POST /api/machines/{machine}/send",             "a draft assigned file",  send(false, true),                                  401, 403, 409, 409, 409),
      row("POST /api/machines/{machine}/send",             "a file not assigned",    send(true, false),                                  401, 403, 409, 409, 409),
      row("GET /api/transfers",                            "any",                    plain(get, "/api/transfers"),                       401, 200, 200, 200, 200),
      row("GET /api/import-queue",                         "any",                    plain(get, "/api/import-queue?pending=true"),       401, 200, 200, 200, 200),
      row("GET /api/import-queue/{id}/diff",               "an unknown program",     plain(get, "/api/import-queue/nope/diff"),          401, 404, 404, 404, 404),
      // approvers decide imports too (anApproverDecidesImportsButDoesNotAdminister); the table's admin is one
      row("POST /api/import-queue/{id}/accept",            "an unknown program",     json(post, "/api/import-queue/nope/accept", new JsonObject().put("message", "ok")),
                                                                                                                                         401, 403, 403, 403, 404),
      row("POST /api/import-queue/{id}/reject",            "an unknown program",     json(post, "/api/import-queue/nope/reject", new JsonObject()),
                                                                                                                                         401, 403, 403, 403, 404),
      row("GET /internal/blobs/{sha256}",                  "no cluster secret",      blob(null),                                         401, 401, 401, 401, 401),
      row("GET /internal/blobs/{sha256}",                  "a wrong cluster secret", blob("a guess"),                                    403, 403, 403, 403, 403),
      row("GET /internal/blobs/{sha256}",                  "the cluster secret",     blob(CLUSTER_SECRET),                               200, 200, 200, 200, 200),
      row("GET /api/settings",                             "any",                    plain(get, "/api/settings"),                        401, 200, 200, 200, 200),
      row("GET /api/openapi.yaml",                         "any",                    plain(get, "/api/openapi.yaml"),                    200, 200, 200, 200, 200),
      row("GET /health",                                   "any",                    plain(get, "/health"),                              200, 200, 200, 200, 200),
      row("GET /metrics",                                  "any",                    plain(get, "/metrics"),                             200, 200, 200, 200, 200),
      row("GET /",                                         "the page",               plain(get, "/"),                                    200, 200, 200, 200, 200),
      row("GET /ws",                                       "an upgrade",             webSocket(),                                        401, 101, 101, 101, 101));
  }

  static Stream<Arguments> rows() {
    return table().stream().map(row -> Arguments.of(Named.of(row.name(), row)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  @Timeout(60)
  void eachActorGetsExactlyTheStatusOfTheTable(Row row) throws Exception {
    Map<String, Integer> expected = new LinkedHashMap<>();
    Map<String, Integer> actual = new LinkedHashMap<>();
    ServiceQuality probe = watchAnotherUser();
    ServiceQuality.Report quality;
    try {
      for (int i = 0; i < ACTORS.size(); i++) {
        String actor = ACTORS.get(i);
        expected.put(actor, row.expected()[i]);
        actual.put(actor, row.call().as(tokens.get(actor)).await());
      }
    } finally {
      quality = probe.stop();
    }
    assertThat(actual).as(row.name()).isEqualTo(expected);
    quality.assertWithinBounds();
    assertThat(errors.drain()).as("errors the node logged").isEmpty();
  }

  @Test
  @Timeout(60)
  void theTableCoversEveryRouteOfTheApiDescription() {
    String yaml = api.call(HttpMethod.GET, "/api/openapi.yaml", null).send().await().bodyAsString();
    Set<String> described = new TreeSet<>();
    String path = null;
    for (String line : yaml.split("\n")) {
      Matcher pathLine = Pattern.compile("^  (/\\S*):\\s*$").matcher(line);
      Matcher methodLine = Pattern.compile("^    (get|post|put|patch|delete):\\s*$").matcher(line);
      if (pathLine.matches()) {
        path = pathLine.group(1);
      } else if (methodLine.matches() && path != null) {
        described.add(methodLine.group(1).toUpperCase() + " " + path);
      } else if (line.startsWith("components:")) {
        break;
      }
    }
    Set<String> tested = new TreeSet<>();
    table().forEach(row -> tested.add(row.route()));
    assertThat(described).hasSizeGreaterThan(25);
    assertThat(tested).isEqualTo(described);
  }

  @Test
  @Timeout(60)
  void anApproverDecidesImportsButDoesNotAdminister() {
    String quinn = api.createUser(admin, "quinn", "approver").await();
    Map<String, Integer> actual = new LinkedHashMap<>();
    actual.put("accept", status(request(HttpMethod.POST, "/api/import-queue/nope/accept", quinn)
      .sendJsonObject(new JsonObject().put("message", "ok"))).await());
    actual.put("reject", status(request(HttpMethod.POST, "/api/import-queue/nope/reject", quinn)
      .sendJsonObject(new JsonObject())).await());
    actual.put("send", send(true, true).as(quinn).await());
    actual.put("register a machine", newMachine().as(quinn).await());
    actual.put("audit", status(request(HttpMethod.GET, "/api/audit.csv", quinn).send()).await());
    Map<String, Integer> expected = new LinkedHashMap<>();
    expected.put("accept", 404);
    expected.put("reject", 404);
    expected.put("send", 202);
    expected.put("register a machine", 403);
    expected.put("audit", 403);
    assertThat(actual).containsExactlyEntriesOf(expected);
  }

  // ---------------------------------------------------------------- tokens

  static Stream<Arguments> forgedTokens() {
    return Stream.of(
      Arguments.of(Named.of("pat's token with the role changed to admin (signature kept)",
        (TokenMaker) () -> TestTokens.withClaims(pat, TestTokens.claimsOf(pat).put("role", "admin")))),
      Arguments.of(Named.of("pat's token with the user changed to admin (signature kept)",
        (TokenMaker) () -> TestTokens.withClaims(pat, TestTokens.claimsOf(pat).put("sub", "admin")))),
      Arguments.of(Named.of("a token that expired a minute ago",
        (TokenMaker) () -> TestTokens.sign(TestTokens.SECRET, TestTokens.claims("admin", adminId(), "admin", -60)))),
      Arguments.of(Named.of("an unsigned token with alg none",
        (TokenMaker) () -> TestTokens.unsigned(TestTokens.claims("admin", adminId(), "admin", 3600)))),
      Arguments.of(Named.of("an alg none token with pat's signature kept",
        (TokenMaker) () -> TestTokens.unsigned(TestTokens.claims("admin", adminId(), "admin", 3600)) + pat.split("\\.")[2])),
      Arguments.of(Named.of("a token signed with another key",
        (TokenMaker) () -> TestTokens.sign("another key entirely", TestTokens.claims("admin", adminId(), "admin", 3600)))),
      Arguments.of(Named.of("a token without an expiry",
        (TokenMaker) () -> TestTokens.sign(TestTokens.SECRET, TestTokens.claims("admin", adminId(), "admin", 0).copy()
          .put("exp", (Object) null)))),
      Arguments.of(Named.of("a token whose expiry is text",
        (TokenMaker) () -> TestTokens.sign(TestTokens.SECRET, TestTokens.claims("admin", adminId(), "admin", 0).put("exp", "never")))),
      Arguments.of(Named.of("a token claiming HS512",
        (TokenMaker) () -> TestTokens.sign(TestTokens.SECRET, new JsonObject().put("alg", "HS512").put("typ", "JWT"),
          TestTokens.claims("admin", adminId(), "admin", 3600)))),
      Arguments.of(Named.of("a well-signed token for a user that does not exist",
        (TokenMaker) () -> TestTokens.sign(TestTokens.SECRET, TestTokens.claims("mallory", adminId(), "admin", 3600)))),
      Arguments.of(Named.of("garbage", (TokenMaker) () -> "not.a.token")),
      Arguments.of(Named.of("pat's claims with a truncated signature",
        (TokenMaker) () -> pat.substring(0, pat.length() - 5))),
      Arguments.of(Named.of("a token for pat signed correctly but issued by someone else",
        (TokenMaker) () -> TestTokens.sign(TestTokens.SECRET, TestTokens.claims("pat", TestTokens.accountIdOf(pat), "programmer", 3600)
          .put("iss", "elsewhere")))),
      Arguments.of(Named.of("a well-signed token for admin naming another account id",
        (TokenMaker) () -> TestTokens.sign(TestTokens.SECRET, TestTokens.claims("admin", UUID.randomUUID().toString(),
          "admin", 3600)))),
      Arguments.of(Named.of("a well-signed token for admin without an account id",
        (TokenMaker) () -> TestTokens.sign(TestTokens.SECRET, TestTokens.claims("admin", adminId(), "admin", 3600)
          .copy().put("aid", (Object) null)))));
  }

  private static String adminId() {
    return TestTokens.accountIdOf(admin);
  }

  interface TokenMaker {
    String make();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forgedTokens")
  @Timeout(60)
  void aForgedOrExpiredTokenOpensNothing(TokenMaker forged) throws Exception {
    String token = forged.make();
    Map<String, Integer> statuses = new LinkedHashMap<>();
    ServiceQuality probe = watchAnotherUser();
    ServiceQuality.Report quality;
    try {
      statuses.put("bearer GET /api/files", status(request(HttpMethod.GET, "/api/files", token).send()).await());
      statuses.put("bearer GET /api/admin/users", status(request(HttpMethod.GET, "/api/admin/users", token).send()).await());
      statuses.put("cookie GET /api/auth/me", status(api.client().get("/api/auth/me")
        .putHeader("Cookie", "pdm_session=" + token).send()).await());
      statuses.put("/ws?token=", webSocket().as(token).await());
    } finally {
      quality = probe.stop();
    }
    assertThat(statuses).allSatisfy((call, status) -> assertThat(status).as(call).isEqualTo(401));
    quality.assertWithinBounds();
    assertThat(errors.drain()).as("errors the node logged").isEmpty();
  }

  @Test
  @Timeout(60)
  void theNodesOwnTokenFormatIsWhatTheForgeriesImitate() {
    // guards the forgeries above: a token made the same way with the right key is accepted
    String made = TestTokens.sign(TestTokens.SECRET, TestTokens.claims("pat", TestTokens.accountIdOf(pat), "programmer",
      3600));
    assertThat(status(request(HttpMethod.GET, "/api/auth/me", made).send()).await()).isEqualTo(200);
    assertThat(TestTokens.claimsOf(pat).getString("iss")).isEqualTo("ncvault");
  }

  // ---------------------------------------------------------------- reserved names

  @Test
  @Timeout(60)
  void anAdminCannotCreateAnAccountNamedAsTheServerWritesItselfInTheHistory() {
    for (String name : List.of("system", "SYSTEM")) {
      HttpResponse<Buffer> refused = request(HttpMethod.POST, "/api/admin/users", admin).sendJsonObject(new JsonObject()
        .put("username", name).put("password", "a long enough password").put("role", "admin")).await();
      assertThat(refused.statusCode()).as(name).isEqualTo(400);
      JsonObject error = refused.bodyAsJsonObject().getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("validation_failed");
      assertThat(error.getString("message")).contains("system is reserved");
    }
    assertThat(request(HttpMethod.GET, "/api/admin/users", admin).send().await().bodyAsJsonObject().getJsonArray("users").stream()
      .map(user -> ((JsonObject) user).getString("username"))).doesNotContain("system");
    assertThat(errors.drain()).as("errors the node logged").isEmpty();
  }

  // ---------------------------------------------------------------- who reads user administration

  @Test
  @Timeout(120)
  void userAdministrationIsReadByAdminsOnlyInTheEventLogTheFeedAndTheLiveConnectionWhileFileEventsReachEveryone() {
    long before = api.latestSeq(admin).await();
    List<String> readers = List.of("viewer", "programmer", "admin");
    Map<String, DeltaSocket> live = new LinkedHashMap<>();
    for (String reader : readers) {
      live.put(reader, DeltaSocket.connect(vertx, node.port(), tokens.get(reader), before).await());
    }
    JsonObject ulla = new JsonObject().put("username", "ulla").put("password", "a long enough password").put("role", "viewer");
    NodeApi.json(request(HttpMethod.POST, "/api/admin/users", admin).sendJsonObject(ulla), 201).await();
    String file = freeFile().await();
    NodeApi.json(request(HttpMethod.PATCH, "/api/admin/users/ulla", admin).sendJsonObject(new JsonObject()
      .put("role", "programmer")), 200).await();
    NodeApi.json(request(HttpMethod.POST, "/api/admin/users/ulla/password", admin).sendJsonObject(new JsonObject()
      .put("password", "another long password")), 200).await();
    assertThat(request(HttpMethod.DELETE, "/api/admin/users/ulla", admin).send().await().statusCode()).isLessThan(300);
    api.checkout(pat, file).await();
    long last = api.latestSeq(admin).await();

    List<JsonObject> history = api.eventsSince(admin, before).await();
    List<Long> userAdministration = history.stream().filter(e -> e.getString("type").startsWith("user_"))
      .map(e -> e.getLong("seq")).toList();
    List<Long> fileEvents = history.stream().filter(e -> !e.getString("type").startsWith("user_"))
      .map(e -> e.getLong("seq")).toList();
    assertThat(history.stream().map(e -> e.getString("type"))).as("the admin's event log")
      .containsExactly("user_created", "create", "user_changed", "user_changed", "user_deleted", "checkout");
    for (String reader : List.of("viewer", "programmer")) {
      assertThat(api.eventsSince(tokens.get(reader), before).await().stream().map(e -> e.getLong("seq")))
        .as(reader + "'s event log").containsExactlyElementsOf(fileEvents);
      assertThat(feed(tokens.get(reader))).as(reader + "'s activity feed").noneMatch(type -> type.startsWith("user_"))
        .contains("create", "checkout");
    }
    assertThat(feed(admin)).as("the admin's activity feed").contains("user_created", "user_changed", "user_deleted");

    Future.all(live.values().stream().map(socket -> socket.activity(last)).toList()).await();
    assertThat(live.get("viewer").activitySeqs()).as("the viewer's live connection").containsExactlyElementsOf(fileEvents);
    assertThat(live.get("programmer").activitySeqs()).as("a programmer's live connection").containsExactlyElementsOf(fileEvents);
    assertThat(live.get("admin").activitySeqs()).as("the admin's live connection").containsAll(userAdministration)
      .containsAll(fileEvents);
    assertThat(live.get("viewer").messages()).noneMatch(message -> message.encode().contains("ulla"));
    Future.all(live.values().stream().map(DeltaSocket::close).toList()).await();
    assertThat(errors.drain()).as("errors the node logged").isEmpty();
  }

  /** The event types of the newest entries of the activity feed, as {@code token} reads it. */
  private static List<String> feed(String token) {
    return NodeApi.json(request(HttpMethod.GET, "/api/dashboard/activity?limit=50", token).send(), 200).await()
      .getJsonArray("activities").stream().map(a -> ((JsonObject) a).getString("event_type")).toList();
  }

  // ---------------------------------------------------------------- login throttle and cookie

  @Test
  @Timeout(120)
  void tenWrongPasswordsInAMinuteLockTheNameOutWith429ButNotOthers() {
    api.createUser(admin, "tess", "programmer").await();
    List<Integer> wrong = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      wrong.add(status(api.client().post("/api/auth/login").sendJsonObject(new JsonObject().put("username", "tess")
        .put("password", "guess number " + i))).await());
    }
    HttpResponse<Buffer> throttled = api.client().post("/api/auth/login").sendJsonObject(new JsonObject()
      .put("username", "TESS").put("password", TestNode.passwordOf("tess"))).await();
    HttpResponse<Buffer> other = api.client().post("/api/auth/login").sendJsonObject(new JsonObject()
      .put("username", "vic").put("password", TestNode.passwordOf("vic"))).await();
    assertThat(wrong).containsOnly(401);
    assertThat(throttled.statusCode()).as("the right password after ten wrong ones").isEqualTo(429);
    assertThat(throttled.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("too_many_requests");
    assertThat(Integer.parseInt(throttled.getHeader("Retry-After"))).isBetween(1, 60);
    assertThat(other.statusCode()).as("another user logs in meanwhile").isEqualTo(200);
  }

  @Test
  @Timeout(120)
  void sixtyWrongPasswordsAtOnceGetTenTriesAndTheRightPasswordAfterThemIsRefused() {
    api.createUser(admin, "tara", "programmer").await();
    List<Future<HttpResponse<Buffer>>> burst = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      burst.add(api.client().post("/api/auth/login").sendJsonObject(new JsonObject().put("username", "tara")
        .put("password", "parallel guess " + i)));
    }
    // another user, while the burst is being answered
    long started = System.nanoTime();
    int otherStatus = status(request(HttpMethod.GET, "/api/auth/me", tokens.get("viewer")).send()).await();
    long otherMs = (System.nanoTime() - started) / 1_000_000;
    Future.all(burst).await();
    Map<Integer, Integer> statuses = new java.util.TreeMap<>();
    burst.forEach(response -> statuses.merge(response.result().statusCode(), 1, Integer::sum));
    // wrong passwords one at a time after the burst, until the name is locked
    List<Integer> after = new ArrayList<>();
    while (after.isEmpty() || after.get(after.size() - 1) == 401) {
      after.add(api.client().post("/api/auth/login").sendJsonObject(new JsonObject().put("username", "tara")
        .put("password", "later guess " + after.size())).await().statusCode());
      assertThat(after.size()).as("wrong passwords after the burst before the name is locked").isLessThanOrEqualTo(10);
    }
    HttpResponse<Buffer> right = api.client().post("/api/auth/login").sendJsonObject(new JsonObject()
      .put("username", "tara").put("password", TestNode.passwordOf("tara"))).await();

    assertThat(statuses.keySet()).as("tried (401), refused untried (429), or refused untried as too many for the node"
      + " to check at once (503)").isSubsetOf(401, 429, 503);
    assertThat(statuses.get(401)).as("passwords of the burst tried").isBetween(1, 10);
    assertThat(after.get(after.size() - 1)).as("a wrong password once the name is locked").isEqualTo(429);
    assertThat(statuses.get(401) + after.size() - 1).as("passwords tried in all").isEqualTo(10);
    assertThat(burst).filteredOn(response -> response.result().statusCode() != 401)
      .allSatisfy(response -> assertThat(Integer.parseInt(response.result().getHeader("Retry-After"))).isBetween(1, 60));
    assertThat(right.statusCode()).as("the right password after ten wrong ones").isEqualTo(429);
    assertThat(right.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("too_many_requests");
    assertThat(right.getHeader("Retry-After")).isNotNull();
    assertThat(otherStatus).as("another user is served during the burst").isEqualTo(200);
    assertThat(otherMs).as("and without waiting for it (ms)").isLessThan(2_000);
    assertThat(errors.drain()).as("errors the node logged").isEmpty();
  }

  @Test
  @Timeout(60)
  void theSessionCookieIsHttpOnlyStrictAndNotReadableByScripts() {
    HttpResponse<Buffer> login = api.client().post("/api/auth/login").sendJsonObject(new JsonObject()
      .put("username", "vic").put("password", TestNode.passwordOf("vic"))).await();
    assertThat(login.cookies()).singleElement().satisfies(cookie -> {
      List<String> attributes = Arrays.stream(cookie.split(";")).map(String::trim).toList();
      assertThat(attributes.get(0)).startsWith("pdm_session=").endsWith(login.bodyAsJsonObject().getString("token"));
      assertThat(attributes).contains("SameSite=Strict", "Path=/")
        .as("no Secure flag over plain HTTP (the TLS test checks it over HTTPS)").doesNotContain("Secure");
      assertThat(attributes).as("HttpOnly, however spelled").anyMatch(a -> a.equalsIgnoreCase("HttpOnly"));
      assertThat(attributes).anyMatch(a -> a.startsWith("Max-Age="));
    });
  }
}
