package com.ncvault.api;

import com.ncvault.auth.Tokens;
import com.ncvault.contract.StorageLimits;
import static com.ncvault.api.Checks.verify;
import static com.ncvault.api.TestApi.expectStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class AuthTest {

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

  private Future<HttpResponse<Buffer>> me(String token) {
    return api.request(HttpMethod.GET, "/api/auth/me").putHeader("Authorization", "Bearer " + token).send();
  }

  @Test
  void loginWithJsonReturnsTokenAndSetsAStrictHttpOnlySessionCookie(VertxTestContext ctx) {
    verify(ctx, api.client.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("username", "paul").put("password", FakeStorage.PASSWORD)), response -> {
        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject body = response.bodyAsJsonObject();
        assertThat(body.getString("username")).isEqualTo("paul");
        assertThat(body.getString("role")).isEqualTo("programmer");
        assertThat(body.getString("token")).isNotBlank();
        Instant expiresAt = Instant.parse(body.getString("expiresAt"));
        assertThat(expiresAt).isBetween(Instant.now().plusSeconds(8 * 3600 - 60), Instant.now().plusSeconds(8 * 3600 + 60));
        assertThat(Jwts.claims(body.getString("token")).getString("sub")).isEqualTo("paul");
        List<String> cookies = response.cookies();
        assertThat(cookies).hasSize(1);
        String cookie = cookies.get(0);
        assertThat(cookie).startsWith("pdm_session=" + body.getString("token") + ";")
          .containsIgnoringCase("HttpOnly").contains("SameSite=Strict").contains("Path=/").doesNotContain("Secure");
      });
  }

  /** The answer to a login or logout with this body, content type and Origin (none when null). */
  private static Future<HttpResponse<Buffer>> post(String path, String contentType, String body, String origin) {
    var request = api.client.post(path);
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    if (origin != null) {
      request.putHeader("Origin", origin);
    }
    return request.sendBuffer(Buffer.buffer(body));
  }

  private static String rightCredentials(String username) {
    return new JsonObject().put("username", username).put("password", FakeStorage.PASSWORD).encode();
  }

  private static void refused(HttpResponse<Buffer> response, int status, String code, String what) {
    assertThat(response.statusCode()).as(what).isEqualTo(status);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).as(what).isEqualTo(code);
    assertThat(response.cookies()).as(what + ": no cookie set or cleared").isEmpty();
  }

  @Test
  void loginAndLogoutTakeJsonOnlySoAnotherSitesFormCannotSendThem(VertxTestContext ctx) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("username", "vera").add("password", FakeStorage.PASSWORD);
    verify(ctx, Future.all(List.of(
        api.client.post("/api/auth/login").sendForm(form),
        post("/api/auth/login", "text/plain", rightCredentials("vera"), null),
        post("/api/auth/login", null, rightCredentials("vera"), null),
        api.client.post("/api/auth/logout").sendForm(MultiMap.caseInsensitiveMultiMap()),
        post("/api/auth/logout", "text/plain;charset=UTF-8", "{}", null),
        post("/api/auth/login", "application/json; charset=UTF-8", rightCredentials("vera"), null))), all -> {
      refused(all.resultAt(0), 415, "unsupported_media_type", "a login form");
      refused(all.resultAt(1), 415, "unsupported_media_type", "a text/plain login");
      refused(all.resultAt(2), 415, "unsupported_media_type", "a login without content type");
      refused(all.resultAt(3), 415, "unsupported_media_type", "a logout form");
      refused(all.resultAt(4), 415, "unsupported_media_type", "a text/plain logout");
      assertThat(all.<HttpResponse<Buffer>>resultAt(5).statusCode()).as("JSON with a charset").isEqualTo(200);
    });
  }

  @Test
  void aPageOfAnotherSiteCannotLogAVisitorInOrOut(VertxTestContext ctx) {
    verify(ctx, Future.all(List.of(
        post("/api/auth/login", "application/json", rightCredentials("vera"), "https://evil.example"),
        post("/api/auth/login", "application/json", rightCredentials("vera"), "null"),
        post("/api/auth/login", "application/json", rightCredentials("vera"), "http://localhost:" + (api.port + 1)),
        post("/api/auth/logout", "application/json", "{}", "https://evil.example"))), all -> {
      refused(all.resultAt(0), 403, "csrf", "a login from another site");
      refused(all.resultAt(1), 403, "csrf", "a login from an opaque origin (a sandboxed frame)");
      refused(all.resultAt(2), 403, "csrf", "a login from another port of the same host");
      refused(all.resultAt(3), 403, "csrf", "a logout from another site");
    });
  }

  @Test
  void theNodesOwnPageLogsInAndOutWithJson(VertxTestContext ctx) {
    String own = "http://localhost:" + api.port;
    verify(ctx, Future.all(List.of(
        post("/api/auth/login", "application/json", rightCredentials("vera"), own),
        post("/api/auth/logout", "application/json", "{}", own))), all -> {
      HttpResponse<Buffer> login = all.resultAt(0);
      assertThat(login.statusCode()).isEqualTo(200);
      assertThat(login.bodyAsJsonObject().getString("role")).isEqualTo("viewer");
      assertThat(login.cookies()).anyMatch(c -> c.startsWith("pdm_session="));
      assertThat(all.<HttpResponse<Buffer>>resultAt(1).statusCode()).isEqualTo(204);
    });
  }

  @Test
  void aWrongPasswordIsA401WithAJsonError(VertxTestContext ctx) {
    verify(ctx, api.client.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("username", "paul").put("password", "nope")), response -> {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.getHeader("Content-Type")).startsWith("application/json");
        assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("unauthenticated");
        assertThat(response.cookies()).isEmpty();
      });
  }

  @Test
  void aLoginWithoutPasswordIsAValidationError(VertxTestContext ctx) {
    verify(ctx, api.client.post("/api/auth/login").sendJsonObject(new JsonObject().put("username", "paul")), response -> {
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("field")).isEqualTo("password");
    });
  }

  @Test
  void theTokenWorksAsBearerAndAsCookie(VertxTestContext ctx) {
    verify(ctx, api.login("ada").compose(session -> Future.all(
        session.bearer(api.request(HttpMethod.GET, "/api/auth/me")).send(),
        session.cookie(api.request(HttpMethod.GET, "/api/auth/me")).send())),
      both -> {
        for (int i = 0; i < 2; i++) {
          HttpResponse<Buffer> response = both.resultAt(i);
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("username", "ada").put("role", "admin"));
        }
      });
  }

  @Test
  void aTokenWithChangedClaimsIsRefused(VertxTestContext ctx) {
    verify(ctx, api.login("vera").compose(session -> {
      JsonObject claims = Jwts.claims(session.token()).put("sub", "ada").put("role", "admin");
      return me(Jwts.withClaims(session.token(), claims));
    }), response -> {
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("unauthenticated");
    });
  }

  @Test
  void anExpiredTokenIsRefused(VertxTestContext ctx) {
    long past = Instant.now().minusSeconds(60).getEpochSecond();
    verify(ctx, api.login("paul").compose(session -> {
      JsonObject paul = new JsonObject().put("sub", "paul").put("aid", Jwts.claims(session.token()).getString("aid"))
        .put("role", "programmer").put("iss", Tokens.ISSUER);
      String expired = Jwts.hs256(paul.copy().put("iat", past - 3600).put("exp", past), TestApi.SECRET);
      String valid = Jwts.hs256(paul.copy().put("iat", past).put("exp", past + 3600), TestApi.SECRET);
      return Future.all(me(expired), me(valid));
    }), both -> {
      assertThat(both.<HttpResponse<Buffer>>resultAt(0).statusCode()).isEqualTo(401);
      assertThat(both.<HttpResponse<Buffer>>resultAt(1).statusCode()).as("same token, not expired").isEqualTo(200);
    });
  }

  @Test
  void anUnsignedAlgNoneTokenIsRefused(VertxTestContext ctx) {
    long now = Instant.now().getEpochSecond();
    String none = Jwts.unsigned(new JsonObject().put("sub", "ada").put("role", "admin").put("iss", Tokens.ISSUER)
      .put("iat", now).put("exp", now + 3600));
    verify(ctx, me(none), response -> assertThat(response.statusCode()).isEqualTo(401));
  }

  @Test
  void aTokenSignedWithAnotherSecretOrWithoutExpiryIsRefused(VertxTestContext ctx) {
    long now = Instant.now().getEpochSecond();
    JsonObject claims = new JsonObject().put("sub", "ada").put("role", "admin").put("iss", Tokens.ISSUER).put("iat", now);
    String otherKey = Jwts.hs256(claims.copy().put("exp", now + 3600), "some other secret");
    String noExpiry = Jwts.hs256(claims, TestApi.SECRET);
    verify(ctx, Future.all(me(otherKey), me(noExpiry), me("not-a-jwt")), all -> {
      for (int i = 0; i < 3; i++) {
        assertThat(all.<HttpResponse<Buffer>>resultAt(i).statusCode()).as("token %d", i).isEqualTo(401);
      }
    });
  }

  @Test
  void aTokenWithANullOrTextExpiryIsA401NotAServerError(VertxTestContext ctx) {
    long now = Instant.now().getEpochSecond();
    JsonObject claims = new JsonObject().put("sub", "ada").put("role", "admin").put("iss", Tokens.ISSUER).put("iat", now);
    String nullExpiry = Jwts.hs256(claims.copy().putNull("exp"), TestApi.SECRET);
    String textExpiry = Jwts.hs256(claims.copy().put("exp", "tomorrow"), TestApi.SECRET);
    String nullIssuedAt = Jwts.hs256(claims.copy().putNull("iat").put("exp", now + 3600), TestApi.SECRET);
    verify(ctx, Future.all(me(nullExpiry), me(textExpiry), me(nullIssuedAt)), all -> {
      for (int i = 0; i < 3; i++) {
        assertThat(all.<HttpResponse<Buffer>>resultAt(i).statusCode()).as("token %d", i).isEqualTo(401);
      }
    });
  }

  @Test
  void repeatedWrongPasswordsAreThrottledWith429EvenForTheRightPasswordNext(VertxTestContext ctx) {
    JsonObject wrong = new JsonObject().put("username", "tess").put("password", "guess");
    Future<List<Integer>> attempts = Future.succeededFuture(List.of());
    for (int i = 0; i < TestApi.LOGIN_MAX_FAILURES + 1; i++) {
      attempts = attempts.compose(list -> api.client.post("/api/auth/login").sendJsonObject(wrong)
        .map(r -> append(list, r.statusCode())));
    }
    Future<List<Integer>> statuses = attempts;
    Future<HttpResponse<Buffer>> right = statuses.compose(list -> api.client.post("/api/auth/login")
      .sendJsonObject(wrong.copy().put("password", FakeStorage.PASSWORD)));
    verify(ctx, Future.all(statuses, right), done -> {
      assertThat(statuses.result()).containsExactly(401, 401, 401, 429);
      HttpResponse<Buffer> response = right.result();
      assertThat(response.statusCode()).isEqualTo(429);
      assertThat(response.getHeader("Retry-After")).matches("\\d+");
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("too_many_requests");
    });
  }

  /**
   * A node checks at most as many passwords at once as its crypto lane runs and queues; a login
   * beyond them is refused with 503 and Retry-After, before anything is done for it: no attempt
   * reserved in the throttle's map (an entry for a minute each), no password check asked of
   * storage. The refusal is answered once its Retry-After has passed, so a client asking again at
   * once gets no more than one answer a second per request. Once the checks under way are
   * answered, logins go through again.
   */
  @Test
  void loginsBeyondWhatTheNodeChecksAtOnceAreRefusedWith503BeforeAnythingIsDoneForThem() {
    int capacity = StorageLimits.passwordCheckCapacity(Runtime.getRuntime().availableProcessors());
    int beyond = 20;
    String run = UUID.randomUUID().toString().substring(0, 8);
    WebClient flood = WebClient.create(api.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(api.port), new PoolOptions().setHttp1MaxSize(capacity + beyond));
    Promise<Void> held = Promise.promise();
    try {
      AsyncMap<String, Long> attempts = api.vertx.sharedData().<String, Long>getAsyncMap(LoginThrottle.MAP).await();
      int reservedBefore = attempts.size().await();
      long refusedBefore = health().getJsonObject("logins").getLong("refused");
      api.storage.passwordChecksHeld = held;
      List<Future<HttpResponse<Buffer>>> underWay = new ArrayList<>();
      for (int i = 0; i < capacity; i++) {
        underWay.add(login(flood, "nobody-" + run + "-" + i, "guess-guess"));
      }
      Checks.eventually(api.vertx, 10_000, "every check under way reached storage",
        () -> api.storage.passwordChecks.get() == capacity).await();

      long sent = System.nanoTime();
      List<Future<HttpResponse<Buffer>>> beyondThem = new ArrayList<>();
      for (int i = 0; i < beyond; i++) {
        beyondThem.add(login(flood, "other-" + run + "-" + i, "guess-guess"));
      }
      for (Future<HttpResponse<Buffer>> answer : beyondThem) {
        HttpResponse<Buffer> refused = answer.await();
        assertThat(refused.statusCode()).as("a login beyond the checks under way").isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("unavailable");
      }
      assertThat(System.nanoTime() - sent).as("ns until the last refusal, which waits its Retry-After")
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(LoginGate.REFUSAL_DELAY_MS));
      assertThat(api.storage.passwordChecks.get()).as("password checks asked of storage").isEqualTo(capacity);
      assertThat(attempts.size().await() - reservedBefore).as("attempts reserved in the throttle's map").isEqualTo(capacity);
      JsonObject logins = health().getJsonObject("logins");
      assertThat(logins.getInteger("capacity")).isEqualTo(capacity);
      assertThat(logins.getInteger("underWay")).isEqualTo(capacity);
      assertThat(logins.getLong("refused") - refusedBefore).isEqualTo(beyond);

      held.complete();
      for (Future<HttpResponse<Buffer>> answer : underWay) {
        assertThat(answer.await().statusCode()).as("a check that was under way").isEqualTo(401);
      }
      assertThat(login(flood, "paul", FakeStorage.PASSWORD).await().statusCode()).isEqualTo(200);
      assertThat(health().getJsonObject("logins").getInteger("underWay")).isZero();
    } finally {
      held.tryComplete();
      flood.close();
    }
  }

  private static Future<HttpResponse<Buffer>> login(WebClient client, String username, String password) {
    return client.post("/api/auth/login").sendJsonObject(new JsonObject().put("username", username).put("password", password));
  }

  private static JsonObject health() {
    return api.client.get("/health").send().await().bodyAsJsonObject();
  }

  @Test
  void aCookieSessionMustSendTheCsrfHeaderToChangeAnything(VertxTestContext ctx) {
    String checkout = "/api/files/" + FakeStorage.SAMPLE + "/checkout";
    verify(ctx, api.login("paul").compose(paul -> Future.all(
        paul.cookie(api.request(HttpMethod.POST, checkout)).sendJsonObject(new JsonObject()),
        paul.cookie(api.request(HttpMethod.POST, checkout)).putHeader("X-PDM-CSRF", "1").sendJsonObject(new JsonObject()),
        paul.bearer(api.request(HttpMethod.POST, checkout)).sendJsonObject(new JsonObject()),
        paul.cookie(api.request(HttpMethod.GET, "/api/files")).send())),
      all -> {
        HttpResponse<Buffer> withoutHeader = all.resultAt(0);
        assertThat(withoutHeader.statusCode()).isEqualTo(403);
        assertThat(withoutHeader.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("csrf");
        // Both reach storage, which lets one of them lock the file and tells the other it is locked already.
        assertThat(List.of(all.<HttpResponse<Buffer>>resultAt(1).statusCode(),
          all.<HttpResponse<Buffer>>resultAt(2).statusCode())).as("cookie + header, bearer")
          .containsExactlyInAnyOrder(200, 409);
        assertThat(all.<HttpResponse<Buffer>>resultAt(3).statusCode()).as("cookie GET").isEqualTo(200);
        assertThat(api.storage.calls).filteredOn(c -> c.action().equals("files.checkout")).hasSize(2);
      });
  }

  @Test
  void logoutClearsTheCookie(VertxTestContext ctx) {
    verify(ctx, api.client.post("/api/auth/logout").sendJsonObject(new JsonObject()), response -> {
      assertThat(response.statusCode()).isEqualTo(204);
      assertThat(response.cookies()).singleElement().satisfies(cookie ->
        assertThat(cookie).startsWith("pdm_session=;").contains("Max-Age=0").containsIgnoringCase("HttpOnly"));
    });
  }

  @Test
  void aDemotedUserLosesRightsAtOnce(VertxTestContext ctx) {
    String checkout = "/api/files/" + FakeStorage.SAMPLE + "/checkout";
    verify(ctx, api.login("ada", "carl").compose(sessions -> {
      TestApi.Session ada = sessions.get(0);
      TestApi.Session carl = sessions.get(1);
      return carl.bearer(api.request(HttpMethod.POST, checkout)).send()
        .map(r -> expectStatus(r, 200))
        .compose(r -> ada.bearer(api.request(HttpMethod.PATCH, "/api/admin/users/carl"))
          .sendJsonObject(new JsonObject().put("role", "viewer")))
        .map(r -> expectStatus(r, 200))
        .compose(r -> carl.bearer(api.request(HttpMethod.POST, checkout)).send());
    }), response -> assertThat(response.statusCode()).isEqualTo(403));
  }

  @Test
  void aDeletedUsersTokenStopsWorkingAtOnce(VertxTestContext ctx) {
    verify(ctx, api.login("ada", "carl").compose(sessions -> {
      TestApi.Session ada = sessions.get(0);
      TestApi.Session carl = sessions.get(1);
      return me(carl.token()).map(r -> expectStatus(r, 200))
        .compose(r -> ada.bearer(api.request(HttpMethod.DELETE, "/api/admin/users/carl")).send())
        .map(r -> expectStatus(r, 204))
        .compose(r -> me(carl.token()));
    }), response -> assertThat(response.statusCode()).isEqualTo(401));
  }

  @Test
  void aNewPasswordEndsTheSessionsMadeWithTheOldOne(VertxTestContext ctx) {
    verify(ctx, api.login("ada", "tess").compose(sessions -> {
      TestApi.Session ada = sessions.get(0);
      TestApi.Session tess = sessions.get(1);
      return me(tess.token()).map(r -> expectStatus(r, 200))
        .compose(r -> ada.bearer(api.request(HttpMethod.POST, "/api/admin/users/tess/password"))
          .sendJsonObject(new JsonObject().put("password", "a brand new password")))
        .map(r -> expectStatus(r, 200))
        .compose(r -> Future.all(me(tess.token()),
          api.loginWith("tess", "a brand new password").compose(fresh -> me(fresh.token())),
          me(ada.token())));
    }), all -> {
      HttpResponse<Buffer> old = all.resultAt(0);
      assertThat(old.statusCode()).as("the token from before the new password").isEqualTo(401);
      assertThat(old.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("log in again");
      assertThat(all.<HttpResponse<Buffer>>resultAt(1).statusCode()).as("a login after it").isEqualTo(200);
      assertThat(all.<HttpResponse<Buffer>>resultAt(2).statusCode()).as("the admin's own session").isEqualTo(200);
    });
  }

  private static List<Integer> append(List<Integer> list, int value) {
    List<Integer> copy = new java.util.ArrayList<>(list);
    copy.add(value);
    return copy;
  }
}
