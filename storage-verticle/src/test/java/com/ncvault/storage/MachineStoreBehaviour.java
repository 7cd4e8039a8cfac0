package com.ncvault.storage;

import static com.ncvault.storage.StorageClient.assertError;
import static com.ncvault.storage.StorageClient.await;
import static com.ncvault.storage.StorageClient.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.EventTypes;
import com.ncvault.contract.MachineBinding;
import com.ncvault.contract.MachineStore;
import com.ncvault.contract.MachineStore.Assignment;
import com.ncvault.contract.MachineStore.ImportArrival;
import com.ncvault.contract.MachineStore.ImportDecision;
import com.ncvault.contract.MachineStore.ImportItem;
import com.ncvault.contract.MachineStore.ImportQuery;
import com.ncvault.contract.MachineStore.Machine;
import com.ncvault.contract.MachineStore.MachineAction;
import com.ncvault.contract.MachineStore.MachineChange;
import com.ncvault.contract.MachineStore.SendRequest;
import com.ncvault.contract.MachineStore.TransferJob;
import com.ncvault.contract.MachineStore.TransferOutcome;
import com.ncvault.contract.MachineStore.TransferQuery;
import com.ncvault.contract.MachineStore.TransferRecord;
import com.ncvault.contract.StorageActions;
import com.ncvault.contract.StorageApi;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Machines, assignments, the transfer log and the import queue, on each database. */
abstract class MachineStoreBehaviour extends StorageTestBase {

  MachineStore machines;
  Path shares;

  @BeforeEach
  void machineStore() throws IOException {
    shares = Files.createDirectories(dataDir.resolve("shares"));
    machines = MachineBinding.proxy(vertx);
    createUser("bob", "programmer");
  }

  @Override
  JsonObject config(JsonObject extra) {
    return super.config(extra).put(ConfigKeys.MACHINE_FOLDER_ROOTS, new JsonArray().add(dataDir.resolve("shares")
      .toString()));
  }

  private static JsonObject ftp(String password) {
    JsonObject t = new JsonObject().put("kind", "ftp").put("host", "10.0.0.7").put("port", 2121).put("user", "cnc");
    return password == null ? t : t.put("password", password);
  }

  /** Draft to review to released, signed with the admin's password. */
  private void release(String filename) {
    storage.call(StorageActions.FILES_TRANSITION, new JsonObject().put("filename", filename).put("user", "bob")
      .put("to", "review").put("comment", "ready"));
    JsonObject released = storage.call(StorageActions.FILES_TRANSITION, new JsonObject().put("filename", filename)
      .put("user", ADMIN).put("to", "released").put("comment", "signed").put("password", ADMIN_PASSWORD));
    assertThat(released.getString("state")).isEqualTo("released");
  }

  private Machine register(String name, JsonObject transport) {
    return await(machines.createMachine(new MachineChange(name, "Mills", "Fanuc 0i", null, transport, ADMIN)));
  }

