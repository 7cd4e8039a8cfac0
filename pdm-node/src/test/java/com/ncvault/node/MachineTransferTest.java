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
 * A program from the vault to each kind of machine and back, on a real node: a drop folder, a
 * control's FTP server (Apache FtpServer) and a serial device server (a TCP listener checking the
 * bytes). Refusals leave everything as it was; a transfer to a stopped FTP server fails with its
 * reason and goes through once the server is up; a program edited at the control waits in the
 * import queue until an approver accepts it as a new draft revision. Only released revisions go.
 */
@Timeout(120)
class MachineTransferTest {

  static final String FILE = "O1234.nc";
  static final String PROGRAM = "%\nO1234 (FLANGE)\nG90 G54 G0 X0 Y0\nM30\n%\n";
  /** The import test's own file, so the order of the tests does not matter. */
  static final String RETURNING = "O5678.nc";
  static final String ORIGINAL = "%\nO5678 (BRACKET)\nG90 G54 G0 X0 Y0\nM30\n%\n";
  /** Never released: refused at every machine. */
  static final String DRAFT = "O4444.nc";
  static final String EDITED = "%\nO5678 (BRACKET)\nG90 G54 G0 X0 Y0\nG1 X10 F250 (FEED FROM THE MILL)\nM30\n%\n";

  private static Vertx vertx;
  private static TestNode node;
  private static NodeApi api;
  private static String admin;
  private static String pat;
  private static String vic;
  private static String quinn;
  private static Path shares;
  private static FtpControl control;
  private static ErrorLog errors;

  @BeforeAll
  static void start() throws Exception {
    errors = ErrorLog.attach();
    vertx = Vertx.vertx(PdmNode.vertxOptions());
    shares = Files.createTempDirectory("ncvault-shares");
    Files.createDirectories(shares.resolve("drop"));
    Files.createDirectories(shares.resolve("drop-out"));
    control = new FtpControl(Files.createTempDirectory("ncvault-ftp")).start();
    control.dir("prg");
    control.dir("out");
    node = TestNode.start(vertx, new JsonObject()
      .put(ConfigKeys.MACHINE_FOLDER_ROOTS, new JsonArray().add(shares.toString()))
      .put(ConfigKeys.MACHINE_POLL_SECONDS, 1)
      .put(ConfigKeys.MACHINE_TRANSFER_ATTEMPTS, 2)
      .put(ConfigKeys.MACHINE_RETRY_FIRST_MS, 100)).await();
    api = new NodeApi(vertx, node.port());
    admin = api.adminToken().await();
    pat = api.createUser(admin, "pat", "programmer").await();
    vic = api.createUser(admin, "vic", "viewer").await();
    quinn = api.createUser(admin, "quinn", "approver").await();
    api.create(pat, FILE, Buffer.buffer(PROGRAM)).await();
    api.create(pat, RETURNING, Buffer.buffer(ORIGINAL)).await();
    api.create(pat, DRAFT, Buffer.buffer("%\nO4444\nM30\n%\n")).await();
    api.release(pat, admin, TestNode.ADMIN_PASSWORD, FILE).await();
    api.release(pat, quinn, TestNode.passwordOf("quinn"), RETURNING).await();
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close().await();
    control.close();
    vertx.close().await();
    TestNode.deleteTree(shares);
    TestNode.deleteTree(control.home);
  }

  private static Future<JsonObject> call(HttpMethod method, String uri, String token, JsonObject body, int status) {
    return NodeApi.json(body == null ? api.call(method, uri, token).send()
      : api.call(method, uri, token).sendJsonObject(body), status);
  }

  private static JsonObject machine(String name, JsonObject transport) {
    return new JsonObject().put("name", name).put("group", "Cell 1").put("controller", "Fanuc 0i-MF")
      .put("transport", transport);
  }

  private static JsonObject ftp() {
    return new JsonObject().put("kind", "ftp").put("host", "127.0.0.1").put("port", control.port)
      .put("user", FtpControl.USER).put("password", FtpControl.PASSWORD).put("directory", "prg")
      .put("inboxDirectory", "out");
  }

