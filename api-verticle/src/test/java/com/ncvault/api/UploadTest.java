package com.ncvault.api;

import static com.ncvault.api.Checks.eventually;
import static com.ncvault.api.Checks.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.StorageActions;
import com.ncvault.contract.StorageApi.Checkout;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class UploadTest {

  private static TestApi api;
  private static TestApi.Session paul;
  private static HttpClient http;

  @BeforeAll
  static void start() {
    api = TestApi.start();
    paul = api.login("paul").await();
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

  private Future<HttpResponse<Buffer>> upload(String path, Buffer multipartBody) {
    return paul.bearer(api.request(HttpMethod.POST, path))
      .putHeader("Content-Type", Multipart.CONTENT_TYPE)
      .sendBuffer(multipartBody);
  }

  private static String errorCode(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getString("code");
  }

  /** Streams {@code chunks} buffers of {@code chunkSize} random bytes as a chunked multipart upload. */
  private Future<HttpClientResponse> streamUpload(String filename, int chunks, int chunkSize) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(api.port)
      .setURI("/api/files").putHeader("Authorization", "Bearer " + paul.token())
      .putHeader("Content-Type", Multipart.CONTENT_TYPE);
    return http.request(options).compose(request -> {
      request.setChunked(true);
      // The server may answer and close before everything is written (that is the point of the 413 test).
      request.exceptionHandler(t -> { });
      request.write(Buffer.buffer("--" + Multipart.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nbig one\r\n"));
      request.write(Multipart.fileHeader(filename));
      Promise<Void> sent = Promise.promise();
      pump(request, chunks, chunkSize, 0, sent);
      sent.future().onSuccess(v -> request.end(Multipart.closing()));
      return TestApi.answerWithBody(request);
    });
  }

  private void pump(HttpClientRequest request, int chunks, int chunkSize, int next, Promise<Void> sent) {
    int i = next;
    while (i < chunks && !request.writeQueueFull()) {
      request.write(Multipart.randomBytes(chunkSize, i));
      i++;
    }
    if (i == chunks) {
      sent.complete();
    } else {
      int from = i;
      request.drainHandler(v -> pump(request, chunks, chunkSize, from, sent));
    }
  }

  private static String sha256OfChunks(int chunks, int chunkSize) {
    Buffer all = Buffer.buffer();
    for (int i = 0; i < chunks; i++) {
      all.appendBuffer(Multipart.randomBytes(chunkSize, i));
    }
    return FakeStorage.sha256(all);
  }

  @Test
  void aNewFileIsStagedWithTheSizeAndSha256OfTheBytesSent(VertxTestContext ctx) {
    Buffer content = Multipart.randomBytes(300_000, 42);
    Buffer body = Multipart.form().field("description", "Roughing, op 10").file("file", "7654321_XY1.nc", content).end();
    verify(ctx, upload("/api/files", body), response -> {
      assertThat(response.statusCode()).isEqualTo(201);
      assertThat(response.getHeader("Location")).isEqualTo("/api/files/7654321_XY1.nc");
      assertThat(response.bodyAsJsonObject().getString("revision")).isEqualTo("1.0");
      assertThat(api.storage.uploads).singleElement().satisfies(received -> {
        assertThat(received.action()).isEqualTo(StorageActions.FILES_CREATE);
        JsonObject request = received.request();
        assertThat(request.getString("filename")).isEqualTo("7654321_XY1.nc");
        assertThat(request.getString("description")).isEqualTo("Roughing, op 10");
        assertThat(request.getString("user")).isEqualTo("paul");
        JsonObject staged = request.getJsonObject("staged");
        assertThat(staged.getLong("size")).isEqualTo(300_000L).isEqualTo(received.actualSize());
        assertThat(staged.getString("sha256")).isEqualTo(FakeStorage.sha256(content)).isEqualTo(received.actualSha256());
        assertThat(staged.getString("path")).startsWith(api.incomingDir().toAbsolutePath().toString()).endsWith(".part");
      });
      assertThat(api.partFiles()).isEmpty();
    });
  }

  @Test
  void theFormFieldFilenameWinsOverTheUploadedName(VertxTestContext ctx) {
    Buffer body = Multipart.form().field("filename", "1111111_A1.nc").file("file", "C:\\temp\\local copy.nc",
      Buffer.buffer("G0 X0\n")).end();
    verify(ctx, upload("/api/files", body), response -> {
      assertThat(response.statusCode()).isEqualTo(201);
      assertThat(api.storage.uploads.get(0).request().getString("filename")).isEqualTo("1111111_A1.nc");
    });
  }

  @Test
  void aBrowserPathInTheUploadedNameIsReducedToTheFileName(VertxTestContext ctx) {
    Buffer body = Multipart.form().file("file", "C:\\temp\\2222222_B2.nc", Buffer.buffer("G0 X0\n")).end();
    verify(ctx, upload("/api/files", body), response -> {
      assertThat(response.statusCode()).isEqualTo(201);
      assertThat(api.storage.uploads.get(0).request().getString("filename")).isEqualTo("2222222_B2.nc");
    });
  }

  @Test
  void aCheckinStagesTheNewRevisionWithMessageMajorAndKeepLocked(VertxTestContext ctx) {
    Buffer content = Buffer.buffer("G0 X1 Y1\nM30\n");
    Buffer body = Multipart.form().field("message", "Fixed feed").field("major", "true").field("keepLocked", "on")
      .file("file", "whatever.nc", content).end();
    Future<HttpResponse<Buffer>> checkin = api.storage.checkout(new Checkout(FakeStorage.SAMPLE, "paul", null, null))
      .compose(locked -> upload("/api/files/" + FakeStorage.SAMPLE + "/checkin", body));
    verify(ctx, checkin, response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject().getString("revision")).isEqualTo("2.0");
      assertThat(response.bodyAsJsonObject().getString("lockedBy")).isEqualTo("paul");
      assertThat(api.storage.uploads).singleElement().satisfies(received -> {
        JsonObject request = received.request();
        assertThat(received.action()).isEqualTo(StorageActions.FILES_CHECKIN);
        assertThat(request.getString("filename")).isEqualTo(FakeStorage.SAMPLE);
        assertThat(request.getString("message")).isEqualTo("Fixed feed");
        assertThat(request.getBoolean("major")).isTrue();
        assertThat(request.getBoolean("keepLocked")).isTrue();
        assertThat(request.getJsonObject("staged").getString("sha256")).isEqualTo(FakeStorage.sha256(content));
      });
    });
  }

  @Test
  void aLargeChunkedUploadStreamsThroughWithTheRightDigest(VertxTestContext ctx) {
    int chunks = 15;
    int chunkSize = 64 * 1024;
    verify(ctx, streamUpload("3333333_C3.nc", chunks, chunkSize).map(HttpClientResponse::statusCode), status -> {
      assertThat(status).isEqualTo(201);
      JsonObject staged = api.storage.uploads.get(0).request().getJsonObject("staged");
      assertThat(staged.getLong("size")).isEqualTo((long) chunks * chunkSize);
      assertThat(staged.getString("sha256")).isEqualTo(sha256OfChunks(chunks, chunkSize))
        .isEqualTo(api.storage.uploads.get(0).actualSha256());
    });
  }

  @Test
  void anUploadOverTheLimitIsStoppedWith413AndLeavesNoFile(VertxTestContext ctx) {
    int chunks = 40;
    int chunkSize = 64 * 1024;
    verify(ctx, streamUpload("4444444_D4.nc", chunks, chunkSize), response -> {
      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(response.getHeader("Content-Type")).startsWith("application/json");
      assertThat(api.partFiles()).isEmpty();
      assertThat(api.storage.uploads).isEmpty();
    });
  }

  @Test
  void aDeclaredContentLengthOverTheLimitIsRefusedBeforeReading(VertxTestContext ctx) {
    long declared = TestApi.MAX_UPLOAD + Uploads.FORM_OVERHEAD_BYTES + 1;
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(api.port)
      .setURI("/api/files").putHeader("Authorization", "Bearer " + paul.token())
      .putHeader("Content-Type", Multipart.CONTENT_TYPE).putHeader("Content-Length", String.valueOf(declared));
    Future<JsonObject> answer = http.request(options).compose(request -> {
      request.write(Multipart.fileHeader("5555555_E5.nc"));
      return TestApi.jsonAnswer(request);
    });
    verify(ctx, answer, body -> {
      assertThat(body.getInteger("status")).isEqualTo(413);
      assertThat(body.getJsonObject("error").getString("code")).isEqualTo("payload_too_large");
      assertThat(api.partFiles()).isEmpty();
    });
  }

  @Test
  void anUploadWithoutAFilePartIsA400(VertxTestContext ctx) {
    verify(ctx, upload("/api/files", Multipart.form().field("description", "no file").end()), response -> {
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("no file part");
      assertThat(api.partFiles()).isEmpty();
      assertThat(api.storage.uploads).isEmpty();
    });
  }

  @Test
  void anUploadWithTwoFilePartsIsA400(VertxTestContext ctx) {
    Buffer body = Multipart.form().file("file", "a.nc", Buffer.buffer("A")).file("file", "b.nc", Buffer.buffer("B")).end();
    verify(ctx, upload("/api/files", body), response -> {
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(errorCode(response)).isEqualTo("bad_request");
      assertThat(api.partFiles()).isEmpty();
      assertThat(api.storage.uploads).isEmpty();
    });
  }

  @Test
  void anUploadThatIsNeitherMultipartNorARawBodyIs415(VertxTestContext ctx) {
    verify(ctx, paul.bearer(api.request(HttpMethod.POST, "/api/files?filename=1111111_T1.nc"))
      .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer("G0 X0")), response -> {
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(errorCode(response)).isEqualTo("unsupported_media_type");
        assertThat(api.partFiles()).isEmpty();
      });
  }

  @Test
  void aRawBodyWithoutAFileNameIsRefusedBeforeItIsRead(VertxTestContext ctx) {
    verify(ctx, paul.bearer(api.request(HttpMethod.POST, "/api/files")).putHeader("Content-Type", "application/octet-stream")
      .sendBuffer(Buffer.buffer("G0 X0")), response -> {
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo("invalid_filename");
        assertThat(api.partFiles()).isEmpty();
        assertThat(api.storage.uploads).isEmpty();
      });
  }

  @Test
  void aTruncatedMultipartBodyIsA400(VertxTestContext ctx) {
    Buffer body = Buffer.buffer().appendBuffer(Multipart.fileHeader("6666666_F6.nc")).appendString("G0 X0\r\n--broken");
    verify(ctx, upload("/api/files", body), response -> {
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(api.partFiles()).isEmpty();
      assertThat(api.storage.uploads).isEmpty();
    });
  }

  @Test
  void aBadKeepLockedValueIsA400AndTheStagedFileIsRemoved(VertxTestContext ctx) {
    Buffer body = Multipart.form().field("message", "m").field("keepLocked", "perhaps").file("file", "x.nc", Buffer.buffer("X")).end();
    Future<HttpResponse<Buffer>> checkin = api.storage.checkout(new Checkout(FakeStorage.SAMPLE, "paul", null, null))
      .compose(locked -> upload("/api/files/" + FakeStorage.SAMPLE + "/checkin", body));
    verify(ctx, checkin, response -> {
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("field")).isEqualTo("keepLocked");
      assertThat(api.partFiles()).isEmpty();
      assertThat(api.storage.uploads).isEmpty();
    });
  }

  @Test
  void aClientThatDisconnectsMidUploadLeavesNoPartialFile(VertxTestContext ctx) {
    NetClient tcp = api.vertx.createNetClient();
    Buffer head = Buffer.buffer("POST /api/files HTTP/1.1\r\nHost: localhost:" + api.port + "\r\n"
      + "Authorization: Bearer " + paul.token() + "\r\n"
      + "Content-Type: " + Multipart.CONTENT_TYPE + "\r\n"
      + "Content-Length: 500000\r\n\r\n")
      .appendBuffer(Multipart.fileHeader("7777777_G7.nc"))
      .appendBuffer(Multipart.randomBytes(100_000, 7));
    Future<NetSocket> connected = tcp.connect(api.port, "localhost");
    Future<Void> done = connected
      .compose(socket -> socket.write(head))
      .compose(v -> eventually(api.vertx, 5000, "the upload is being written", () -> !api.partFiles().isEmpty()))
      .compose(v -> connected.result().close())
      .compose(v -> eventually(api.vertx, 5000, "the partial file is deleted", () -> api.partFiles().isEmpty()))
      .eventually(tcp::close);
    verify(ctx, done, v -> assertThat(api.storage.uploads).isEmpty());
  }

  @Test
  void aViewerCannotUploadAndNothingIsStaged(VertxTestContext ctx) {
    Buffer body = Multipart.form().file("file", "8888888_H8.nc", Multipart.randomBytes(200_000, 8)).end();
    verify(ctx, api.login("vera").compose(vera -> vera.bearer(api.request(HttpMethod.POST, "/api/files"))
      .putHeader("Content-Type", Multipart.CONTENT_TYPE).sendBuffer(body)), response -> {
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(api.partFiles()).isEmpty();
      });
  }
}
