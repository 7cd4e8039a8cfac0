package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ConfigKeys;
import com.ncvault.machine.FtpControl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One program from the programmer's desk to the spindle and back (issue 15): uploaded, reviewed,
 * released with the approver's signature, a new draft checked in after it, and still the released
 * revision goes to a drop folder, a control's FTP server and a serial device server, each checked
 * byte for byte and by SHA-256; the refusals on the way change nothing; a send to a stopped FTP
 * server fails cleanly and goes through once it is up; the program edited at the control comes back
 * through the import queue, is compared with the released revision and accepted as a new draft
 * while the released revision stays; the audit CSV holds the signature and every transfer.
 */
@Timeout(60)
class ReleaseToMachineTest {

  static final String FILE = "O7001.nc";
  static final String V1 = "%\nO7001 (HOUSING OP10)\nG90 G54 G0 X0 Y0\nG1 X40 F300\nM30\n%\n";
  static final String V2 = "%\nO7001 (HOUSING OP10)\nG90 G54 G0 X0 Y0\nG1 X40 F350\nM30\n%\n";
  static final String EDITED = "%\nO7001 (HOUSING OP10)\nG90 G54 G0 X0 Y0\nG1 X40 F280 (SLOWER AT THE MILL)\nM30\n%\n";

  private static Vertx vertx;
  private static TestNode node;
  private static NodeApi api;
  private static String admin;
  private static String pat;
  private static String quinn;
  private static String vic;
  private static Path shares;
  private static FtpControl mill;
  private static FtpControl lathe;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx(PdmNode.vertxOptions());
    shares = Files.createTempDirectory("ncvault-release-shares");
    Files.createDirectories(shares.resolve("drop"));
    Files.createDirectories(shares.resolve("drop-out"));
    mill = new FtpControl(Files.createTempDirectory("ncvault-release-mill")).start();
    mill.dir("prg");
    lathe = new FtpControl(Files.createTempDirectory("ncvault-release-lathe"));
    lathe.dir("prg");
    node = TestNode.start(vertx, new JsonObject()
      .put(ConfigKeys.MACHINE_FOLDER_ROOTS, new JsonArray().add(shares.toString()))
      .put(ConfigKeys.MACHINE_POLL_SECONDS, 1)
      .put(ConfigKeys.MACHINE_TRANSFER_ATTEMPTS, 2)
      .put(ConfigKeys.MACHINE_RETRY_FIRST_MS, 100)).await();
    api = new NodeApi(vertx, node.port());
    admin = api.adminToken().await();
    pat = api.createUser(admin, "pat", "programmer").await();
    quinn = api.createUser(admin, "quinn", "approver").await();
    vic = api.createUser(admin, "vic", "viewer").await();
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close().await();
    mill.close();
    lathe.close();
    vertx.close().await();
    TestNode.deleteTree(shares);
    TestNode.deleteTree(mill.home);
    TestNode.deleteTree(lathe.home);
  }

  private static Future<JsonObject> call(HttpMethod method, String uri, String token, JsonObject body, int status) {
    return NodeApi.json(body == null ? api.call(method, uri, token).send()
      : api.call(method, uri, token).sendJsonObject(body), status);
  }

  private static String refusal(HttpMethod method, String uri, String token, JsonObject body, int status) {
    return call(method, uri, token, body, status).await().getJsonObject("error").getString("code");
  }

  private static JsonObject machine(String name, JsonObject transport) {
    return new JsonObject().put("name", name).put("group", "Cell 7").put("controller", "Fanuc 0i-MF")
      .put("transport", transport);
  }

  private static JsonObject ftp(FtpControl control) {
    return new JsonObject().put("kind", "ftp").put("host", "127.0.0.1").put("port", control.port)
      .put("user", FtpControl.USER).put("password", FtpControl.PASSWORD).put("directory", "prg");
  }

  private static JsonObject transition(String token, String to, String comment, String password, int status) {
    return call(HttpMethod.POST, "/api/files/" + FILE + "/transition", token, new JsonObject().put("to", to)
      .put("comment", comment).put("password", password), status).await();
  }

  private static JsonObject file() {
    return call(HttpMethod.GET, "/api/files/" + FILE, vic, null, 200).await();
  }

  /** Sends the file and waits until its transfer has ended; answers it as the log shows it. */
  private static JsonObject sendAndWait(String machine) {
    JsonObject started = call(HttpMethod.POST, "/api/machines/" + machine + "/send", pat,
      new JsonObject().put("filename", FILE), 202).await().getJsonObject("transfer");
    String id = started.getString("id");
    JsonObject[] ended = new JsonObject[1];
    Waiting.until(vertx, 20_000, "the transfer to " + machine + " ends", () ->
      call(HttpMethod.GET, "/api/transfers?machine=" + machine, vic, null, 200).map(page -> {
        for (Object t : page.getJsonArray("transfers")) {
          JsonObject entry = (JsonObject) t;
          if (entry.getString("id").equals(id) && !"running".equals(entry.getString("status"))) {
            ended[0] = entry;
            return true;
          }
        }
        return false;
      })).await();
    return ended[0];
  }

  private static void assertSentReleased(JsonObject transfer, String sha256) {
    assertThat(transfer.getString("status")).as(transfer.encode()).isEqualTo("succeeded");
    assertThat(transfer.getString("revision")).as("the released revision, not the draft after it").isEqualTo("1.0");
    assertThat(transfer.getString("sha256")).isEqualTo(sha256);
    assertThat(transfer.getLong("bytes")).isEqualTo(V1.length());
    assertThat(transfer.getString("user")).isEqualTo("pat");
  }

  @Test
  void a_program_goes_from_upload_through_a_signed_release_to_every_kind_of_machine_and_back_as_a_draft()
    throws Exception {
    String releasedSha = NodeApi.sha256(V1.getBytes(StandardCharsets.US_ASCII));
    JsonObject created = api.create(pat, FILE, Buffer.buffer(V1)).await();
    assertThat(created.getString("sha256")).isEqualTo(releasedSha);

    // machines: bad ones are refused with 400 and nothing is registered
    long before = api.latestSeq(admin).await();
    assertThat(refusal(HttpMethod.POST, "/api/machines", admin, machine("bad", new JsonObject().put("kind", "rs232")
      .put("host", "10.0.0.1")), 400)).isEqualTo("validation_failed");
    assertThat(refusal(HttpMethod.POST, "/api/machines", admin, machine("bad", new JsonObject().put("kind", "folder")
      .put("path", shares.resolveSibling("elsewhere").toString())), 400)).isEqualTo("validation_failed");
    assertThat(api.latestSeq(admin).await()).as("refused machines change nothing").isEqualTo(before);

    try (ServerSocket deviceServer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      call(HttpMethod.POST, "/api/machines", admin, machine("drop", new JsonObject().put("kind", "folder")
        .put("path", shares.resolve("drop").toString()).put("inboxPath", shares.resolve("drop-out").toString())), 201)
        .await();
      call(HttpMethod.POST, "/api/machines", admin, machine("mill", ftp(mill)), 201).await();
      call(HttpMethod.POST, "/api/machines", admin, machine("lathe", ftp(lathe)), 201).await();
      call(HttpMethod.POST, "/api/machines", admin, machine("haas", new JsonObject().put("kind", "tcp")
        .put("host", "127.0.0.1").put("port", deviceServer.getLocalPort()).put("bytesPerSecond", 2000)), 201).await();
      call(HttpMethod.POST, "/api/machines", admin, machine("spare", new JsonObject().put("kind", "folder")
        .put("path", shares.resolve("drop").toString())), 201).await();
      call(HttpMethod.PUT, "/api/files/" + FILE + "/machines", pat, new JsonObject().put("machines",
        new JsonArray().add("drop").add("mill").add("lathe").add("haas")), 200).await();

      // a draft goes nowhere
      JsonObject draft = call(HttpMethod.POST, "/api/machines/drop/send", pat, new JsonObject().put("filename", FILE),
        409).await().getJsonObject("error");
      assertThat(draft.getString("code")).isEqualTo("not_released");
      assertThat(draft.getString("message")).contains("released");

      // review, a wrong signature, then the approver's signed release
      transition(pat, "review", "first article measured", null, 200);
      assertThat(transition(quinn, "released", "ok", "not-quinns-password", 403).getJsonObject("error")
        .getString("code")).isEqualTo("bad_signature");
      assertThat(file().getString("state")).as("a refused signature changes nothing").isEqualTo("review");
      JsonObject released = transition(quinn, "released", "proved out on the mill", TestNode.passwordOf("quinn"), 200);
      assertThat(released.getString("releasedRevision")).isEqualTo("1.0");

      // a new draft after the release: machines keep getting 1.0
      api.checkout(pat, FILE).await();
      JsonObject newer = api.checkin(pat, FILE, Buffer.buffer(V2), "feed up to 350").await();
      assertThat(newer.getString("revision")).isEqualTo("1.1");
      assertThat(newer.getString("state")).isEqualTo("draft");
      assertThat(newer.getString("releasedRevision")).isEqualTo("1.0");

      assertThat(refusal(HttpMethod.POST, "/api/machines/spare/send", pat, new JsonObject().put("filename", FILE), 409))
        .isEqualTo("not_assigned");

      CompletableFuture<byte[]> serial = CompletableFuture.supplyAsync(() -> {
        try (Socket socket = deviceServer.accept(); InputStream in = socket.getInputStream()) {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          in.transferTo(bytes);
          return bytes.toByteArray();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      JsonObject toDrop = sendAndWait("drop");
      JsonObject toMill = sendAndWait("mill");
      JsonObject toHaas = sendAndWait("haas");

      for (JsonObject t : List.of(toDrop, toMill, toHaas)) {
        assertSentReleased(t, releasedSha);
      }
      assertThat(toDrop.getBoolean("verified")).isTrue();
      assertThat(toMill.getBoolean("verified")).isTrue();
      byte[] atDrop = Files.readAllBytes(shares.resolve("drop").resolve(FILE));
      byte[] atMill = Files.readAllBytes(mill.home.resolve("prg").resolve(FILE));
      byte[] atHaas = serial.get(10, TimeUnit.SECONDS);
      for (byte[] arrived : List.of(atDrop, atMill, atHaas)) {
        assertThat(new String(arrived, StandardCharsets.US_ASCII)).isEqualTo(V1);
        assertThat(NodeApi.sha256(arrived)).isEqualTo(releasedSha);
      }
    }

    // the lathe's FTP server is down: the transfer fails with its reason, the vault is unchanged
    JsonObject failed = sendAndWait("lathe");
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getString("reason")).contains("ConnectException");
    assertThat(failed.getInteger("attempts")).isEqualTo(2);
    assertThat(file().getString("revision")).isEqualTo("1.1");
    assertThat(file().getString("lockedBy")).isNull();
    lathe.start();
    JsonObject retried = sendAndWait("lathe");
    assertSentReleased(retried, releasedSha);
    assertThat(Files.readString(lathe.home.resolve("prg").resolve(FILE))).isEqualTo(V1);

    // edited at the control, it comes back through the drop folder's inbox
    Files.writeString(shares.resolve("drop-out").resolve("O7001.NC"), EDITED);
    JsonObject[] item = new JsonObject[1];
    Waiting.until(vertx, 20_000, "the program is in the import queue", () ->
      call(HttpMethod.GET, "/api/import-queue?pending=true", vic, null, 200).map(page -> {
        for (Object i : page.getJsonArray("items")) {
          if ("drop".equals(((JsonObject) i).getString("machine"))) {
            item[0] = (JsonObject) i;
            return true;
          }
        }
        return false;
      })).await();
    assertThat(item[0].getString("filename")).isEqualTo(FILE);
    String id = item[0].getString("id");
    JsonObject diff = call(HttpMethod.GET, "/api/import-queue/" + id + "/diff", vic, null, 200).await();
    assertThat(diff.getString("from")).as("compared with what the machine had: the released revision").isEqualTo("1.0");
    assertThat(diff.getString("diff")).contains("-G1 X40 F300").contains("+G1 X40 F280 (SLOWER AT THE MILL)");
    call(HttpMethod.POST, "/api/import-queue/" + id + "/accept", pat, new JsonObject().put("message", "x"), 403).await();
    JsonObject accepted = call(HttpMethod.POST, "/api/import-queue/" + id + "/accept", quinn,
      new JsonObject().put("message", "feed lowered at the mill"), 200).await();
    assertThat(accepted.getString("revision")).isEqualTo("1.2");
    JsonObject after = file();
    assertThat(after.getString("revision")).isEqualTo("1.2");
    assertThat(after.getString("state")).as("a program from a machine is a draft").isEqualTo("draft");
    assertThat(after.getString("releasedRevision")).as("the released revision stays").isEqualTo("1.0");
    assertThat(after.getString("sha256")).isEqualTo(NodeApi.sha256(EDITED.getBytes(StandardCharsets.US_ASCII)));
    assertSentReleased(sendAndWait("drop"), releasedSha);

    // the audit trail: the signature and every transfer
    HttpResponse<Buffer> csv = api.call(HttpMethod.GET, "/api/audit.csv", admin).send().await();
    assertThat(csv.statusCode()).isEqualTo(200);
    List<String> lines = List.of(csv.bodyAsString().split("\r\n"));
    assertThat(lines.get(0)).endsWith("\"comment\",\"machine\",\"end\",\"bytes\",\"result\"");
    assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"transition\",\"" + FILE + "\",\"1.0\",\""
      + releasedSha + "\",\"quinn\",\"review\",\"released\",\"yes\",\"proved out on the mill\""));
    List<String> transfers = lines.stream().filter(line -> line.contains("\"transfer\",\"" + FILE + "\"")).toList();
    assertThat(transfers).hasSize(6).allSatisfy(line -> assertThat(line)
      .contains("\"transfer\",\"" + FILE + "\",\"1.0\",\"" + releasedSha + "\",\"pat\","));
    for (String machine : List.of("drop", "mill", "haas")) {
      assertThat(transfers).anySatisfy(line -> assertThat(line)
        .contains("\"" + machine + "\",").contains(",\"" + V1.length() + "\",\"succeeded\""));
    }
    assertThat(transfers).anySatisfy(line -> assertThat(line).contains("ConnectException").contains("\"lathe\",")
      .endsWith(",\"0\",\"failed\""));
    assertThat(transfers).filteredOn(line -> line.contains("\"lathe\",") && line.endsWith("\"succeeded\"")).hasSize(1);
    assertThat(call(HttpMethod.GET, "/api/audit.csv", quinn, null, 403).await().getJsonObject("error")
      .getString("code")).isEqualTo("forbidden");
  }
}
