package com.ncvault.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.StorageActions;
import com.ncvault.contract.StorageApi.Checkin;
import com.ncvault.contract.StorageApi.Checkout;
import com.ncvault.contract.StorageApi.CreateFile;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The program routes in front of the in-memory storage: facts as storage answers them, drawings
 * made from the content storage locates, kept per contents and view, refused with clear errors.
 */
class ProgramRoutesTest {

  private static final AtomicInteger UNIQUE = new AtomicInteger();
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

  private HttpResponse<Buffer> get(String uri) {
    return vera.bearer(api.request(HttpMethod.GET, uri)).send().await();
  }

  /** A new file with two revisions: a slot with tool 4, then the same slot 2 mm further in Y. */
  private String fileWithTwoRevisions() {
    String name = "77" + (10000 + UNIQUE.incrementAndGet()) + "_SL.nc";
    String v1 = "O77 (SLOT " + name + ")\nT4 M6 (8MM ENDMILL)\nG90 G0 X0 Y10. Z5.\nG1 Z-1. F300.\nX80.\nG0 Z5.\nM30\n";
    api.storage.createFile(new CreateFile(name, "", null, "paul", null, api.storage.stage(bytes(v1)))).await();
    api.storage.checkout(new Checkout(name, "paul", null, null)).await();
    api.storage.checkin(new Checkin(name, "paul", null, "slot moved", false, false,
      api.storage.stage(bytes(v1.replace("Y10.", "Y12."))))).await();
    return name;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private long contentCalls() {
    return api.storage.calls.stream().filter(c -> c.action().equals(StorageActions.FILES_CONTENT)).count();
  }

  private static Document svg(HttpResponse<Buffer> response) throws Exception {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    factory.setNamespaceAware(true);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(response.body().getBytes()));
  }

  private static int count(Document doc, String xpath) throws Exception {
    return ((NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET)).getLength();
  }

  private static void assertError(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo(code);
  }

  @Test
  void theFactsOfARevisionAreStoragesJsonWithTheRevisionNamed() {
    String name = fileWithTwoRevisions();
    HttpResponse<Buffer> response = get("/api/files/" + name + "/program?rev=1.0");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo(Replies.JSON);
    assertThat(response.getHeader("X-PDM-Revision")).isEqualTo("1.0");
    JsonObject facts = response.bodyAsJsonObject();
    assertThat(facts.getLong("programNumber")).isEqualTo(77);
    assertThat(facts.getJsonArray("tools")).containsExactly(new JsonObject().put("number", 4)
      .put("comment", "8MM ENDMILL").put("line", 2));
    assertThat(facts.getJsonObject("extents").getJsonObject("max").getDouble("y")).isEqualTo(10.0);
    assertThat(get("/api/files/" + name + "/program").getHeader("X-PDM-Revision")).isEqualTo("1.1");
  }

  @Test
  void aToolpathIsSandboxedSvgWithTheToolsMovesAndScaleAndIsDrawnOncePerView() throws Exception {
    String name = fileWithTwoRevisions();
    long before = contentCalls();
    HttpResponse<Buffer> response = get("/api/files/" + name + "/toolpath.svg?rev=1.0&view=xy");

    assertThat(response.getHeader("Content-Type")).isEqualTo("image/svg+xml; charset=utf-8");
    assertThat(response.getHeader("Content-Security-Policy")).contains("sandbox").contains("default-src 'none'");
    assertThat(response.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    Document doc = svg(response);
    assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
    assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
    assertThat(doc.getDocumentElement().getAttribute("data-view")).isEqualTo("xy");
    assertThat(count(doc, "//*[local-name()='g'][@data-tool='4']/*[local-name()='path'][@class='feed']")).isEqualTo(1);
    assertThat(count(doc, "//*[local-name()='g'][@class='scale']")).isEqualTo(1);
    assertThat(count(doc, "//*[local-name()='script' or local-name()='foreignObject']")).isZero();
    assertThat(contentCalls() - before).isEqualTo(1);

    svg(get("/api/files/" + name + "/toolpath.svg?rev=1.0"));
    assertThat(contentCalls() - before).as("the same drawing again comes from the cache").isEqualTo(1);
    assertThat(svg(get("/api/files/" + name + "/toolpath.svg?rev=1.0&view=YZ")).getDocumentElement()
      .getAttribute("data-view")).isEqualTo("yz");
    assertThat(contentCalls() - before).as("another view is another drawing").isEqualTo(2);
  }

  @Test
  void twoRevisionsOverEachOtherShowWhatMovedInTheirOwnColours() throws Exception {
    String name = fileWithTwoRevisions();
    Document doc = svg(get("/api/files/" + name + "/toolpath.svg?from=1.0&to=1.1"));

    assertThat(count(doc, "//*[local-name()='g'][@class='only-from']/*[local-name()='path']")).isPositive();
    assertThat(count(doc, "//*[local-name()='g'][@class='only-to']/*[local-name()='path']")).isPositive();
    assertThat(doc.getDocumentElement().getTextContent()).contains("only in rev 1.0").contains("only in rev 1.1");
  }

  @Test
  void badViewsMismatchedRevisionsBinaryContentAndUnknownRevisionsAreRefused() {
    String name = fileWithTwoRevisions();
    api.storage.createFile(new CreateFile("77" + (10000 + UNIQUE.incrementAndGet()) + "_BIN.mcam", "", null, "paul",
      null, api.storage.stage(new byte[] {'M', 'C', 0, 7}))).await();
    String binary = "77" + (10000 + UNIQUE.get()) + "_BIN.mcam";

    assertError(get("/api/files/" + name + "/toolpath.svg?view=iso"), 400, "validation_failed");
    assertError(get("/api/files/" + name + "/toolpath.svg?from=1.0"), 400, "validation_failed");
    assertError(get("/api/files/" + name + "/toolpath.svg?rev=1.0&from=1.0&to=1.1"), 400, "validation_failed");
    assertError(get("/api/files/" + name + "/toolpath.svg?rev=9.9"), 404, "not_found");
    assertError(get("/api/files/" + binary + "/toolpath.svg"), 415, "unsupported_media_type");
    assertError(get("/api/files/" + binary + "/program"), 415, "unsupported_media_type");
    assertError(get("/api/files/" + name + "/program?rev=x"), 400, "bad_request");
    assertError(get("/api/files?tool=T12"), 400, "validation_failed");
    assertError(get("/api/files?minLengthX=10&maxLengthX=5"), 400, "validation_failed");
  }

  @Test
  void theListIsFilteredByToolAndLength() {
    String name = fileWithTwoRevisions();
    get("/api/files/" + name + "/program");

    JsonObject slots = get("/api/files?tool=4&minLengthX=80&maxLengthX=80").bodyAsJsonObject();
    assertThat(slots.getJsonArray("77XXXXX").stream().map(f -> ((JsonObject) f).getString("filename")))
      .contains(name);
    assertThat(get("/api/files?tool=4&minLengthX=80.5").bodyAsJsonObject().getJsonArray("77XXXXX")).isNull();
  }
}
