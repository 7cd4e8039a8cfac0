package com.ncvault.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.Roles;
import com.ncvault.contract.StorageApi.AuditEntry;
import com.ncvault.contract.StorageApi.AuditTrail;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lifecycle's routes: each refusal has its status and code and changes nothing; the audit trail as CSV. */
class LifecycleRoutesTest {

  private static final String F = FakeStorage.SAMPLE;
  private static TestApi api;
  private static TestApi.Session paul;
  private static TestApi.Session ada;
  private static TestApi.Session vera;

  @BeforeAll
  static void start() {
    api = TestApi.start();
    List<TestApi.Session> sessions = api.login("paul", "ada", "vera").await();
    paul = sessions.get(0);
    ada = sessions.get(1);
    vera = sessions.get(2);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @BeforeEach
  void reset() {
    api.storage.reset();
  }

  private static HttpResponse<Buffer> move(TestApi.Session who, String to, String comment, String password) {
    JsonObject body = new JsonObject().put("to", to);
    if (comment != null) {
      body.put("comment", comment);
    }
    if (password != null) {
      body.put("password", password);
    }
    return who.bearer(api.request(HttpMethod.POST, "/api/files/" + F + "/transition")).sendJsonObject(body).await();
  }

  private static String state() {
    return api.storage.getFile(F).await().state();
  }

  private static void refused(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo(code);
  }

  @Test
  void eachRefusalSaysWhyAndChangesNothing() {
    refused(move(paul, "released", null, FakeStorage.PASSWORD), 409, "transition_not_allowed");
    refused(move(paul, "review", null, null), 400, "comment_required");
    refused(move(paul, "shipped", "x", null), 400, "validation_failed");
    refused(move(vera, "review", "looks fine to me", null), 403, "forbidden");
    assertThat(state()).isEqualTo("draft");

    HttpResponse<Buffer> review = move(paul, "review", "ready for the machine", null);
    assertThat(review.statusCode()).isEqualTo(200);
    assertThat(review.bodyAsJsonObject().getString("state")).isEqualTo("review");

    refused(move(paul, "released", null, FakeStorage.PASSWORD), 403, "forbidden");
    refused(move(ada, "released", null, null), 403, "bad_signature");
    refused(move(ada, "released", null, "not my password"), 403, "bad_signature");
    assertThat(state()).isEqualTo("review");
    assertThat(api.storage.getFile(F).await().releasedRevision()).isNull();

    HttpResponse<Buffer> released = move(ada, "released", "proved out on the mill", FakeStorage.PASSWORD);
    assertThat(released.statusCode()).isEqualTo(200);
    assertThat(released.bodyAsJsonObject().getString("state")).isEqualTo("released");
    assertThat(released.bodyAsJsonObject().getString("releasedRevision")).isEqualTo("1.0");
  }

  @Test
  void wrongSignaturesCountAgainstTheLoginThrottle() {
    api.storage.addUser("quinn", Roles.APPROVER, FakeStorage.PASSWORD);
    TestApi.Session quinn = api.login("quinn").await();
    move(paul, "review", "ready", null);
    for (int i = 0; i < TestApi.LOGIN_MAX_FAILURES; i++) {
      refused(move(quinn, "released", null, "guess " + i), 403, "bad_signature");
    }
    refused(move(quinn, "released", null, FakeStorage.PASSWORD), 429, "too_many_requests");
    assertThat(state()).isEqualTo("review");
  }

  @Test
  void adminsExportTheAuditTrailWithTheSignatureAsCsv() {
    move(paul, "review", "=HYPERLINK(\"http://example.invalid\",\"click\")", null);
    move(ada, "released", "ok, \"proved\"", FakeStorage.PASSWORD);
    HttpResponse<Buffer> csv = ada.bearer(api.request(HttpMethod.GET, "/api/audit.csv?from=2020-01-01")).send().await();
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.getHeader("Content-Type")).startsWith("text/csv");
    String[] lines = csv.bodyAsString().split("\r\n");
    assertThat(lines[0]).isEqualTo("\"time\",\"type\",\"filename\",\"revision\",\"sha256\",\"user\",\"from\",\"to\","
      + "\"signed\",\"comment\",\"machine\",\"end\",\"bytes\",\"result\"");
    String sha = api.storage.getFile(F).await().sha256();
    assertThat(lines).anySatisfy(line -> assertThat(line)
      .contains("\"transition\",\"" + F + "\",\"1.0\",\"" + sha + "\",\"ada\",\"review\",\"released\",\"yes\","
        + "\"ok, \"\"proved\"\"\""));
    assertThat(lines).anySatisfy(line -> assertThat(line)
      .endsWith("\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"click\"\")\",\"\",\"\",\"\",\"\""));

    assertThat(paul.bearer(api.request(HttpMethod.GET, "/api/audit.csv")).send().await().statusCode()).isEqualTo(403);
    refused(ada.bearer(api.request(HttpMethod.GET, "/api/audit.csv?from=yesterday")).send().await(), 400,
      "validation_failed");
    HttpResponse<Buffer> past = ada.bearer(api.request(HttpMethod.GET, "/api/audit.csv?to=2020-01-01")).send().await();
    assertThat(past.bodyAsString().split("\r\n")).hasSize(1);
  }

  @Test
  void aCellThatASpreadsheetWouldRunIsDefused() {
    assertThat(AuditCsv.cell("=1+1")).isEqualTo("\"'=1+1\"");
    assertThat(AuditCsv.cell("+1")).isEqualTo("\"'+1\"");
    assertThat(AuditCsv.cell("-1")).isEqualTo("\"'-1\"");
    assertThat(AuditCsv.cell("@SUM(A1)")).isEqualTo("\"'@SUM(A1)\"");
    assertThat(AuditCsv.cell("a\nb")).isEqualTo("\"a\nb\"");
    assertThat(AuditCsv.cell(null)).isEqualTo("\"\"");
    String csv = AuditCsv.write(new AuditTrail(List.of(new AuditEntry("2026-12-05T01:00:00Z", "checkin", "a.nc", "1.1",
      "ab", "bob", null, null, false, "fix"), new AuditEntry("2026-12-05T01:01:00Z", "transfer", "a.nc", "1.0", "cd",
      "bob", null, null, false, null, "Mill 1", "2026-12-05T01:01:02Z", 42L, "succeeded")), false));
    assertThat(csv).contains("\"2026-12-05T01:00:00Z\",\"checkin\",\"a.nc\",\"1.1\",\"ab\",\"bob\",\"\",\"\",\"no\",\"fix\","
      + "\"\",\"\",\"\",\"\"\r\n");
    assertThat(csv).endsWith("\"2026-12-05T01:01:00Z\",\"transfer\",\"a.nc\",\"1.0\",\"cd\",\"bob\",\"\",\"\",\"no\",\"\","
      + "\"Mill 1\",\"2026-12-05T01:01:02Z\",\"42\",\"succeeded\"\r\n");
  }
}
