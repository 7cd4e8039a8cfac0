package com.ncvault.api;

import static com.ncvault.api.Checks.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.StorageApi.Checkin;
import com.ncvault.contract.StorageApi.Checkout;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class DownloadTest {

  private static final String CONTENT = "/api/files/" + FakeStorage.SAMPLE + "/content";
  private static TestApi api;
  private static TestApi.Session vera;

  @BeforeAll
  static void start() {
    api = TestApi.start();
    vera = api.login("vera").await();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @BeforeEach
  void reset() {
    api.storage.reset();
  }

  private HttpRequest<Buffer> download() {
    return vera.bearer(api.request(HttpMethod.GET, CONTENT));
  }

  private String etag() {
    return "\"" + api.storage.sampleSha256() + "\"";
  }

  @Test
  void aViewerDownloadsTheCurrentContentAsAnAttachment(VertxTestContext ctx) {
    verify(ctx, download().send(), response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(api.storage.sampleContent);
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/octet-stream");
      assertThat(response.getHeader("Content-Disposition"))
        .isEqualTo("attachment; filename=\"" + FakeStorage.SAMPLE + "\"; filename*=UTF-8''" + FakeStorage.SAMPLE);
      assertThat(response.getHeader("ETag")).isEqualTo(etag());
      assertThat(response.getHeader("Accept-Ranges")).isEqualTo("bytes");
      assertThat(response.getHeader("Content-Length")).isEqualTo(String.valueOf(api.storage.sampleContent.length()));
      assertThat(response.getHeader("X-PDM-Revision")).isEqualTo("1.0");
    });
  }

  @Test
  void anOlderRevisionIsAskedForWithRev(VertxTestContext ctx) {
    verify(ctx, download().addQueryParam("rev", "1.0").send(), response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(api.storage.calls).anySatisfy(call -> {
        assertThat(call.action()).isEqualTo("files.content");
        assertThat(call.body().getString("rev")).isEqualTo("1.0");
      });
    });
  }

  @Test
  void anOlderRevisionIsSavedUnderANameWithItsRevisionTheCurrentOneUnderItsOwn(VertxTestContext ctx) {
    Future<?> revised = api.vertx.executeBlocking(() -> api.storage.stage("G0 X1\n".getBytes()))
      .compose(staged -> api.storage.checkout(new Checkout(FakeStorage.SAMPLE, "paul", null, null))
        .compose(v -> api.storage.checkin(new Checkin(FakeStorage.SAMPLE, "paul", null, "1.1", false, false, staged))));
    verify(ctx, revised.compose(v -> Future.all(download().addQueryParam("rev", "1.0").send(),
        download().addQueryParam("rev", "1.1").send())),
      both -> {
        assertThat(both.<HttpResponse<Buffer>>resultAt(0).getHeader("Content-Disposition"))
          .isEqualTo("attachment; filename=\"1234567_AB1_rev1.0.nc\"; filename*=UTF-8''1234567_AB1_rev1.0.nc");
        assertThat(both.<HttpResponse<Buffer>>resultAt(1).getHeader("Content-Disposition"))
          .isEqualTo("attachment; filename=\"1234567_AB1.nc\"; filename*=UTF-8''1234567_AB1.nc");
      });
  }

  @Test
  void revisionNamesPutTheRevisionBeforeTheExtension() {
    assertThat(DownloadName.of("1234567_AB1.nc", "1.0", "2.0")).isEqualTo("1234567_AB1_rev1.0.nc");
    assertThat(DownloadName.of("1234567_AB1.nc", "2.0", "2.0")).isEqualTo("1234567_AB1.nc");
    assertThat(DownloadName.of("fixture.plate.mcam", "1.3", "1.4")).isEqualTo("fixture.plate_rev1.3.mcam");
    assertThat(DownloadName.of("PROGRAM", "1.1", "1.2")).isEqualTo("PROGRAM_rev1.1");
    assertThat(DownloadName.of(".nc", "1.1", "1.2")).isEqualTo(".nc_rev1.1");
  }

  @Test
  void aMatchingEtagGives304WithoutBody(VertxTestContext ctx) {
    verify(ctx, Future.all(
        download().putHeader("If-None-Match", etag()).send(),
        download().putHeader("If-None-Match", "\"other\", W/" + etag()).send(),
        download().putHeader("If-None-Match", "\"other\"").send()),
      all -> {
        HttpResponse<Buffer> exact = all.resultAt(0);
        assertThat(exact.statusCode()).isEqualTo(304);
        assertThat(exact.body()).isNull();
        assertThat(exact.getHeader("ETag")).isEqualTo(etag());
        assertThat(all.<HttpResponse<Buffer>>resultAt(1).statusCode()).isEqualTo(304);
        assertThat(all.<HttpResponse<Buffer>>resultAt(2).statusCode()).isEqualTo(200);
      });
  }

  @Test
  void aRangeGives206WithThoseBytes(VertxTestContext ctx) {
    Buffer all = api.storage.sampleContent;
    int size = all.length();
    verify(ctx, Future.all(
        download().putHeader("Range", "bytes=10-19").send(),
        download().putHeader("Range", "bytes=-7").send(),
        download().putHeader("Range", "bytes=100-").send()),
      responses -> {
        HttpResponse<Buffer> middle = responses.resultAt(0);
        assertThat(middle.statusCode()).isEqualTo(206);
        assertThat(middle.getHeader("Content-Range")).isEqualTo("bytes 10-19/" + size);
        assertThat(middle.body()).isEqualTo(all.getBuffer(10, 20));
        HttpResponse<Buffer> suffix = responses.resultAt(1);
        assertThat(suffix.statusCode()).isEqualTo(206);
        assertThat(suffix.body()).isEqualTo(all.getBuffer(size - 7, size));
        HttpResponse<Buffer> open = responses.resultAt(2);
        assertThat(open.getHeader("Content-Range")).isEqualTo("bytes 100-" + (size - 1) + "/" + size);
        assertThat(open.body()).isEqualTo(all.getBuffer(100, size));
      });
  }

  @Test
  void aRangeBeyondTheEndGives416WithTheSize(VertxTestContext ctx) {
    int size = api.storage.sampleContent.length();
    verify(ctx, download().putHeader("Range", "bytes=" + size + "-").send(), response -> {
      assertThat(response.statusCode()).isEqualTo(416);
      assertThat(response.getHeader("Content-Range")).isEqualTo("bytes */" + size);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("range_not_satisfiable");
    });
  }

  @Test
  void aRangeForAnotherVersionIsIgnoredThroughIfRange(VertxTestContext ctx) {
    verify(ctx, download().putHeader("Range", "bytes=0-9").putHeader("If-Range", "\"old\"").send(), response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(api.storage.sampleContent);
    });
  }

  @Test
  void anUnknownFileIsAJson404(VertxTestContext ctx) {
    verify(ctx, vera.bearer(api.request(HttpMethod.GET, "/api/files/nope.nc/content")).send(), response -> {
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.getHeader("Content-Type")).startsWith("application/json");
      assertThat(response.getHeader("Content-Disposition")).isNull();
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("filename")).isEqualTo("nope.nc");
    });
  }
}
