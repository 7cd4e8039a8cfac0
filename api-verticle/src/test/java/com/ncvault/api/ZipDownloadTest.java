package com.ncvault.api;

import static com.ncvault.api.Checks.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Several files in one zip download: what is in it, the limits, bad lists, a client that leaves. */
@ExtendWith(VertxExtension.class)
class ZipDownloadTest {

  private static final String ZIP = "/api/files/download.zip";
  private static final int MAX_FILES = 3;
  private static final long MAX_BYTES = 40L * 1024 * 1024;
  private static final String OTHER = "7654321_OP20.nc";
  private static final Buffer OTHER_CONTENT = Buffer.buffer("%\nO2000 (OTHER)\nG0 X0 Y0\nM30\n%\n");
  /** Random bytes do not compress: the zip of one is as large as the file, many chunks. */
  private static final String BIG = "9000001_BIG.nc";
  private static final String BIG_TOO = "9000002_BIG.nc";
  private static final int BIG_SIZE = 24 * 1024 * 1024;

  private static TestApi api;
  private static TestApi.Session vera;

  @BeforeAll
  static void start() {
    api = TestApi.start(new JsonObject().put(ConfigKeys.ZIP_MAX_FILES, MAX_FILES).put(ConfigKeys.ZIP_MAX_BYTES, MAX_BYTES));
    Random random = new Random(14);
    byte[] big = new byte[BIG_SIZE];
    random.nextBytes(big);
    Future.all(api.storage.addFile(OTHER, OTHER_CONTENT),
      api.storage.addFile(BIG, Buffer.buffer(big)),
      api.storage.addFile(BIG_TOO, Buffer.buffer(big))).await();
    vera = api.login("vera").await();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static Future<HttpResponse<Buffer>> zip(Object filenames) {
    return vera.bearer(api.request(HttpMethod.POST, ZIP)).sendJsonObject(new JsonObject().put("filenames", filenames));
  }

  private static Map<String, Buffer> entries(Buffer zip) {
    Map<String, Buffer> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.getBytes()))) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        entries.put(entry.getName(), Buffer.buffer(in.readAllBytes()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return entries;
  }

  @Test
  void aViewerGetsTheCurrentRevisionOfEachFileInOneZipOnceEach(VertxTestContext ctx) {
    verify(ctx, zip(new JsonArray().add(FakeStorage.SAMPLE).add(OTHER).add(FakeStorage.SAMPLE)), response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/zip");
      assertThat(response.getHeader("Content-Disposition")).startsWith("attachment; filename=\"ncvault-2-files.zip\"");
      Map<String, Buffer> entries = entries(response.body());
      assertThat(entries.keySet()).containsExactly(FakeStorage.SAMPLE, OTHER);
      assertThat(entries.get(FakeStorage.SAMPLE)).isEqualTo(api.storage.sampleContent);
      assertThat(entries.get(OTHER)).isEqualTo(OTHER_CONTENT);
    });
  }

  @Test
  void moreFilesThanTheLimitAre413WithTheLimit(VertxTestContext ctx) {
    JsonArray four = new JsonArray(IntStream.range(0, MAX_FILES + 1).mapToObj(i -> "100000" + i + ".nc").toList());
    verify(ctx, zip(four), response -> {
      assertThat(response.statusCode()).isEqualTo(413);
      JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("payload_too_large");
      assertThat(error.getString("message")).isEqualTo("A zip holds at most 3 files, not 4");
      assertThat(error.getInteger("maxFiles")).isEqualTo(MAX_FILES);
    });
  }

  @Test
  void filesAddingUpToMoreThanTheLimitAre413BeforeAnyByteOfZip(VertxTestContext ctx) {
    verify(ctx, zip(new JsonArray().add(BIG).add(BIG_TOO)), response -> {
      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(response.getHeader("Content-Type")).startsWith("application/json");
      assertThat(response.getHeader("Content-Disposition")).isNull();
      JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
      assertThat(error.getLong("totalBytes")).isEqualTo(2L * BIG_SIZE);
      assertThat(error.getLong("maxBytes")).isEqualTo(MAX_BYTES);
    });
  }

  @Test
  void anUnknownFileIs404AndNoZip(VertxTestContext ctx) {
    verify(ctx, zip(new JsonArray().add(FakeStorage.SAMPLE).add("nope.nc")), response -> {
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.getHeader("Content-Type")).startsWith("application/json");
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("filename")).isEqualTo("nope.nc");
    });
  }

  @Test
  void aMalformedListIs400NamingTheField(VertxTestContext ctx) {
    List<Object> bad = List.of("1234567_AB1.nc", new JsonArray(), new JsonArray().add(7), new JsonArray().add(" "),
      new JsonArray().add("../../etc/passwd"), new JsonArray().add("x".repeat(256)));
    verify(ctx, Future.all(bad.stream().map(ZipDownloadTest::zip).toList()), all -> {
      for (int i = 0; i < bad.size(); i++) {
        HttpResponse<Buffer> response = all.resultAt(i);
        assertThat(response.statusCode()).as("status for %s", bad.get(i)).isEqualTo(400);
        assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("field")).isEqualTo("filenames");
      }
    });
  }

  @Test
  void aClientThatLeavesInTheMiddleFreesItsWorkerForTheNextZips(VertxTestContext ctx) {
    HttpClient client = api.vertx.createHttpClient();
    Buffer body = new JsonObject().put("filenames", new JsonArray().add(BIG)).toBuffer();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(api.port)
      .setURI(ZIP).putHeader("Authorization", "Bearer " + vera.token()).putHeader("Content-Type", "application/json");
    Promise<Integer> leftAfter = Promise.promise();
    Future<HttpClientResponse> started = client.request(options).compose(request -> request.send(body));
    started.onSuccess(response -> response.handler(chunk -> {
      // The first bytes of a big zip are in: the client goes away without reading the rest.
      if (leftAfter.tryComplete(chunk.length())) {
        response.request().connection().close();
      }
    })).onFailure(leftAfter::tryFail);
    // More zips than the pool has workers: each needs a worker the abandoned one no longer blocks.
    Future<List<HttpResponse<Buffer>>> next = leftAfter.future()
      .compose(v -> Future.all(IntStream.range(0, ZipDownload.WORKERS + 1)
        .mapToObj(i -> zip(new JsonArray().add(OTHER))).toList()))
      .map(all -> all.<HttpResponse<Buffer>>list());
    verify(ctx, next.eventually(client::close), responses -> {
      assertThat(started.result().statusCode()).isEqualTo(200);
      assertThat(responses).allSatisfy(r -> {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(entries(r.body()).get(OTHER)).isEqualTo(OTHER_CONTENT);
      });
    });
  }
}
