package com.ncvault.api;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.MachineBinding;
import com.ncvault.contract.MachineStore;
import com.ncvault.contract.StorageBinding;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The machines as the api sees them, without a database or a machine: every request is granted
 * with a plausible answer (storage's own rules are tested in storage-verticle), so route tests see
 * what the api itself does. Also answers sends on {@link Addresses#MACHINE_LINK}.
 */
final class FakeMachines implements MachineStore {
  static final String NOW = "2026-01-01T00:00:00Z";

  static Future<Void> bind(Vertx vertx) {
    FakeMachines fake = new FakeMachines();
    Future<Void> store = MachineBinding.bind(vertx, fake).completion();
    Future<Void> link = vertx.eventBus().localConsumer(Addresses.MACHINE_LINK, message -> {
      SendRequest r = (SendRequest) message.body();
      message.reply(fake.transfer(r.machine(), r.filename(), r.user()),
        new DeliveryOptions().setCodecName(StorageBinding.LOCAL_CODEC));
    }).completion();
    return Future.all(store, link).mapEmpty();
  }

  private TransferRecord transfer(String machine, String filename, String user) {
    return new TransferRecord("t-1", machine, filename, "1.0", "0".repeat(64), user, "test-node", "running", 0, 0,
      false, NOW, null, null);
  }

  private static Machine machine(String name) {
    return new Machine(name, "", "", "", new JsonObject().put("kind", "tcp").put("host", "127.0.0.1").put("port", 4001),
      NOW, NOW);
  }

  private static ImportItem item(String id, String status) {
    return new ImportItem(id, "mill", NOW, "O1.nc", "O1.nc", 3, "0".repeat(64), status, null, null, null, null);
  }

  @Override
  public Future<List<Machine>> listMachines() {
    return Future.succeededFuture(List.of(machine("mill")));
  }

  @Override
  public Future<Machine> createMachine(MachineChange request) {
    return Future.succeededFuture(machine(request.name()));
  }

  @Override
  public Future<Machine> updateMachine(MachineChange request) {
    return Future.succeededFuture(machine(request.name()));
  }

  @Override
  public Future<Void> deleteMachine(MachineAction request) {
    return Future.succeededFuture();
  }

  @Override
  public Future<FileMachines> assignMachines(Assignment request) {
    return Future.succeededFuture(new FileMachines(request.filename(), request.machines()));
  }

  @Override
  public Future<FileMachines> fileMachines(String filename) {
    return Future.succeededFuture(new FileMachines(filename, List.of()));
  }

  @Override
  public Future<List<TransferRecord>> listTransfers(TransferQuery query) {
    return Future.succeededFuture(List.of());
  }

  @Override
  public Future<List<ImportItem>> importQueue(ImportQuery query) {
    return Future.succeededFuture(List.of(item("i-1", "pending")));
  }

  @Override
  public Future<ImportContent> importContent(String id) {
    return Future.succeededFuture(new ImportContent(item(id, "pending"), new byte[] {'M', '3', '0'}));
  }

  @Override
  public Future<com.ncvault.contract.StorageApi.Diff> importDiff(ImportCompare query) {
    return Future.succeededFuture(new com.ncvault.contract.StorageApi.Diff("O1.nc", "1.0", "machine", ""));
  }

  @Override
  public Future<TransferJob> startTransfer(SendRequest request) {
    return Future.succeededFuture(new TransferJob(transfer(request.machine(), request.filename(), request.user()),
      new JsonObject()));
  }

  @Override
  public Future<Void> transferAttempt(TransferAttempt attempt) {
    return Future.succeededFuture();
  }

  @Override
  public Future<TransferRecord> finishTransfer(TransferOutcome outcome) {
    return Future.succeededFuture(transfer("mill", "O1.nc", "paul"));
  }

  @Override
  public Future<Integer> abandonTransfers(String node) {
    return Future.succeededFuture(0);
  }

  @Override
  public Future<ImportItem> receiveImport(ImportArrival arrival) {
    return Future.succeededFuture(item("i-2", "pending"));
  }

  @Override
  public Future<ImportItem> decideImport(ImportDecision decision) {
    return Future.succeededFuture(item(decision.id(), decision.accept() ? "accepted" : "rejected"));
  }

  @Override
  public Future<List<MachineTarget>> targets() {
    return Future.succeededFuture(List.of());
  }
}
