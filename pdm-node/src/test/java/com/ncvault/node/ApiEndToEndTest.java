package com.ncvault.node;

import static com.ncvault.node.TestNode.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.Addresses;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every REST route of a real node (real storage on H2, blob store, HTTP api), used the way the
 * browser uses it: a programmer works on files, an admin manages, a viewer only reads.
 */
@ExtendWith(VertxExtension.class)
class ApiEndToEndTest {

  private static final String V1 = "%\nO1000 (BRACKET)\nG0 X0 Y0\nG1 X10 F200\nM30\n%\n";
  private static final String V2 = "%\nO1000 (BRACKET)\nG0 X0 Y0\nG1 X12 F250\nM30\n%\n";

  private static Vertx vertx;
  private static TestNode node;
  private static String admin;
  private static String pat;
  private static String val;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx(PdmNode.vertxOptions());
    node = TestNode.start(vertx).await();
    admin = node.adminToken().await();
    pat = node.createUser(admin, "pat", "programmer").await();
    val = node.createUser(admin, "val", "viewer").await();
  }

  @AfterAll
  static void stop() {
    node.close().await();
    vertx.close().await();
  }

  private static HttpRequest<Buffer> call(HttpMethod method, String path, String token) {
    HttpRequest<Buffer> request = node.client().request(method, path);
    return token == null ? request : request.bearerTokenAuthentication(token);
  }

  private static Future<JsonObject> json(Future<HttpResponse<Buffer>> response, int status) {
    return response.compose(r -> expect(r, status)).map(HttpResponse::bodyAsJsonObject);
  }

  private static Future<HttpResponse<Buffer>> upload(String path, String token, String filename, String content,
                                                      MultiMap fields) {
    MultipartForm form = MultipartForm.create();
    fields.forEach(form::attribute);
    form.binaryFileUpload("file", filename, Buffer.buffer(content), "application/octet-stream");
    return call(HttpMethod.POST, path, token).sendMultipartForm(form);
  }

  private static MultiMap fields(String... pairs) {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      map.add(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  private static String errorCode(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getString("code");
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Buffer.buffer(text).getBytes()));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> void verify(VertxTestContext ctx, Future<T> future, Consumer<T> assertions) {
    future.onComplete(ctx.succeeding(value -> ctx.verify(() -> {
      assertions.accept(value);
      ctx.completeNow();
    })));
  }

  @Test
  void aProgrammerCreatesChecksOutAndChecksInAFileThatEveryoneCanRead(VertxTestContext ctx) {
    String name = "1000001_BR1.nc";
    String file = "/api/files/" + name;
    JsonObject seen = new JsonObject();
    Future<Void> flow = json(upload("/api/files", pat, name, V1, fields("description", "Bracket, op 10")), 201)
      .compose(created -> {
        seen.put("created", created);
        return json(call(HttpMethod.GET, "/api/files", val).send(), 200);
      })
      .compose(list -> {
        seen.put("list", list);
        return json(call(HttpMethod.GET, file, val).send(), 200);
      })
      .compose(got -> {
        seen.put("got", got);
        return json(call(HttpMethod.POST, file + "/checkout", pat).sendJsonObject(new JsonObject().put("message", "feed")), 200);
      })
      .compose(locked -> {
        seen.put("locked", locked);
        return call(HttpMethod.POST, file + "/checkout", admin).send();
      })
      .compose(taken -> {
        seen.put("takenStatus", taken.statusCode()).put("takenBody", taken.bodyAsJsonObject());
        return upload(file + "/checkin", admin, name, V2, fields("message", "not mine"));
      })
      .compose(notHolder -> {
        seen.put("notHolderStatus", notHolder.statusCode()).put("notHolderCode", errorCode(notHolder));
        return json(upload(file + "/checkin", pat, name, V2, fields("message", "Feed 250")), 200);
      })
      .compose(checkedIn -> {
        seen.put("checkedIn", checkedIn);
        return json(call(HttpMethod.GET, file + "/history", val).send(), 200);
      })
      .compose(history -> {
        seen.put("history", history);
        return json(call(HttpMethod.GET, file + "/diff?from=1.0&to=1.1", val).send(), 200);
      })
      .compose(diff -> {
        seen.put("diff", diff);
        return call(HttpMethod.GET, file + "/content", val).send();
      })
      .compose(current -> {
        seen.put("current", current.bodyAsString()).put("etag", current.getHeader("ETag"))
          .put("disposition", current.getHeader("Content-Disposition"));
        return call(HttpMethod.GET, file + "/content?rev=1.0", val).send();
      })
      .compose(old -> {
        seen.put("old", old.bodyAsString());
        return call(HttpMethod.GET, file + "/content", val).putHeader("If-None-Match", seen.getString("etag")).send();
      })
      .compose(notModified -> {
        seen.put("notModified", notModified.statusCode());
        return call(HttpMethod.GET, file + "/content", val).putHeader("Range", "bytes=2-7").send();
      })
      .map(range -> {
        seen.put("rangeStatus", range.statusCode()).put("range", range.bodyAsString());
        return null;
      });
    verify(ctx, flow, v -> {
      JsonObject created = seen.getJsonObject("created");
      assertThat(created.getString("revision")).isEqualTo("1.0");
      assertThat(created.getString("sha256")).isEqualTo(sha256(V1));
      assertThat(created.getLong("size")).isEqualTo(V1.length());
      assertThat(created.getString("description")).isEqualTo("Bracket, op 10");
      JsonArray group = seen.getJsonObject("list").getJsonArray("10XXXXX");
      assertThat(group).isNotNull();
      assertThat(group.stream().map(o -> ((JsonObject) o).getString("filename"))).contains(name);
      assertThat(seen.getJsonObject("got").getString("status")).isEqualTo("unlocked");
      assertThat(seen.getJsonObject("locked").getString("lockedBy")).isEqualTo("pat");
      assertThat(seen.getInteger("takenStatus")).isEqualTo(409);
      assertThat(seen.getJsonObject("takenBody").getJsonObject("error").getString("lockedBy")).isEqualTo("pat");
      assertThat(seen.getInteger("notHolderStatus")).isEqualTo(409);
      assertThat(seen.getString("notHolderCode")).isEqualTo("not_lock_holder");
      JsonObject checkedIn = seen.getJsonObject("checkedIn");
      assertThat(checkedIn.getString("revision")).isEqualTo("1.1");
      assertThat(checkedIn.getString("status")).isEqualTo("unlocked");
      assertThat(checkedIn.getString("sha256")).isEqualTo(sha256(V2));
      JsonArray revisions = seen.getJsonObject("history").getJsonArray("revisions");
      assertThat(revisions.stream().map(o -> ((JsonObject) o).getString("revision"))).containsExactly("1.1", "1.0");
      assertThat(revisions.getJsonObject(0).getString("message")).isEqualTo("Feed 250");
      assertThat(seen.getJsonObject("diff").getString("diff")).contains("-G1 X10 F200").contains("+G1 X12 F250");
      assertThat(seen.getString("current")).isEqualTo(V2);
      assertThat(seen.getString("etag")).isEqualTo("\"" + sha256(V2) + "\"");
      assertThat(seen.getString("disposition")).contains("filename=\"" + name + "\"");
      assertThat(seen.getString("old")).isEqualTo(V1);
      assertThat(seen.getInteger("notModified")).isEqualTo(304);
      assertThat(seen.getInteger("rangeStatus")).isEqualTo(206);
      assertThat(seen.getString("range")).isEqualTo(V2.substring(2, 8));
    });
  }

  @Test
  void locksAreCancelledByTheHolderAndOverriddenDeletedAndRestoredOnlyByAnAdmin(VertxTestContext ctx) {
    String name = "1000002_BR2.nc";
    String file = "/api/files/" + name;
    JsonObject seen = new JsonObject();
    Future<Void> flow = json(upload("/api/files", pat, name, V1, fields("description", "plate")), 201)
      .compose(c -> json(call(HttpMethod.POST, file + "/checkout", pat).send(), 200))
      .compose(c -> json(call(HttpMethod.POST, file + "/cancel-checkout", pat).send(), 200))
      .compose(cancelled -> {
        seen.put("cancelled", cancelled.getString("status"));
        return json(call(HttpMethod.POST, file + "/checkout", pat).send(), 200);
      })
      .compose(c -> call(HttpMethod.POST, file + "/override", pat).sendJsonObject(new JsonObject().put("reason", "mine")))
      .compose(byProgrammer -> {
        seen.put("overrideByProgrammer", byProgrammer.statusCode());
        return call(HttpMethod.DELETE, file, admin).send();
      })
      .compose(deleteLocked -> {
        seen.put("deleteLocked", deleteLocked.statusCode());
        return json(call(HttpMethod.POST, file + "/override", admin).sendJsonObject(new JsonObject().put("reason", "pat is away")), 200);
      })
      .compose(overridden -> {
        seen.put("overridden", overridden.getString("status"));
        return call(HttpMethod.DELETE, file, pat).send();
      })
      .compose(deleteByProgrammer -> {
        seen.put("deleteByProgrammer", deleteByProgrammer.statusCode());
        return json(call(HttpMethod.DELETE, file, admin).send(), 200);
      })
      .compose(deleted -> {
        seen.put("deleted", deleted.getBoolean("deleted"));
        return json(call(HttpMethod.GET, "/api/files?status=deleted", val).send(), 200);
      })
      .compose(deletedList -> {
        seen.put("deletedList", deletedList.encode());
        return json(call(HttpMethod.POST, file + "/restore", admin).send(), 200);
      })
      .map(restored -> {
        seen.put("restored", restored.getBoolean("deleted"));
        return null;
      });
    verify(ctx, flow, v -> {
      assertThat(seen.getString("cancelled")).isEqualTo("unlocked");
      assertThat(seen.getInteger("overrideByProgrammer")).isEqualTo(403);
      assertThat(seen.getInteger("deleteLocked")).isEqualTo(409);
      assertThat(seen.getString("overridden")).isEqualTo("unlocked");
      assertThat(seen.getInteger("deleteByProgrammer")).isEqualTo(403);
      assertThat(seen.getBoolean("deleted")).isTrue();
      assertThat(seen.getString("deletedList")).contains(name);
      assertThat(seen.getBoolean("restored")).isFalse();
    });
  }

  @Test
  void theDashboardActivityAndEventLogShowWhatHappened(VertxTestContext ctx) {
    String name = "1000003_BR3.nc";
    Future<List<JsonObject>> flow = json(upload("/api/files", pat, name, V1, fields()), 201)
      .compose(c -> json(call(HttpMethod.POST, "/api/files/" + name + "/checkout", pat).send(), 200))
      .compose(c -> Future.all(
        json(call(HttpMethod.GET, "/api/dashboard/stats", val).send(), 200),
        json(call(HttpMethod.GET, "/api/dashboard/activity?limit=5&user=pat", val).send(), 200),
        json(call(HttpMethod.GET, "/api/events?since=0", val).send(), 200)))
      .map(all -> List.of(all.resultAt(0), all.resultAt(1), all.resultAt(2)));
    verify(ctx, flow, all -> {
      JsonObject stats = all.get(0);
      assertThat(stats.getJsonArray("active_checkouts").stream().map(o -> ((JsonObject) o).getString("filename"))).contains(name);
      assertThat(stats.getInteger("total_files")).isPositive();
      JsonArray activities = all.get(1).getJsonArray("activities");
      assertThat(activities.getJsonObject(0).getString("event_type")).isEqualTo("checkout");
      assertThat(activities.getJsonObject(0).getString("filename")).isEqualTo(name);
      JsonArray events = all.get(2).getJsonArray("events");
      List<Long> seqs = events.stream().map(o -> ((JsonObject) o).getLong("seq")).toList();
      assertThat(seqs).isSorted().doesNotHaveDuplicates();
      assertThat(all.get(2).getLong("latestSeq")).isEqualTo(seqs.get(seqs.size() - 1));
    });
  }

  @Test
  void anAdminManagesUsersWhoseRightsChangeAtOnceAndSendsThemMessages(VertxTestContext ctx) {
    Promise<JsonObject> inbox = Promise.promise();
    MessageConsumer<JsonObject> notifications = vertx.eventBus().consumer(Addresses.NOTIFY, m -> {
      if ("message".equals(m.body().getString("kind"))) {
        inbox.tryComplete(m.body());
      }
    });
    JsonObject seen = new JsonObject();
    Future<Void> flow = notifications.completion()
      .compose(v -> node.createUser(admin, "quinn", "programmer"))
      .compose(quinn -> {
        seen.put("quinn", quinn);
        return json(call(HttpMethod.GET, "/api/admin/users", admin).send(), 200);
      })
      .compose(users -> {
        seen.put("users", users.encode());
        return json(call(HttpMethod.PATCH, "/api/admin/users/quinn", admin).sendJsonObject(new JsonObject().put("role", "viewer")), 200);
      })
      .compose(changed -> call(HttpMethod.POST, "/api/files/x.nc/checkout", seen.getString("quinn")).send())
      .compose(demoted -> {
        seen.put("demotedCheckout", demoted.statusCode());
        return json(call(HttpMethod.POST, "/api/admin/users/quinn/password", admin)
          .sendJsonObject(new JsonObject().put("password", "a brand new password")), 200);
      })
      .compose(p -> node.login("quinn", "a brand new password"))
      .compose(newToken -> json(call(HttpMethod.POST, "/api/admin/messages", admin)
        .sendJsonObject(new JsonObject().put("to", "quinn").put("text", "Your lock on 1000002 was released")), 202))
      .compose(sent -> call(HttpMethod.POST, "/api/admin/messages", admin)
        .sendJsonObject(new JsonObject().put("to", "nobody").put("text", "hello")))
      .compose(unknown -> {
        seen.put("unknownRecipient", unknown.statusCode());
        return call(HttpMethod.DELETE, "/api/admin/users/quinn", admin).send();
      })
      .compose(deleted -> {
        seen.put("deleteStatus", deleted.statusCode());
        return call(HttpMethod.GET, "/api/auth/me", seen.getString("quinn")).send();
      })
      .compose(afterDelete -> {
        seen.put("meAfterDelete", afterDelete.statusCode());
        return inbox.future();
      })
      .map(message -> {
        seen.put("message", message);
        notifications.unregister();
        return null;
      });
    verify(ctx, flow, v -> {
      assertThat(seen.getString("users")).contains("\"quinn\"").contains("\"pat\"");
      assertThat(seen.getInteger("demotedCheckout")).isEqualTo(403);
      assertThat(seen.getInteger("unknownRecipient")).isEqualTo(404);
      assertThat(seen.getInteger("deleteStatus")).isEqualTo(204);
      assertThat(seen.getInteger("meAfterDelete")).isEqualTo(401);
      JsonObject message = seen.getJsonObject("message");
      assertThat(message.getString("to")).isEqualTo("quinn");
      assertThat(message.getString("from")).isEqualTo("admin");
      assertThat(message.getString("text")).isEqualTo("Your lock on 1000002 was released");
    });
  }

  @Test
  void aViewerReadsButCannotChangeAndCookieSessionsNeedTheCsrfHeader(VertxTestContext ctx) {
    String name = "1000004_BR4.nc";
    JsonObject seen = new JsonObject();
    Future<Void> flow = json(upload("/api/files", pat, name, V1, fields()), 201)
      .compose(c -> upload("/api/files", val, "1000005_BR5.nc", V1, fields()))
      .compose(viewerUpload -> {
        seen.put("viewerUpload", viewerUpload.statusCode());
        return call(HttpMethod.POST, "/api/files/" + name + "/checkout", val).send();
      })
      .compose(viewerCheckout -> {
        seen.put("viewerCheckout", viewerCheckout.statusCode());
        return node.client().post("/api/files/" + name + "/checkout").putHeader("Cookie", "pdm_session=" + pat).send();
      })
      .compose(noCsrf -> {
        seen.put("noCsrf", noCsrf.statusCode()).put("noCsrfCode", errorCode(noCsrf));
        return node.client().post("/api/files/" + name + "/checkout").putHeader("Cookie", "pdm_session=" + pat)
          .putHeader("X-PDM-CSRF", "1").send();
      })
      .map(withCsrf -> {
        seen.put("withCsrf", withCsrf.statusCode());
        return null;
      });
    verify(ctx, flow, v -> {
      assertThat(seen.getInteger("viewerUpload")).isEqualTo(403);
      assertThat(seen.getInteger("viewerCheckout")).isEqualTo(403);
      assertThat(seen.getInteger("noCsrf")).isEqualTo(403);
      assertThat(seen.getString("noCsrfCode")).isEqualTo("csrf");
      assertThat(seen.getInteger("withCsrf")).isEqualTo(200);
    });
  }

  @Test
  void storageRulesComeBackAsClearJsonErrors(VertxTestContext ctx) {
    Future<List<HttpResponse<Buffer>>> flow = Future.all(
        upload("/api/files", pat, "bad/../name.exe", V1, fields()),
        call(HttpMethod.GET, "/api/files/1000099_NONE.nc", val).send(),
        json(upload("/api/files", pat, "1000006_BR6.nc", V1, fields()), 201)
          .compose(c -> upload("/api/files", pat, "1000006_BR6.nc", V1, fields())))
      .map(all -> List.of(all.resultAt(0), all.resultAt(1), all.resultAt(2)));
    verify(ctx, flow, responses -> {
      assertThat(responses.get(0).statusCode()).isEqualTo(400);
      assertThat(errorCode(responses.get(0))).isEqualTo("invalid_filename");
      assertThat(responses.get(1).statusCode()).isEqualTo(404);
      assertThat(errorCode(responses.get(1))).isEqualTo("not_found");
      assertThat(responses.get(2).statusCode()).isEqualTo(409);
      assertThat(errorCode(responses.get(2))).isEqualTo("already_exists");
      assertThat(node.dataDir().resolve("incoming").toFile().list()).isEmpty();
    });
  }

  @Test
  void settingsDocumentationHealthMetricsAndThePageAreServed(VertxTestContext ctx) {
    Future<Boolean> syncAnswers = vertx.eventBus()
      .request(Addresses.SYNC_STATUS, new JsonObject(), new DeliveryOptions().setSendTimeout(2000))
      .map(true).otherwise(false);
    Future<List<HttpResponse<Buffer>>> flow = Future.all(
        call(HttpMethod.GET, "/api/settings", val).send(),
        call(HttpMethod.GET, "/api/openapi.yaml", null).send(),
        call(HttpMethod.GET, "/health", null).send(),
        call(HttpMethod.GET, "/metrics", null).send(),
        call(HttpMethod.GET, "/", null).send(),
        call(HttpMethod.GET, "/api/auth/me", val).send())
      .map(all -> List.of(all.resultAt(0), all.resultAt(1), all.resultAt(2), all.resultAt(3), all.resultAt(4), all.resultAt(5)));
    verify(ctx, Future.all(flow, syncAnswers), both -> {
      List<HttpResponse<Buffer>> r = flow.result();
      JsonObject settings = r.get(0).bodyAsJsonObject();
      assertThat(settings.getString("nodeName")).isEqualTo("node-" + node.port());
      assertThat(settings.getJsonArray("allowedExtensions")).contains(".mcam");
      assertThat(r.get(1).bodyAsString()).startsWith("openapi: 3.0");
      JsonObject health = r.get(2).bodyAsJsonObject();
      assertThat(health.getJsonObject("storage").getString("database")).isEqualTo("up");
      assertThat(r.get(2).statusCode()).as("up exactly when sync answers too").isEqualTo(syncAnswers.result() ? 200 : 503);
      assertThat(r.get(3).statusCode()).isEqualTo(200);
      assertThat(r.get(3).bodyAsString()).contains("vertx_http_server");
      assertThat(r.get(4).statusCode()).isEqualTo(200);
      assertThat(r.get(4).getHeader("Content-Security-Policy")).contains("default-src 'self'");
      assertThat(r.get(5).bodyAsJsonObject().getString("role")).isEqualTo("viewer");
    });
  }

  @Test
  void theLiveConnectionOpensOnlyForAValidSessionFromTheNodesOwnOrigin(VertxTestContext ctx) {
    WebSocketConnectOptions base = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port());
    String origin = "http://127.0.0.1:" + node.port();
    Future<Integer> anonymous = refusal(new WebSocketConnectOptions(base.toJson()).setURI("/ws").addHeader("Origin", origin));
    Future<Integer> foreign = refusal(new WebSocketConnectOptions(base.toJson()).setURI("/ws")
      .addHeader("Cookie", "pdm_session=" + pat).addHeader("Origin", "http://evil.example"));
    Future<Integer> mismatch = refusal(new WebSocketConnectOptions(base.toJson()).setURI("/ws?user=admin&token=" + pat)
      .addHeader("Origin", origin));
    WebSocketClient webSockets = vertx.createWebSocketClient();
    Future<Boolean> accepted = webSockets
      .connect(new WebSocketConnectOptions(base.toJson()).setURI("/ws?proto=2&user=pat")
        .addHeader("Cookie", "pdm_session=" + pat).addHeader("Origin", origin))
      .compose(socket -> socket.close().map(true))
      .eventually(webSockets::close);
    verify(ctx, Future.all(anonymous, foreign, mismatch, accepted), all -> {
      assertThat(anonymous.result()).isEqualTo(401);
      assertThat(foreign.result()).isEqualTo(403);
      assertThat(mismatch.result()).isEqualTo(403);
      assertThat(accepted.result()).isTrue();
    });
  }

  @Test
  void aViewersLiveConnectionShowsAProgrammersCheckoutWithoutReloading(VertxTestContext ctx) {
    String name = "1000007_BR7.nc";
    Promise<JsonObject> lockSeen = Promise.promise();
    Promise<Void> firstList = Promise.promise();
    WebSocketClient webSockets = vertx.createWebSocketClient();
    ClientWebSocket socket = webSockets.webSocket();
    socket.textMessageHandler(text -> {
      JsonObject message = new JsonObject(text);
      if (!"FILE_LIST_UPDATED".equals(message.getString("type"))) {
        return;
      }
      firstList.tryComplete();
      message.getJsonObject("payload").getJsonArray("10XXXXX", new JsonArray()).stream()
        .map(JsonObject.class::cast)
        .filter(f -> name.equals(f.getString("filename")) && "pat".equals(f.getString("lockedBy")))
        .findFirst()
        .ifPresent(f -> {
          lockSeen.tryComplete(f);
          socket.close();
        });
    });
    Future<Void> flow = json(upload("/api/files", pat, name, V1, fields()), 201)
      .compose(created -> socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(node.port()).setURI("/ws?user=val").addHeader("Cookie", "pdm_session=" + val)
        .addHeader("Origin", "http://127.0.0.1:" + node.port())))
      .compose(connected -> firstList.future())
      .compose(v -> json(call(HttpMethod.POST, "/api/files/" + name + "/checkout", pat).send(), 200))
      .compose(locked -> lockSeen.future())
      .<Void>mapEmpty()
      .eventually(webSockets::close);
    verify(ctx, flow, v -> assertThat(lockSeen.future().result().getString("status")).isEqualTo("locked"));
  }

  private static Future<Integer> refusal(WebSocketConnectOptions options) {
    WebSocketClient webSockets = vertx.createWebSocketClient();
    return webSockets.connect(options).transform(ar -> {
      if (ar.succeeded()) {
        ar.result().close();
        return Future.<Integer>failedFuture(new AssertionError("the upgrade was accepted"));
      }
      return ar.cause() instanceof UpgradeRejectedException rejected
        ? Future.succeededFuture(rejected.getStatus()) : Future.<Integer>failedFuture(ar.cause());
    }).eventually(webSockets::close);
  }

  @Test
  void loginLogoutAndWrongPasswords(VertxTestContext ctx) {
    JsonObject seen = new JsonObject();
    Future<Void> flow = node.client().post("/api/auth/login")
      .sendForm(MultiMap.caseInsensitiveMultiMap().add("username", "pat").add("password", TestNode.passwordOf("pat")))
      .compose(form -> {
        seen.put("form", form.statusCode()).put("formCookies", form.cookies().size());
        return node.client().post("/api/auth/login")
          .putHeader("Origin", "http://127.0.0.1:" + node.port())
          .sendJsonObject(new JsonObject().put("username", "pat").put("password", TestNode.passwordOf("pat")));
      })
      .compose(login -> {
        seen.put("login", login.statusCode()).put("cookie", login.cookies().get(0));
        return node.client().post("/api/auth/login")
          .sendJsonObject(new JsonObject().put("username", "pat").put("password", "wrong password"));
      })
      .compose(wrong -> {
        seen.put("wrong", wrong.statusCode());
        return node.client().post("/api/auth/logout").putHeader("Origin", "https://evil.example")
          .sendJsonObject(new JsonObject());
      })
      .compose(foreignLogout -> {
        seen.put("foreignLogout", foreignLogout.statusCode()).put("foreignLogoutCookies", foreignLogout.cookies().size());
        return node.client().post("/api/auth/logout").sendJsonObject(new JsonObject());
      })
      .map(logout -> {
        seen.put("logout", logout.statusCode()).put("cleared", logout.cookies().get(0));
        return null;
      });
    verify(ctx, flow, v -> {
      assertThat(seen.getInteger("form")).as("a login form (login CSRF)").isEqualTo(415);
      assertThat(seen.getInteger("formCookies")).isZero();
      assertThat(seen.getInteger("login")).as("JSON from the node's own page").isEqualTo(200);
      assertThat(seen.getString("cookie")).startsWith("pdm_session=").contains("SameSite=Strict");
      assertThat(seen.getInteger("foreignLogout")).as("a logout from another site").isEqualTo(403);
      assertThat(seen.getInteger("foreignLogoutCookies")).isZero();
      assertThat(seen.getInteger("wrong")).isEqualTo(401);
      assertThat(seen.getInteger("logout")).isEqualTo(204);
      assertThat(seen.getString("cleared")).startsWith("pdm_session=;").contains("Max-Age=0");
    });
  }
}
