package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Inside the programs of a real node (storage on H2, the facts lane, the api's drawings): a
 * programmer checks in a revision whose pocket moved 2 mm and whose tools changed; a viewer reads
 * the facts of each revision, their toolpaths and the overlay of both as XML, and finds the file by
 * its tools and size.
 */
class ProgramApiTest {

  static final String FILE = "3456789_PLATE.nc";
  static final String V1 = SamplePrograms.PLATE;
  static final String V2 = SamplePrograms.PLATE_MOVED_POCKET;

  private static Vertx vertx;
  private static TestNode node;
  private static NodeApi api;
  private static String viewer;
  private static ErrorLog errors;

  @BeforeAll
  static void start() {
    errors = ErrorLog.attach();
    vertx = Vertx.vertx(PdmNode.vertxOptions());
    node = TestNode.start(vertx).await();
    api = new NodeApi(vertx, node.port());
    String admin = api.adminToken().await();
    String pat = api.createUser(admin, "pat", "programmer").await();
    viewer = api.createUser(admin, "vic", "viewer").await();
    api.create(pat, FILE, Buffer.buffer(V1)).await();
    api.checkout(pat, FILE).await();
    api.checkin(pat, FILE, Buffer.buffer(V2), "pocket moved, chamfer added").await();
    api.create(pat, "3456789_PLATE.mcam", Buffer.buffer(new byte[] {'M', 'C', 'A', 'M', 0, 1, 2, 3})).await();
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close().await();
    vertx.close().await();
    errors.detach();
  }

  private static HttpResponse<Buffer> get(String uri) {
    return api.call(HttpMethod.GET, uri, viewer).send().await();
  }

  private static Document svg(String uri) throws Exception {
    HttpResponse<Buffer> response = get(uri);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("image/svg+xml");
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(response.body().getBytes()));
  }

  /** Elements by an XPath over SVG names: {@code g[@class='scale']} stands for any namespace's g. */
  private static List<Element> all(Document doc, String path) throws Exception {
    String xpath = path.replaceAll("(^|/)([a-z]+)(?=\\[|/|$)", "$1*[local-name()='$2']");
    NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET);
    List<Element> found = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      found.add((Element) nodes.item(i));
    }
    return found;
  }

  private static JsonObject facts(String rev) {
    HttpResponse<Buffer> response = get("/api/files/" + FILE + "/program?rev=" + rev);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader("X-PDM-Revision")).isEqualTo(rev);
    return response.bodyAsJsonObject();
  }

  private static List<Integer> toolNumbers(JsonObject facts) {
    return facts.getJsonArray("tools").stream().map(t -> ((JsonObject) t).getInteger("number")).toList();
  }

  @Test
  void eachRevisionAnswersItsToolsExtentsLengthsAndTime() {
    JsonObject first = facts("1.0");
    assertThat(first.fieldNames()).contains("programNumber", "units", "lines", "tools", "extents", "feedDistance",
      "rapidDistance", "estimatedSeconds", "subprograms", "warnings");
    assertThat(first.getLong("programNumber")).isEqualTo(3001);
    assertThat(first.getString("units")).isEqualTo("mm");
    assertThat(first.getJsonArray("tools").getJsonObject(1)).isEqualTo(new JsonObject().put("number", 2)
      .put("comment", "10MM ENDMILL").put("line", 11));
    assertThat(first.getJsonObject("extents")).isEqualTo(new JsonObject()
      .put("min", new JsonObject().put("x", -30.0).put("y", 0.0).put("z", -12.0))
      .put("max", new JsonObject().put("x", 150.0).put("y", 70.0).put("z", 5.0)));
    assertThat(first.getDouble("estimatedSeconds")).isPositive();
    assertThat(first.getJsonArray("warnings")).isEmpty();

    JsonObject second = facts("1.1");
    assertThat(toolNumbers(first)).containsExactly(1, 2, 3);
    assertThat(toolNumbers(second)).containsExactly(1, 2, 3, 5);
    assertThat(second.getDouble("feedDistance")).isGreaterThan(first.getDouble("feedDistance"));
  }

  @Test
  void aRevisionsToolpathIsSvgWithAGroupPerToolFeedsRapidsHolesAScaleAndALegend() throws Exception {
    Document doc = svg("/api/files/" + FILE + "/toolpath.svg?rev=1.1&view=xy");

    assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
    assertThat(all(doc, "//g[@class='tool']").stream().map(g -> g.getAttribute("data-tool")))
      .containsExactly("1", "2", "3", "5");
    assertThat(all(doc, "//g[@data-tool='1']/path[@class='feed']")).hasSize(1);
    assertThat(all(doc, "//g[@data-tool='2']/path[@class='rapid']").get(0).getAttribute("stroke-dasharray"))
      .as("the rapid to the pocket, dashed").isNotEmpty();
    assertThat(all(doc, "//g[@data-tool='2']/path[@class='feed']").get(0).getAttribute("d"))
      .as("the pocket's full circle as two SVG arcs").contains("A10 10");
    assertThat(all(doc, "//g[@data-tool='3']//circle[@class='hole']")).hasSize(2);
    assertThat(all(doc, "//g[@class='scale']/text").get(0).getTextContent()).endsWith(" mm");
    assertThat(all(doc, "//g[@class='legend']//text").stream().map(Element::getTextContent))
      .contains("T2 10MM ENDMILL 3FL", "T5 CHAMFER", "feed", "rapid");
    assertThat(all(doc, "//script")).isEmpty();

    assertThat(svg("/api/files/" + FILE + "/toolpath.svg?rev=1.0&view=xz").getDocumentElement()
      .getAttribute("data-view")).isEqualTo("xz");
    assertThat(all(svg("/api/files/" + FILE + "/toolpath.svg?rev=1.0&view=yz"), "//g[@class='tool']")).hasSize(3);
  }

  @Test
  void twoRevisionsOverEachOtherEmphasiseThePocketThatMovedAndTheNewChamfer() throws Exception {
    Document doc = svg("/api/files/" + FILE + "/toolpath.svg?from=1.0&to=1.1");

    String before = all(doc, "//g[@class='only-from']/path[@class='feed']").get(0).getAttribute("d");
    String after = all(doc, "//g[@class='only-to']/path[@class='feed']").get(0).getAttribute("d");
    assertThat(before).as("the pocket of 1.0").contains("M40 -20");
    assertThat(after).as("the pocket of 1.1, 2 mm further in Y").contains("M40 -22").contains("M0 0L20 0");
    assertThat(all(doc, "//g[@class='same']/path[@class='feed']").get(0).getAttribute("d"))
      .as("the facing pass is in both").contains("M-30 0L150 0");
    assertThat(all(doc, "//g[@class='legend']//text").stream().map(Element::getTextContent))
      .anyMatch(t -> t.startsWith("only in rev 1.0")).anyMatch(t -> t.startsWith("only in rev 1.1"));
  }

  @Test
  void theListFindsTheFileByAToolOfItsCurrentRevisionAndByItsLength() {
    // facts are computed right after each check-in, in the background
    Waiting.until(vertx, 10_000, "the list knows the facts of " + FILE, () -> api.call(HttpMethod.GET,
      "/api/files?tool=5", viewer).send().map(r -> r.bodyAsJsonObject().containsKey("34XXXXX"))).await();

    assertThat(names("tool=5&minLengthX=180&maxLengthY=70")).containsExactly(FILE);
    assertThat(names("tool=5&minLengthX=180.01")).isEmpty();
    assertThat(names("tool=4")).isEmpty();
    assertThat(names("maxLengthZ=10")).isEmpty();
    assertThat(get("/api/files?minLengthX=-1").statusCode()).isEqualTo(400);
  }

  private static List<String> names(String query) {
    JsonArray files = get("/api/files?" + query).bodyAsJsonObject().getJsonArray("34XXXXX");
    return files == null ? List.of() : files.stream().map(f -> ((JsonObject) f).getString("filename")).toList();
  }

  @Test
  void binaryFilesAndUnknownViewsAreRefusedAndNothingFailsInside() {
    for (String uri : List.of("/api/files/3456789_PLATE.mcam/program", "/api/files/3456789_PLATE.mcam/toolpath.svg")) {
      HttpResponse<Buffer> response = get(uri);
      assertThat(response.statusCode()).as(uri).isEqualTo(415);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("unsupported_media_type");
    }
    HttpResponse<Buffer> badView = get("/api/files/" + FILE + "/toolpath.svg?view=3d");
    assertThat(badView.statusCode()).isEqualTo(400);
    assertThat(badView.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("xy, xz or yz");
    assertThat(errors.drain()).as("errors the node logged").isEmpty();
  }
}
