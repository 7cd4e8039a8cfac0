package com.ncvault.api;

import static com.ncvault.api.Checks.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.StorageActions;
import com.ncvault.contract.StorageApi.Checkout;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Uploads whose body is the file itself, as the web page sends them: the fields in the query, the
 * checks made before a byte is staged, and a cap on one user's uploads at once.
 */
@ExtendWith(VertxExtension.class)
class RawUploadTest {

  private static TestApi api;
  private static TestApi.Session paul;
  private static TestApi.Session carl;
  private static HttpClient http;

  @BeforeAll
  static void start() {
    api = TestApi.start();
    paul = api.login("paul").await();
    carl = api.login("carl").await();
    http = api.vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @BeforeEach
  void reset() {
    api.storage.reset();
  }

  private Future<HttpResponse<Buffer>> raw(TestApi.Session who, String uri, Buffer content) {
    return who.bearer(api.request(HttpMethod.POST, uri)).putHeader("Content-Type", "application/octet-stream")
      .sendBuffer(content);
  }

  private static String errorCode(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getString("code");
  }

  @Test
  void aNewFileSentAsTheBodyIsStagedWithItsSizeAndSha256(VertxTestContext ctx) {
    Buffer content = Multipart.randomBytes(700_000, 7);
    verify(ctx, raw(paul, "/api/files?filename=7777777_R1.nc&description=Raw%20op%2010", content), response -> {
      assertThat(response.statusCode()).isEqualTo(201);
      assertThat(response.getHeader("Location")).isEqualTo("/api/files/7777777_R1.nc");
      assertThat(response.bodyAsJsonObject().getString("description")).isEqualTo("Raw op 10");
      assertThat(api.storage.uploads).singleElement().satisfies(received -> {
        assertThat(received.action()).isEqualTo(StorageActions.FILES_CREATE);
        assertThat(received.actualSize()).isEqualTo(content.length());
        assertThat(received.actualSha256()).isEqualTo(FakeStorage.sha256(content))
          .isEqualTo(received.request().getJsonObject("staged").getString("sha256"));
      });
      assertThat(response.bodyAsJsonObject().getString("sha256")).isEqualTo(FakeStorage.sha256(content));
      assertThat(api.partFiles()).isEmpty();
    });
  }

  @Test
  void aCheckInSentAsTheBodyTakesItsFieldsFromTheQuery(VertxTestContext ctx) {
    Buffer content = Buffer.buffer("G0 X1 Y1\nM30\n");
    Future<HttpResponse<Buffer>> checkin = api.storage.checkout(new Checkout(FakeStorage.SAMPLE, "paul", null, null))
      .compose(v -> raw(paul, "/api/files/" + FakeStorage.SAMPLE + "/checkin?message=Fixed%20feed&major=true"
        + "&keepLocked=true", content));
    verify(ctx, checkin, response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject file = response.bodyAsJsonObject();
      assertThat(file.getString("revision")).isEqualTo("2.0");
      assertThat(file.getString("lockedBy")).isEqualTo("paul");
      assertThat(file.getString("sha256")).isEqualTo(FakeStorage.sha256(content));
    });
  }