  /** Sends and waits until the transfer has ended; returns it as the log shows it. */
  private static JsonObject sendAndWait(String machine) {
    JsonObject transfer = call(HttpMethod.POST, "/api/machines/" + machine + "/send", pat,
      new JsonObject().put("filename", FILE), 202).await().getJsonObject("transfer");
    assertThat(transfer.getString("status")).isEqualTo("running");
    String id = transfer.getString("id");
    JsonObject[] ended = new JsonObject[1];
    Waiting.until(vertx, 30_000, "transfer " + id + " to " + machine + " ends", () ->
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

  @Test
  void bad_machines_and_unassigned_files_are_refused_and_change_nothing() {
    long before = api.latestSeq(admin).await();

    for (JsonObject bad : List.of(
      machine("m1", new JsonObject().put("kind", "rs232").put("host", "x")),
      machine("m1", new JsonObject().put("kind", "folder").put("path", "/etc")),
      machine("m1", new JsonObject().put("kind", "folder").put("path", shares + "/../../etc")),
      machine("m1", new JsonObject().put("kind", "tcp").put("host", "127.0.0.1").put("port", 0)),
      machine("m1", new JsonObject().put("kind", "ftp").put("host", "127.0.0.1").put("port", 65536)),
      new JsonObject().put("name", "m1"))) {
      JsonObject error = call(HttpMethod.POST, "/api/machines", admin, bad, 400).await().getJsonObject("error");
      assertThat(error.getString("code")).as(bad.encode()).isEqualTo("validation_failed");
      assertThat(error.getString("message")).isNotBlank();
    }
    call(HttpMethod.POST, "/api/machines", pat, machine("m1", ftp()), 403).await();
    call(HttpMethod.POST, "/api/machines", admin, machine("refusals", ftp()), 201).await();
    JsonObject error = call(HttpMethod.POST, "/api/machines/refusals/send", pat, new JsonObject().put("filename", FILE),
      409).await().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("not_assigned");
    call(HttpMethod.POST, "/api/machines/nowhere/send", pat, new JsonObject().put("filename", FILE), 404).await();
    call(HttpMethod.PUT, "/api/files/" + FILE + "/machines", vic, new JsonObject().put("machines", new JsonArray()),
      403).await();
    call(HttpMethod.PUT, "/api/files/" + FILE + "/machines", pat, new JsonObject().put("machines", "refusals"),
      400).await();

    call(HttpMethod.POST, "/api/machines", admin, new JsonObject().put("name", "m2").put("transport", "ftp://x"), 400)
      .await();
    assertThat(NodeApi.json(api.call(HttpMethod.POST, "/api/machines", admin).putHeader("Content-Type",
      "application/json").sendBuffer(Buffer.buffer("{\"name\":")), 400).await().getJsonObject("error")
      .getString("code")).isEqualTo("invalid_json");
    call(HttpMethod.PUT, "/api/files/" + FILE + "/machines", pat,
      new JsonObject().put("machines", new JsonArray().add(7)), 400).await();
    call(HttpMethod.PUT, "/api/files/nope.nc/machines", pat,
      new JsonObject().put("machines", new JsonArray().add("refusals")), 404).await();
    call(HttpMethod.POST, "/api/machines/refusals/send", pat, new JsonObject(), 400).await();
    // a name is only looked up, never used as a path
    assertThat(call(HttpMethod.POST, "/api/machines/refusals/send", pat, new JsonObject().put("filename", "../x.nc"),
      404).await().getJsonObject("error").getString("code")).isEqualTo("not_found");
    call(HttpMethod.PATCH, "/api/machines/refusals", admin, new JsonObject().put("name", "renamed"), 400).await();
    call(HttpMethod.PATCH, "/api/machines/refusals", admin,
      new JsonObject().put("transport", new JsonObject().put("kind", "tcp").put("host", "h").put("port", -1)), 400).await();
    call(HttpMethod.POST, "/api/import-queue/nope/accept", admin, new JsonObject().put("message", "x".repeat(2001)), 400)
      .await();
    call(HttpMethod.GET, "/api/transfers?limit=100000", vic, null, 400).await();

    assertThat(api.latestSeq(admin).await()).as("only the one machine registered").isEqualTo(before + 1);
    JsonObject listed = call(HttpMethod.GET, "/api/machines", vic, null, 200).await();
    assertThat(listed.encode()).doesNotContain(FtpControl.PASSWORD);

    call(HttpMethod.PUT, "/api/files/" + DRAFT + "/machines", pat,
      new JsonObject().put("machines", new JsonArray().add("refusals")), 200).await();
    long assigned = api.latestSeq(admin).await();
    JsonObject draft = call(HttpMethod.POST, "/api/machines/refusals/send", pat, new JsonObject().put("filename", DRAFT),
      409).await().getJsonObject("error");
    assertThat(draft.getString("code")).isEqualTo("not_released");
    assertThat(draft.getString("message")).contains(DRAFT).contains("released");
    assertThat(api.latestSeq(admin).await()).as("a draft is refused and nothing recorded").isEqualTo(assigned);
    assertThat(call(HttpMethod.GET, "/api/transfers?machine=refusals", vic, null, 200).await()
      .getJsonArray("transfers")).isEmpty();
  }

  @Test
  void a_program_reaches_a_folder_an_ftp_control_and_a_serial_device_server_as_it_is_in_the_vault() throws Exception {
    call(HttpMethod.POST, "/api/machines", admin, machine("drop", new JsonObject().put("kind", "folder")
      .put("path", shares.resolve("drop").toString())), 201).await();
    call(HttpMethod.POST, "/api/machines", admin, machine("mill", ftp()), 201).await();
    try (ServerSocket deviceServer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      call(HttpMethod.POST, "/api/machines", admin, machine("haas", new JsonObject().put("kind", "tcp")
        .put("host", "127.0.0.1").put("port", deviceServer.getLocalPort()).put("bytesPerSecond", 400)), 201).await();
      call(HttpMethod.PUT, "/api/files/" + FILE + "/machines", pat,
        new JsonObject().put("machines", new JsonArray().add("drop").add("mill").add("haas")), 200).await();
      assertThat(call(HttpMethod.GET, "/api/files/" + FILE + "/machines", vic, null, 200).await()
        .getJsonArray("machines")).containsExactly("drop", "haas", "mill");
      CompletableFuture<byte[]> serial = CompletableFuture.supplyAsync(() -> {
        try (Socket socket = deviceServer.accept(); InputStream in = socket.getInputStream()) {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          in.transferTo(bytes);
          return bytes.toByteArray();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      String sha256 = NodeApi.sha256(PROGRAM.getBytes(StandardCharsets.US_ASCII));

      long started = System.nanoTime();
      JsonObject toHaas = sendAndWait("haas");
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      JsonObject toDrop = sendAndWait("drop");
      JsonObject toMill = sendAndWait("mill");

      assertThat(serial.get(10, TimeUnit.SECONDS)).isEqualTo(PROGRAM.getBytes(StandardCharsets.US_ASCII));
      assertThat(tookMs).as("%d bytes at 400 bytes/s", PROGRAM.length()).isGreaterThanOrEqualTo(90);
      assertThat(Files.readString(shares.resolve("drop").resolve(FILE))).isEqualTo(PROGRAM);
      assertThat(Files.readString(control.home.resolve("prg").resolve(FILE))).isEqualTo(PROGRAM);
      for (JsonObject t : List.of(toHaas, toDrop, toMill)) {
        assertThat(t.getString("status")).as(t.encode()).isEqualTo("succeeded");
        assertThat(t.getString("sha256")).isEqualTo(sha256);
        assertThat(t.getString("revision")).isEqualTo("1.0");
        assertThat(t.getString("user")).isEqualTo("pat");
        assertThat(t.getLong("bytes")).isEqualTo(PROGRAM.length());
      }
      assertThat(toDrop.getBoolean("verified")).isTrue();
      assertThat(toMill.getBoolean("verified")).isTrue();
      assertThat(toHaas.getBoolean("verified")).as("nothing to read back over a serial line").isFalse();
    }
  }

  @Test
  void a_machine_configured_to_another_node_is_sent_to_only_from_there() throws Exception {
    call(HttpMethod.POST, "/api/machines", admin, machine("far", ftp()).put("node", "plant-z"), 201).await();
    String self = call(HttpMethod.GET, "/api/admin/nodes", admin, null, 200).await().getString("self");
    call(HttpMethod.POST, "/api/machines", admin, machine("near", new JsonObject().put("kind", "folder")
      .put("path", shares.resolve("drop").toString())).put("node", self), 201).await();
    call(HttpMethod.PUT, "/api/files/" + FILE + "/machines", pat,
      new JsonObject().put("machines", new JsonArray().add("far").add("near")), 200).await();

    JsonObject error = call(HttpMethod.POST, "/api/machines/far/send", pat, new JsonObject().put("filename", FILE), 503)
      .await().getJsonObject("error");
    JsonObject near = sendAndWait("near");

    assertThat(error.getString("message")).contains("plant-z").contains("not running");
    assertThat(call(HttpMethod.GET, "/api/transfers?machine=far", vic, null, 200).await().getJsonArray("transfers"))
      .as("nothing recorded for a send no node took").isEmpty();
    assertThat(near.getString("status")).isEqualTo("succeeded");
    assertThat(near.getString("node")).isEqualTo(self);
  }

  @Test
  void two_sends_to_one_serial_line_go_one_after_the_other() throws Exception {
    try (ServerSocket deviceServer = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
      call(HttpMethod.POST, "/api/machines", admin, machine("lathe-serial", new JsonObject().put("kind", "tcp")
        .put("host", "127.0.0.1").put("port", deviceServer.getLocalPort()).put("bytesPerSecond", 800)), 201).await();
      call(HttpMethod.PUT, "/api/files/" + FILE + "/machines", pat,
        new JsonObject().put("machines", new JsonArray().add("lathe-serial")), 200).await();
      // Accepts every connection at once and notes when each opened and when its sender finished.
      List<long[]> connections = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
      Thread acceptor = new Thread(() -> {
        for (int i = 0; i < 2; i++) {
          try {
            Socket socket = deviceServer.accept();
            long opened = System.nanoTime();
            new Thread(() -> {
              try (socket; InputStream in = socket.getInputStream()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
                connections.add(new long[] {opened, System.nanoTime()});
              } catch (Exception e) {
                connections.add(new long[] {opened, -1});
              }
            }).start();
          } catch (Exception e) {
            return;
          }
        }
      });
      acceptor.start();

      String first = call(HttpMethod.POST, "/api/machines/lathe-serial/send", pat, new JsonObject().put("filename", FILE),
        202).await().getJsonObject("transfer").getString("id");
      String second = call(HttpMethod.POST, "/api/machines/lathe-serial/send", pat, new JsonObject().put("filename", FILE),
        202).await().getJsonObject("transfer").getString("id");
      Waiting.until(vertx, 30_000, "both transfers end", () ->
        call(HttpMethod.GET, "/api/transfers?machine=lathe-serial", vic, null, 200).map(page -> page.getJsonArray("transfers")
          .stream().map(t -> (JsonObject) t)
          .filter(t -> List.of(first, second).contains(t.getString("id")) && "succeeded".equals(t.getString("status")))
          .count() == 2)).await();
      acceptor.join(10_000);

      Waiting.until(vertx, 10_000, "both connections end", () -> Future.succeededFuture(connections.size() == 2)).await();
      List<long[]> sorted = connections.stream().sorted(java.util.Comparator.comparingLong(c -> c[0])).toList();
      assertThat(sorted.get(0)[1]).as("the first program was read to its end").isPositive();
      assertThat(sorted.get(1)[0]).as("the second connection opened after the first program ended")
        .isGreaterThanOrEqualTo(sorted.get(0)[1]);
    }
  }

  @Test
  void a_transfer_to_a_stopped_ftp_server_fails_with_its_reason_and_goes_through_once_it_is_up() throws Exception {
    FtpControl down = new FtpControl(Files.createTempDirectory("ncvault-ftp-down"));
    try {
      down.dir("prg");
      down.dir("out");
      call(HttpMethod.POST, "/api/machines", admin, machine("lathe", ftp().put("port", down.port)), 201).await();
      call(HttpMethod.PUT, "/api/files/" + FILE + "/machines", pat,
        new JsonObject().put("machines", new JsonArray().add("lathe")), 200).await();
      DeltaSocket live = DeltaSocket.connect(vertx, node.port(), vic, api.latestSeq(vic).await()).await();

      JsonObject failed = sendAndWait("lathe");

      assertThat(failed.getString("status")).isEqualTo("failed");
      assertThat(failed.getInteger("attempts")).isEqualTo(2);
      assertThat(failed.getString("reason")).contains("ConnectException");
      assertThat(failed.getLong("bytes")).isZero();
      assertThat(call(HttpMethod.GET, "/api/files/" + FILE, vic, null, 200).await().getString("lockedBy")).isNull();

      down.start();
      JsonObject sent = sendAndWait("lathe");

      assertThat(sent.getString("status")).isEqualTo("succeeded");
      assertThat(Files.readString(down.home.resolve("prg").resolve(FILE))).isEqualTo(PROGRAM);
      long last = api.latestSeq(vic).await();
      live.awaitActivity(last, 10);
      assertThat(live.messages().stream().map(JsonObject::encode).filter(m -> m.contains("transfer_")).toList())
        .as("the viewer's page sees each transfer start, retry and end").hasSizeGreaterThanOrEqualTo(5);
      live.close().await();
    } finally {
      down.close();
      TestNode.deleteTree(down.home);
    }
  }

  @Test
  void a_program_edited_at_the_control_waits_in_the_queue_until_an_approver_accepts_it_as_a_new_draft_revision()
    throws Exception {
    call(HttpMethod.POST, "/api/machines", admin, machine("returns", new JsonObject().put("kind", "folder")
      .put("path", shares.resolve("drop").toString()).put("inboxPath", shares.resolve("drop-out").toString())), 201)
      .await();
    Files.writeString(shares.resolve("drop-out").resolve("PROG1.TXT"), EDITED);
    JsonObject[] item = new JsonObject[1];
    Waiting.until(vertx, 20_000, "the program is in the import queue", () ->
      call(HttpMethod.GET, "/api/import-queue?pending=true", vic, null, 200).map(page -> {
        for (Object i : page.getJsonArray("items")) {
          if ("returns".equals(((JsonObject) i).getString("machine"))) {
            item[0] = (JsonObject) i;
            return true;
          }
        }
        return false;
      })).await();
    assertThat(item[0].getString("filename")).as("matched by its program number O5678").isEqualTo(RETURNING);
    assertThat(item[0].getString("name")).isEqualTo("PROG1.TXT");
    assertThat(shares.resolve("drop-out").resolve("PROG1.TXT")).doesNotExist();
    String before = call(HttpMethod.GET, "/api/files/" + RETURNING, vic, null, 200).await().getString("revision");
    String id = item[0].getString("id");

    assertThat(call(HttpMethod.GET, "/api/import-queue/" + id + "/diff", vic, null, 200).await().getString("diff"))
      .contains("+G1 X10 F250 (FEED FROM THE MILL)");
    call(HttpMethod.POST, "/api/import-queue/" + id + "/accept", pat, new JsonObject().put("message", "x"), 403).await();
    call(HttpMethod.POST, "/api/import-queue/" + id + "/accept", admin, new JsonObject(), 400).await();
    JsonObject accepted = call(HttpMethod.POST, "/api/import-queue/" + id + "/accept", quinn,
      new JsonObject().put("message", "feed raised at the mill"), 200).await();

    assertThat(accepted.getString("status")).isEqualTo("accepted");
    JsonObject file = call(HttpMethod.GET, "/api/files/" + RETURNING, vic, null, 200).await();
    assertThat(file.getString("revision")).isNotEqualTo(before).isEqualTo(accepted.getString("revision"));
    assertThat(file.getString("sha256")).isEqualTo(NodeApi.sha256(EDITED.getBytes(StandardCharsets.US_ASCII)));
    assertThat(file.getString("lockedBy")).isNull();
    assertThat(file.getString("state")).as("a program from a machine is a draft").isEqualTo("draft");
    assertThat(file.getString("releasedRevision")).as("the released revision stays").isEqualTo(before);
    assertThat(accepted.getString("decidedBy")).isEqualTo("quinn");
    call(HttpMethod.POST, "/api/import-queue/" + id + "/reject", quinn, new JsonObject(), 409).await();
    assertThat(errors.drain()).as("errors the node logged").isEmpty();
  }
}
