package com.ncvault.api;

import static com.ncvault.api.Checks.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.Roles;
import com.ncvault.contract.StorageApi.CreateFile;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The file list: sent compressed to clients that accept it once it is large, as it is otherwise. */
@ExtendWith(VertxExtension.class)
class ListTest {

  private static TestApi api;
  private static TestApi.Session vera;

  @BeforeAll
  static void start() {
    api = TestApi.start();
    List<Future<?>> created = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String name = "55555" + String.format("%02d", i) + "_OP" + i + ".nc";
      created.add(api.vertx.executeBlocking(() -> api.storage.stage(("G0 X" + name + "\n").getBytes()))
        .compose(staged -> api.storage.createFile(new CreateFile(name, "Roughing op " + name, null, "paul",
          Roles.PROGRAMMER, staged))));
    }
    Future.all(created).await();
    vera = api.login("vera").await();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void aLargeListIsGzippedForAClientThatAcceptsItAndReadsTheSame(VertxTestContext ctx) {
    Future<HttpResponse<Buffer>> plain = vera.bearer(api.request(HttpMethod.GET, "/api/files")).send();
    Future<HttpResponse<Buffer>> gzipped = plain.compose(p -> vera.bearer(api.request(HttpMethod.GET, "/api/files"))
      .putHeader("Accept-Encoding", "gzip, deflate").send());
    verify(ctx, Future.all(plain, gzipped), all -> {
      HttpResponse<Buffer> asIs = plain.result();
      HttpResponse<Buffer> compressed = gzipped.result();
      assertThat(asIs.getHeader("Content-Encoding")).isNull();
      assertThat(asIs.bodyAsJsonObject().getJsonArray("55XXXXX").size()).isEqualTo(60);
      assertThat(compressed.getHeader("Content-Encoding")).isEqualTo("gzip");
      assertThat(compressed.getHeader("Vary")).isEqualToIgnoringCase("Accept-Encoding");
      assertThat(compressed.getHeader("X-PDM-Seq")).isEqualTo(asIs.getHeader("X-PDM-Seq"));
      assertThat(compressed.body().length()).isLessThan(asIs.body().length() / 3);
      assertThat(new JsonObject(gunzip(compressed.body()))).isEqualTo(asIs.bodyAsJsonObject());
    });
  }

  @Test
  void aSmallListGoesAsItIs(VertxTestContext ctx) {
    verify(ctx, vera.bearer(api.request(HttpMethod.GET, "/api/files?q=OP7.nc")).putHeader("Accept-Encoding", "gzip")
      .send(), response -> {
        assertThat(response.getHeader("Content-Encoding")).isNull();
        assertThat(response.bodyAsJsonObject().getJsonArray("55XXXXX").size()).isEqualTo(1);
      });
  }

  private static Buffer gunzip(Buffer body) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body.getBytes()))) {
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