  @Test
  void an_admin_registers_machines_and_nobody_sees_an_ftp_password_again() throws IOException {
    register("Mill 1", ftp("spindle-secret"));
    register("lathe", new JsonObject().put("kind", "folder").put("path", shares + "/lathe/../lathe2"));
    register("haas", new JsonObject().put("kind", "tcp").put("host", "127.0.0.1").put("port", 4001)
      .put("bytesPerSecond", 960));

    List<Machine> list = await(machines.listMachines());

    assertThat(list).extracting(Machine::name).containsExactly("Mill 1", "haas", "lathe");
    JsonObject mill = list.get(0).transport();
    assertThat(mill.getBoolean("passwordSet")).isTrue();
    assertThat(mill.encode()).doesNotContain("spindle-secret").doesNotContain("password\"");
    assertThat(list.get(2).transport().getString("path")).isEqualTo(shares.resolve("lathe2").toString());
    assertThat(await(machines.targets())).filteredOn(t -> t.name().equals("Mill 1")).singleElement()
      .extracting(t -> t.transport().getString("password")).isEqualTo("spindle-secret");
    Path key = dataDir.resolve(NodeKey.FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(Files.readString(key)).doesNotContain("spindle-secret");
  }

  @Test
  void bad_machines_are_refused_with_a_reason_and_change_nothing() {
    long before = latestSeq();
    assertError(failure(machines.createMachine(new MachineChange("m", "", "", null, new JsonObject().put("kind", "serial"),
      ADMIN)), "unknown kind"), 400, "validation_failed");
    assertError(failure(machines.createMachine(new MachineChange("m", "", "", null, new JsonObject().put("kind", "folder")
      .put("path", "/etc"), ADMIN)), "outside"), 400, "validation_failed");
    assertError(failure(machines.createMachine(new MachineChange("m", "", "", null, new JsonObject().put("kind", "folder")
      .put("path", shares + "/../../etc"), ADMIN)), "dot-dot"), 400, "validation_failed");
    assertError(failure(machines.createMachine(new MachineChange("m", "", "", null, ftp(null).put("port", 70000), ADMIN)),
      "port"), 400, "validation_failed");
    assertError(failure(machines.createMachine(new MachineChange("m", "", "", null, ftp(null).put("port", "21"), ADMIN)),
      "port as text"), 400, "validation_failed");
    assertError(failure(machines.createMachine(new MachineChange("m", "", "", null, ftp(null).put("shell", "x"), ADMIN)),
      "unknown field"), 400, "validation_failed");
    assertError(failure(machines.createMachine(new MachineChange("../m", "", "", null, ftp(null), ADMIN)), "name"),
      400, "validation_failed");
    assertError(failure(machines.createMachine(new MachineChange("m", "", "", null, ftp(null), "bob")), "programmer"),
      403, "forbidden");
    register("Mill", ftp(null));
    assertError(failure(machines.createMachine(new MachineChange("MILL", "", "", null, ftp(null), ADMIN)), "same name"),
      409, "already_exists");

    assertThat(await(machines.listMachines())).extracting(Machine::name).containsExactly("Mill");
    assertThat(latestSeq()).isEqualTo(before + 1);
  }

  @Test
  void a_changed_transport_keeps_the_password_unless_a_new_one_is_given_and_a_deleted_machine_is_gone() {
    register("mill", ftp("first"));

    await(machines.updateMachine(new MachineChange("mill", null, "Fanuc 31i", null, ftp(null).put("directory", "PRG"), ADMIN)));
    assertThat(await(machines.targets()).get(0).transport().getString("password")).isEqualTo("first");
    Machine placed = await(machines.updateMachine(new MachineChange("mill", null, null, "plant-b", null, ADMIN)));
    assertThat(placed.node()).isEqualTo("plant-b");
    assertThat(await(machines.targets()).get(0).node()).isEqualTo("plant-b");
    Machine changed = await(machines.updateMachine(new MachineChange("mill", "Cell 2", null, null, ftp("second"), ADMIN)));
    assertThat(changed.group()).isEqualTo("Cell 2");
    assertThat(changed.controller()).isEqualTo("Fanuc 31i");
    assertThat(changed.node()).as("kept").isEqualTo("plant-b");
    assertThat(await(machines.targets()).get(0).transport().getString("password")).isEqualTo("second");

    assertError(failure(machines.updateMachine(new MachineChange("nope", null, null, null, null, ADMIN)), "unknown"),
      404, "not_found");
    await(machines.deleteMachine(new MachineAction("mill", ADMIN)));
    assertThat(await(machines.listMachines())).isEmpty();
  }

  @Test
  void a_file_goes_only_to_its_machines_and_every_transfer_is_logged_with_revision_and_sha256() {
    register("mill", ftp("pw"));
    register("lathe", ftp(null));
    create("O1000.nc", "%\nO1000\nM30\n%\n", "bob");
    checkout("O1000.nc", "bob");
    JsonObject rev = checkin("O1000.nc", "bob", "%\nO1000\nG0 X1\nM30\n%\n", "moved");

    assertError(failure(machines.startTransfer(new SendRequest("mill", "O1000.nc", "bob", "n1")), "unassigned"),
      409, "not_assigned");
    assertError(failure(machines.assignMachines(new Assignment("O1000.nc", List.of("mill", "ghost"), "bob")),
      "unknown machine"), 404, "not_found");
    assertThat(await(machines.assignMachines(new Assignment("O1000.nc", List.of("mill", "mill"), "bob"))).machines())
      .containsExactly("mill");
    assertError(failure(machines.startTransfer(new SendRequest("mill", "O1000.nc", "bob", "n1")), "a draft"),
      409, "not_released");
    assertThat(await(machines.listTransfers(new TransferQuery(10, null, null)))).as("a refusal logs nothing").isEmpty();
    release("O1000.nc");
    checkout("O1000.nc", "bob");
    JsonObject draft = checkin("O1000.nc", "bob", "%\nO1000\nG0 X2\nM30\n%\n", "a draft after the release");
    assertThat(draft.getString("revision")).isNotEqualTo(rev.getString("revision"));
    long before = latestSeq();

    TransferJob job = await(machines.startTransfer(new SendRequest("mill", "O1000.nc", "bob", "n1")));
    assertThat(job.transfer().revision()).isEqualTo(rev.getString("revision"));
    assertThat(job.transfer().sha256()).isEqualTo(rev.getString("sha256"));
    assertThat(job.transfer().status()).isEqualTo("running");
    assertThat(job.transport().getString("password")).isEqualTo("pw");
    await(machines.transferAttempt(new MachineStore.TransferAttempt(job.transfer().id(), 2, "Connection refused")));
    TransferRecord done = await(machines.finishTransfer(new TransferOutcome(job.transfer().id(), false, 0, null, false,
      2, "ConnectException: Connection refused")));

    assertThat(done.status()).isEqualTo("failed");
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(done.reason()).contains("Connection refused");
    assertThat(done.finishedAt()).isNotNull();
    assertError(failure(machines.finishTransfer(new TransferOutcome(job.transfer().id(), true, 1, null, true, 1, null)),
      "twice"), 409, "conflict");
    assertThat(await(machines.listTransfers(new TransferQuery(10, null, null))))
      .singleElement().satisfies(t -> {
        assertThat(t.user()).isEqualTo("bob");
        assertThat(t.machine()).isEqualTo("mill");
        assertThat(t.status()).isEqualTo("failed");
      });
    List<String> types = await(storage.api().eventsSince(new StorageApi.EventsQuery(before, 10, false))).events()
      .stream().map(e -> e.type()).toList();
    assertThat(types).containsExactly(EventTypes.TRANSFER_STARTED, EventTypes.TRANSFER_ATTEMPT,
      EventTypes.TRANSFER_FINISHED);
    assertThat(await(storage.api().eventsSince(new StorageApi.EventsQuery(before, 10, false))).events().toString())
      .doesNotContain("\"pw\"");

    TransferJob cut = await(machines.startTransfer(new SendRequest("mill", "O1000.nc", "bob", "n2")));
    TransferJob elsewhere = await(machines.startTransfer(new SendRequest("mill", "O1000.nc", "bob", "n3")));
    assertThat(await(machines.abandonTransfers("n2"))).as("n2 restarted").isEqualTo(1);
    assertThat(await(machines.listTransfers(new TransferQuery(10, "mill", "O1000.nc"))))
      .filteredOn(t -> t.id().equals(cut.transfer().id())).singleElement()
      .satisfies(t -> assertThat(t.reason()).contains("node stopped"));
    assertThat(await(machines.listTransfers(new TransferQuery(10, null, null))))
      .filteredOn(t -> t.id().equals(elsewhere.transfer().id())).singleElement()
      .extracting(TransferRecord::status).isEqualTo("running");

    List<StorageApi.AuditEntry> audit = await(storage.api().audit(new StorageApi.AuditQuery(0, Long.MAX_VALUE, ADMIN,
      null))).entries();
    assertThat(audit).as("the audit trail holds the transfers beside the release").filteredOn(e -> "transfer".equals(e.type()))
      .hasSize(3).filteredOn(e -> e.comment() != null && e.comment().contains("Connection refused"))
      .singleElement().satisfies(e -> {
        assertThat(e.filename()).isEqualTo("O1000.nc");
        assertThat(e.revision()).isEqualTo(rev.getString("revision"));
        assertThat(e.sha256()).isEqualTo(rev.getString("sha256"));
        assertThat(e.user()).isEqualTo("bob");
        assertThat(e.machine()).isEqualTo("mill");
        assertThat(e.at()).isEqualTo(done.startedAt());
        assertThat(e.end()).isEqualTo(done.finishedAt());
        assertThat(e.bytes()).isZero();
        assertThat(e.result()).isEqualTo("failed");
        assertThat(e.comment()).contains("Connection refused");
      });
    assertThat(audit).filteredOn(e -> "transition".equals(e.type()) && e.signed()).singleElement()
      .satisfies(e -> assertThat(e.machine()).isNull());
  }

  @Test
  void a_program_from_a_machine_waits_in_the_queue_and_becomes_a_draft_revision_only_when_accepted() {
    register("mill", ftp(null));
    createUser("quinn", "approver");
    create("O2000.nc", "%\nO2000\nM30\n%\n", "bob");
    release("O2000.nc");
    byte[] edited = "%\nO2000\nG0 X5 (EDITED AT THE CONTROL)\nM30\n%\n".getBytes(StandardCharsets.US_ASCII);

    ImportItem item = await(machines.receiveImport(new ImportArrival("mill", "O2000", edited, "O2000.nc")));
    ImportItem other = await(machines.receiveImport(new ImportArrival("mill", null, "O9\nM30\n".getBytes(
      StandardCharsets.US_ASCII), null)));
    ImportItem byNumber = await(machines.receiveImport(new ImportArrival("mill", null, edited, null)));
    assertThat(byNumber.filename()).as("matched by its program number O2000").isEqualTo("O2000.nc");
    assertThat(other.filename()).isNull();
    await(machines.decideImport(new ImportDecision(byNumber.id(), false, "a duplicate", null, ADMIN)));
    assertThat(await(machines.importQueue(new ImportQuery(10, true)))).extracting(ImportItem::id)
      .containsExactlyInAnyOrder(item.id(), other.id());
    assertThat(await(machines.importContent(item.id())).content()).isEqualTo(edited);
    assertThat(await(storage.api().getFile("O2000.nc")).revision()).isEqualTo("1.0");
    StorageApi.Diff diff = await(machines.importDiff(new MachineStore.ImportCompare(item.id(), null)));
    assertThat(diff.from()).isEqualTo("1.0");
    assertThat(diff.diff()).contains("+G0 X5 (EDITED AT THE CONTROL)");
    assertError(failure(machines.importDiff(new MachineStore.ImportCompare(other.id(), null)), "no file"),
      400, "validation_failed");

    checkout("O2000.nc", "bob");
    assertError(failure(machines.decideImport(new ImportDecision(item.id(), true, "from the mill", null, ADMIN)),
      "locked by bob"), 409, "file_locked");
    cancel("O2000.nc", "bob");
    assertError(failure(machines.decideImport(new ImportDecision(item.id(), true, "from the mill", null, "bob")),
      "not an approver"), 403, "forbidden");
    assertError(failure(machines.decideImport(new ImportDecision(other.id(), true, "which file?", null, ADMIN)),
      "no file"), 400, "validation_failed");

    ImportItem accepted = await(machines.decideImport(new ImportDecision(item.id(), true, "feed changed at the mill",
      null, "quinn")));
    ImportItem rejected = await(machines.decideImport(new ImportDecision(other.id(), false, null, null, ADMIN)));

    assertThat(accepted.status()).isEqualTo("accepted");
    assertThat(accepted.revision()).isEqualTo("1.1");
    assertThat(rejected.status()).isEqualTo("rejected");
    var file = await(storage.api().getFile("O2000.nc"));
    assertThat(file.revision()).isEqualTo("1.1");
    assertThat(file.lockedBy()).isNull();
    assertThat(file.sha256()).isEqualTo(BlobStore.sha256(edited));
    assertThat(file.state()).as("an accepted program is a draft").isEqualTo("draft");
    assertThat(file.releasedRevision()).as("the released revision stays").isEqualTo("1.0");
    assertThat(accepted.decidedBy()).as("an approver decides").isEqualTo("quinn");
    assertThat(await(storage.api().history(new StorageApi.HistoryQuery("O2000.nc", false))).revisions().get(0)
      .message()).isEqualTo("feed changed at the mill");
    assertError(failure(machines.decideImport(new ImportDecision(item.id(), false, null, null, ADMIN)), "decided"),
      409, "conflict");
    assertThat(await(machines.importQueue(new ImportQuery(10, true)))).isEmpty();
  }
}