  /**
   * A body that is never finished: the server answers before it reads a byte of it, or the request
   * would hang. The answer must come without the body.
   */
  private Future<JsonObject> declaredButUnsent(TestApi.Session who, String uri) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(api.port)
      .setURI(uri).putHeader("Authorization", "Bearer " + who.token())
      .putHeader("Content-Type", "application/octet-stream").putHeader("Content-Length", "50000000");
    return http.request(options).compose(request -> {
      request.exceptionHandler(t -> { });
      request.write(Buffer.buffer("G0 X0\n"));
      return TestApi.jsonAnswer(request);
    });
  }

  @Test
  void aCheckInByAUserWithoutTheLockIsRefusedBeforeAnyByteIsStaged(VertxTestContext ctx) {
    Future<JsonObject> refused = api.storage.checkout(new Checkout(FakeStorage.SAMPLE, "paul", null, null))
      .compose(v -> declaredButUnsent(carl, "/api/files/" + FakeStorage.SAMPLE + "/checkin?message=mine"));
    verify(ctx, refused, body -> {
      assertThat(body.getInteger("status")).isEqualTo(409);
      assertThat(body.getJsonObject("error").getString("code")).isEqualTo("not_lock_holder");
      assertThat(body.getJsonObject("error").getString("message")).contains("paul");
      assertThat(api.partFiles()).isEmpty();
      assertThat(api.storage.uploads).isEmpty();
    });
  }

  @Test
  void aNewFileWhoseNameIsTakenIsRefusedBeforeAnyByteIsStaged(VertxTestContext ctx) {
    verify(ctx, declaredButUnsent(paul, "/api/files?filename=" + FakeStorage.SAMPLE.toLowerCase()), body -> {
      assertThat(body.getInteger("status")).isEqualTo(409);
      assertThat(body.getJsonObject("error").getString("code")).isEqualTo("already_exists");
      assertThat(api.partFiles()).isEmpty();
    });
  }

  @Test
  void aCheckInWithoutAMessageIsRefusedBeforeAnyByteIsStaged(VertxTestContext ctx) {
    Future<JsonObject> refused = api.storage.checkout(new Checkout(FakeStorage.SAMPLE, "paul", null, null))
      .compose(v -> declaredButUnsent(paul, "/api/files/" + FakeStorage.SAMPLE + "/checkin"));
    verify(ctx, refused, body -> {
      assertThat(body.getInteger("status")).isEqualTo(400);
      assertThat(api.partFiles()).isEmpty();
    });
  }

  @Test
  void aRawBodyOverTheLimitIsRefusedBeforeItIsRead(VertxTestContext ctx) {
    verify(ctx, declaredButUnsent(paul, "/api/files?filename=8888888_BIG.nc"), body -> {
      assertThat(body.getInteger("status")).isEqualTo(413);
      assertThat(body.getJsonObject("error").getString("code")).isEqualTo("payload_too_large");
      assertThat(api.partFiles()).isEmpty();
    });
  }

  @Test
  void oneUserRunsAtMostFourUploadsAtOnce(VertxTestContext ctx) {
    List<HttpClientRequest> open = new ArrayList<>();
    List<Future<HttpClientResponse>> answers = new ArrayList<>();
    Future<Void> fourRunning = Future.succeededFuture();
    for (int i = 0; i < 4; i++) {
      String uri = "/api/files?filename=333333" + i + "_U.nc";
      fourRunning = fourRunning.compose(v -> startUpload(uri, open, answers));
    }
    // The four are staging (each has sent part of its body); a fifth is refused, the others go on.
    Future<HttpResponse<Buffer>> fifth = fourRunning.compose(v -> waitForPartFiles(4))
      .compose(v -> raw(paul, "/api/files?filename=3333339_U.nc", Buffer.buffer("G0\n")));
    Future<List<Integer>> finished = fifth.compose(r -> {
      open.forEach(request -> request.end(Buffer.buffer("M30\n")));
      return Future.all(answers).map(all -> answers.stream().map(a -> a.result().statusCode()).toList());
    });
    verify(ctx, Future.all(fifth, finished), all -> {
      assertThat(fifth.result().statusCode()).isEqualTo(429);
      assertThat(errorCode(fifth.result())).isEqualTo("too_many_requests");
      assertThat(fifth.result().getHeader("Retry-After")).matches("\\d+");
      assertThat(finished.result()).containsOnly(201);
    });
  }

  private Future<Void> startUpload(String uri, List<HttpClientRequest> open, List<Future<HttpClientResponse>> answers) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(api.port)
      .setURI(uri).putHeader("Authorization", "Bearer " + paul.token())
      .putHeader("Content-Type", "application/octet-stream");
    return http.request(options).compose(request -> {
      request.setChunked(true);
      open.add(request);
      answers.add(request.response());
      return request.write(Buffer.buffer("G0 X0\n"));
    });
  }

  /** Waits (polling the incoming directory) until {@code n} uploads are being staged. */
  private Future<Void> waitForPartFiles(int n) {
    if (api.partFiles().size() >= n) {
      return Future.succeededFuture();
    }
    return api.vertx.timer(20).compose(v -> waitForPartFiles(n));
  }
}
