package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A program's life on a real node: uploaded as a draft, sent to review, released by an approver who
 * signs with the password, checked in again (a new draft while the released revision stays), made
 * obsolete; every transition a live event with its seq, and the signature in the audit CSV.
 */
class LifecycleEndToEndTest {

  private static final String F = "7654321_OP10.nc";
  private static final Buffer V1 = Buffer.buffer("%\nO2000 (PLATE)\nG0 X0 Y0\nG1 X10 F200\nM30\n%\n");
  private static final Buffer V2 = Buffer.buffer("%\nO2000 (PLATE)\nG0 X0 Y0\nG1 X12 F250\nM30\n%\n");

  private static Vertx vertx;
  private static TestNode node;
  private static NodeApi api;
  private static String admin;
  private static String pat;
  private static String quinn;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx(PdmNode.vertxOptions());
    node = TestNode.start(vertx).await();
    api = new NodeApi(vertx, node.port());
    admin = node.adminToken().await();
    pat = node.createUser(admin, "pat", "programmer").await();
    quinn = node.createUser(admin, "quinn", "approver").await();
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close().await();
    vertx.close().await();
  }

  private static HttpResponse<Buffer> move(String token, String to, String comment, String password) {
    JsonObject body = new JsonObject().put("to", to).put("comment", comment).put("password", password);
    return api.call(HttpMethod.POST, "/api/files/" + F + "/transition", token).sendJsonObject(body).await();
  }

  private static JsonObject file() {
    return NodeApi.json(api.call(HttpMethod.GET, "/api/files/" + F, pat).send(), 200).await();
  }

  @Test
  void aProgramGoesFromDraftThroughASignedReleaseToObsoleteAndEveryPageSeesEachStep() {
    JsonObject created = api.create(pat, F, V1).await();
    assertThat(created.getString("state")).isEqualTo("draft");
    long since = api.latestSeq(pat).await();
    DeltaSocket live = DeltaSocket.connect(vertx, node.port(), pat, since).await();

    assertThat(move(pat, "review", "first article ok", null).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> wrong = move(quinn, "released", "fine", "not-the-password");
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(wrong.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("bad_signature");
    assertThat(file().getString("state")).as("a refused signature changes nothing").isEqualTo("review");

    HttpResponse<Buffer> released = move(quinn, "released", "proved out on the VF-2", TestNode.passwordOf("quinn"));
    assertThat(released.statusCode()).as(released.bodyAsString()).isEqualTo(200);
    assertThat(released.bodyAsJsonObject().getString("releasedRevision")).isEqualTo("1.0");

    api.checkout(pat, F).await();
    JsonObject draft = api.checkin(pat, F, V2, "feed up to 250").await();
    assertThat(draft.getString("revision")).isEqualTo("1.1");
    assertThat(draft.getString("state")).isEqualTo("draft");
    assertThat(draft.getString("releasedRevision")).as("machines keep getting 1.0").isEqualTo("1.0");
    JsonObject listed = NodeApi.json(api.call(HttpMethod.GET, "/api/files", pat).send(), 200).await()
      .getJsonArray("76XXXXX").getJsonObject(0);
    assertThat(listed.getString("state")).isEqualTo("draft");
    assertThat(listed.getString("releasedRevision")).isEqualTo("1.0");

    HttpResponse<Buffer> notAllowed = move(quinn, "released", null, TestNode.passwordOf("quinn"));
    assertThat(notAllowed.statusCode()).isEqualTo(409);
    assertThat(notAllowed.bodyAsJsonObject().getJsonObject("error").getString("code"))
      .isEqualTo("transition_not_allowed");
    assertThat(move(pat, "obsolete", null, null).statusCode()).isEqualTo(403);
    JsonObject obsolete = move(admin, "obsolete", "part discontinued", null).bodyAsJsonObject();
    assertThat(obsolete.getString("state")).isEqualTo("obsolete");
    assertThat(obsolete.getString("releasedRevision")).isNull();

    long last = api.latestSeq(pat).await();
    live.activity(last).await();
    List<JsonObject> changes = live.messages().stream().filter(m -> "FILE_STATE_CHANGED".equals(m.getString("type")))
      .toList();
    assertThat(changes).extracting(m -> m.getJsonObject("payload").getString("to"))
      .containsExactly("review", "released", "obsolete");
    assertThat(changes.get(1).getJsonObject("payload").getBoolean("signed")).isTrue();
    assertThat(changes.get(1).getJsonObject("payload").getJsonObject("file").getString("state")).isEqualTo("released");
    assertThat(changes).allSatisfy(m -> assertThat(m.getLong("seq")).isGreaterThan(since));
    live.close().await();

    JsonObject history = NodeApi.json(api.call(HttpMethod.GET, "/api/files/" + F + "/history", pat).send(), 200)
      .await();
    assertThat(history.getJsonArray("transitions").stream().map(JsonObject.class::cast)
      .filter(t -> t.getBoolean("signed")).map(t -> t.getString("user") + " released " + t.getString("revision"))
      .toList()).containsExactly("quinn released 1.0");

    HttpResponse<Buffer> csv = api.call(HttpMethod.GET, "/api/audit.csv", admin).send().await();
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.bodyAsString()).contains("\"transition\",\"" + F + "\",\"1.0\",\"" + created.getString("sha256")
      + "\",\"quinn\",\"review\",\"released\",\"yes\",\"proved out on the VF-2\"");
    assertThat(csv.bodyAsString()).contains("\"checkin\",\"" + F + "\",\"1.1\"");
    assertThat(api.call(HttpMethod.GET, "/api/audit.csv", quinn).send().await().statusCode()).isEqualTo(403);
  }
}
