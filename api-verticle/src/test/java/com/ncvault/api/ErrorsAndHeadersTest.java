package com.ncvault.api;

import static com.ncvault.api.Checks.verify;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ErrorsAndHeadersTest {

  private static final String CHECKOUT = "/api/files/" + FakeStorage.SAMPLE + "/checkout";
  private static TestApi api;
  private static TestApi.Session paul;

  @BeforeAll
  static void start() {
    api = TestApi.start();
    paul = api.login("paul").await();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static void assertSecurityHeaders(HttpResponse<Buffer> response) {
    assertThat(response.getHeader("Content-Security-Policy")).isEqualTo(SecurityHeaders.CONTENT_SECURITY_POLICY)
      .contains("default-src 'self'").contains("frame-ancestors 'none'").contains("object-src 'none'");
    assertThat(response.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(response.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(response.getHeader("X-Frame-Options")).isEqualTo("DENY");
  }

  private static void assertJsonError(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json; charset=utf-8");
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo(code);
    assertThat(response.bodyAsString()).doesNotContain("Exception").doesNotContain("<html").doesNotContain("\tat ");
    assertSecurityHeaders(response);
  }

  @Test
  void theStartPageIsServedWithSecurityHeaders(VertxTestContext ctx) {
    verify(ctx, api.request(HttpMethod.GET, "/").send(), response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).startsWith("text/html");
      assertThat(response.bodyAsString()).contains("NC Vault");
      assertSecurityHeaders(response);
      assertThat(response.getHeader("Cache-Control"))
        .as("the UI is revalidated, so an upgraded node never serves stale scripts").isEqualTo("no-cache");
    });
  }

  @Test
  void apiAnswersCarrySecurityHeadersAndAreNeverCached(VertxTestContext ctx) {
    verify(ctx, paul.bearer(api.request(HttpMethod.GET, "/api/files")).send(), response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertSecurityHeaders(response);
      assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
      assertThat(response.getHeader("X-PDM-Seq")).isEqualTo(String.valueOf(api.storage.events().size()));
      assertThat(response.bodyAsJsonObject().getJsonArray("12XXXXX")).isNotEmpty();
    });
  }

  @Test
  void unknownApiPathsAndUnknownPagesAreJson404s(VertxTestContext ctx) {
    verify(ctx, Future.all(
        paul.bearer(api.request(HttpMethod.GET, "/api/nothing/here")).send(),
        api.request(HttpMethod.POST, "/api/nothing").send(),
        api.request(HttpMethod.GET, "/no-such-page.html").send()),
      all -> {
        for (int i = 0; i < 3; i++) {
          HttpResponse<Buffer> response = all.resultAt(i);
          assertJsonError(response, 404, "not_found");
          assertThat(response.getHeader("Cache-Control")).as("response %d", i).isEqualTo("no-store");
        }
      });
  }

  @Test
  void aWrongMethodIsAJson405(VertxTestContext ctx) {
    verify(ctx, Future.all(
        paul.bearer(api.request(HttpMethod.PUT, "/api/files")).send(),
        paul.bearer(api.request(HttpMethod.DELETE, "/api/settings")).send()),
      all -> {
        assertJsonError(all.resultAt(0), 405, "method_not_allowed");
        assertJsonError(all.resultAt(1), 405, "method_not_allowed");
      });
  }

  @Test
  void refusalsAreJsonWithSecurityHeaders(VertxTestContext ctx) {
    verify(ctx, Future.all(
        api.request(HttpMethod.GET, "/api/files").send(),
        paul.bearer(api.request(HttpMethod.GET, "/api/admin/users")).send()),
      all -> {
        assertJsonError(all.resultAt(0), 401, "unauthenticated");
        assertJsonError(all.resultAt(1), 403, "forbidden");
      });
  }

  @Test
  void malformedJsonIsA400InvalidJson(VertxTestContext ctx) {
    verify(ctx, Future.all(
        paul.bearer(api.request(HttpMethod.POST, CHECKOUT)).putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer("{\"message\": ")),
        paul.bearer(api.request(HttpMethod.POST, CHECKOUT)).putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer("[1, 2, 3]"))),
      all -> {
        assertJsonError(all.resultAt(0), 400, "invalid_json");
        assertJsonError(all.resultAt(1), 400, "invalid_json");
        assertThat(api.storage.calls).noneMatch(call -> call.action().equals("files.checkout"));
      });
  }

  @Test
  void aFieldOfTheWrongTypeIsAValidationError(VertxTestContext ctx) {
    verify(ctx, paul.bearer(api.request(HttpMethod.POST, CHECKOUT)).sendBuffer(Buffer.buffer("{\"message\": 42}")),
      response -> {
        assertJsonError(response, 400, "validation_failed");
        assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("field")).isEqualTo("message");
      });
  }

  @Test
  void deeplyNestedJsonIsRefusedWithoutHarm(VertxTestContext ctx) {
    String deep = "{\"message\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}";
    verify(ctx, paul.bearer(api.request(HttpMethod.POST, CHECKOUT)).sendBuffer(Buffer.buffer(deep))
        .compose(nested -> paul.bearer(api.request(HttpMethod.GET, "/api/auth/me")).send().map(after -> new Object[] {nested, after})),
      both -> {
        assertJsonError((HttpResponse<Buffer>) both[0], 400, "invalid_json");
        assertThat(((HttpResponse<?>) both[1]).statusCode()).as("the server still answers").isEqualTo(200);
      });
  }

  @Test
  void aJsonBodyOver64KiBIsA413(VertxTestContext ctx) {
    String big = "{\"message\":\"" + "x".repeat(70_000) + "\"}";
    verify(ctx, paul.bearer(api.request(HttpMethod.POST, CHECKOUT)).sendBuffer(Buffer.buffer(big)),
      response -> assertJsonError(response, 413, "payload_too_large"));
  }

  @Test
  void headersOver16KiBAreRefusedWithJson431(VertxTestContext ctx) {
    verify(ctx, api.request(HttpMethod.GET, "/api/settings").putHeader("X-Big", "y".repeat(20_000)).send(),
      response -> assertJsonError(response, 431, "headers_too_large"));
  }

  @Test
  void badQueryParametersAreValidationErrors(VertxTestContext ctx) {
    verify(ctx, Future.all(
        paul.bearer(api.request(HttpMethod.GET, "/api/files?status=everything")).send(),
        paul.bearer(api.request(HttpMethod.GET, "/api/dashboard/activity?limit=lots")).send(),
        paul.bearer(api.request(HttpMethod.GET, "/api/events?since=-5")).send()),
      all -> {
        for (int i = 0; i < 3; i++) {
          assertJsonError(all.resultAt(i), 400, "validation_failed");
        }
      });
  }

  @Test
  void aStorageErrorKeepsItsCodeStatusAndDetails(VertxTestContext ctx) {
    verify(ctx, paul.bearer(api.request(HttpMethod.GET, "/api/files/missing.nc")).send(), response -> {
      assertJsonError(response, 404, "not_found");
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("filename")).isEqualTo("missing.nc");
    });
  }
}
