package com.ncvault.api;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.MachineStore;
import com.ncvault.contract.MachineStore.Assignment;
import com.ncvault.contract.MachineStore.ImportDecision;
import com.ncvault.contract.MachineStore.ImportQuery;
import com.ncvault.contract.MachineStore.MachineAction;
import com.ncvault.contract.MachineStore.MachineChange;
import com.ncvault.contract.MachineStore.SendRequest;
import com.ncvault.contract.MachineStore.TransferQuery;
import com.ncvault.contract.MachineStore.TransferRecord;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageBinding;
import com.ncvault.contract.StorageLimits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Machines (admin), which files go to which machine, sending a file, the transfer log and the
 * import queue (docs/machines.md). Storage keeps the records; a send goes to this node's
 * machine-verticle, which answers once the transfer is recorded.
 */
final class MachineRoutes {

  static final int MAX_NAME = 64;
  static final int MAX_LABEL = 100;
  static final int MAX_MESSAGE = 2000;
  static final long SEND_TIMEOUT_MS = 30_000;

  private final Vertx vertx;
  private final MachineStore machines;

  MachineRoutes(Vertx vertx, MachineStore machines) {
    this.vertx = vertx;
    this.machines = machines;
  }

  void list(RoutingContext ctx) {
    machines.listMachines()
      .onSuccess(list -> Replies.json(ctx, Map.of("machines", list)))
      .onFailure(ctx::fail);
  }

  /** {name, group?, controller?, transport: {kind, ...}} -> 201 with the machine (no password). */
  void create(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    MachineChange change = new MachineChange(Input.requiredString(body, "name", MAX_NAME),
      Input.optionalString(body, "group", MAX_LABEL), Input.optionalString(body, "controller", MAX_LABEL),
      Input.optionalString(body, "node", MAX_LABEL), transport(body, true), ApiRouter.user(ctx).username());
    machines.createMachine(change)
      .onSuccess(machine -> Replies.json(ctx, 201, machine))
      .onFailure(ctx::fail);
  }

  /** {group?, controller?, transport?}: what is left out stays; the name cannot change. */
  void update(RoutingContext ctx) {
    String name = ctx.pathParam("machine");
    JsonObject body = Input.jsonBody(ctx);
    String renamed = Input.optionalString(body, "name", MAX_NAME);
    if (renamed != null && !renamed.equals(name)) {
      throw Input.invalid("name", "cannot change; register a new machine instead");
    }
    MachineChange change = new MachineChange(name, Input.optionalString(body, "group", MAX_LABEL),
      Input.optionalString(body, "controller", MAX_LABEL), Input.optionalString(body, "node", MAX_LABEL),
      transport(body, false), ApiRouter.user(ctx).username());
    machines.updateMachine(change)
      .onSuccess(machine -> Replies.json(ctx, machine))
      .onFailure(ctx::fail);
  }

  void delete(RoutingContext ctx) {
    machines.deleteMachine(new MachineAction(ctx.pathParam("machine"), ApiRouter.user(ctx).username()))
      .onSuccess(v -> Replies.noContent(ctx))
      .onFailure(ctx::fail);
  }

  /** The machines a file may be sent to. */
  void fileMachines(RoutingContext ctx) {
    machines.fileMachines(StorageLimits.filename(ctx.pathParam("filename")))
      .onSuccess(assigned -> Replies.json(ctx, assigned))
      .onFailure(ctx::fail);
  }

  /** {machines: [names]} replaces the machines a file may be sent to. */
  void assign(RoutingContext ctx) {
    String filename = StorageLimits.filename(ctx.pathParam("filename"));
    Object value = Input.jsonBody(ctx).getValue("machines");
    if (!(value instanceof JsonArray array)) {
      throw Input.invalid("machines", "is required: a list of machine names");
    }
    List<String> names = new ArrayList<>();
    for (Object name : array) {
      if (!(name instanceof String text) || text.isEmpty() || text.length() > MAX_NAME) {
        throw Input.invalid("machines", "holds machine names (text of 1 to " + MAX_NAME + " characters)");
      }
      names.add(text);
    }
    machines.assignMachines(new Assignment(filename, names, ApiRouter.user(ctx).username()))
      .onSuccess(assigned -> Replies.json(ctx, assigned))
      .onFailure(ctx::fail);
  }

  /** {filename} -> 202 with the transfer; its progress and result come as events. */
  void send(RoutingContext ctx) {
    String machine = ctx.pathParam("machine");
    String filename = StorageLimits.filename(Input.requiredString(Input.jsonBody(ctx), "filename", 1000));
    SendRequest request = new SendRequest(machine, filename, ApiRouter.user(ctx).username(), null);
    DeliveryOptions options = new DeliveryOptions().setCodecName(StorageBinding.LOCAL_CODEC)
      .setSendTimeout(SEND_TIMEOUT_MS);
    vertx.eventBus().<TransferRecord>request(Addresses.MACHINE_LINK, request, options)
      .transform(done -> done.succeeded() ? Future.succeededFuture(done.result().body())
        : Future.<TransferRecord>failedFuture(done.cause() instanceof ReplyException r
          && r.failureType() == ReplyFailure.NO_HANDLERS
          ? new PdmError(ErrorCode.UNAVAILABLE, "This node sends to no machine") : PdmError.from(done.cause())))
      .onSuccess(transfer -> Replies.json(ctx, 202, Map.of("transfer", transfer)))
      .onFailure(ctx::fail);
  }

  /** ?machine=&filename=&limit= (newest first, at most 500). */
  void transfers(RoutingContext ctx) {
    TransferQuery query = new TransferQuery(Input.queryInt(ctx, "limit", 100, 1, 500),
      Input.queryString(ctx, "machine", MAX_NAME), Input.queryString(ctx, "filename", 1000));
    machines.listTransfers(query)
      .onSuccess(list -> Replies.json(ctx, Map.of("transfers", list)))
      .onFailure(ctx::fail);
  }

  /** ?pending=true for the undecided ones only. */
  void importQueue(RoutingContext ctx) {
    String pending = ctx.request().getParam("pending");
    ImportQuery query = new ImportQuery(Input.queryInt(ctx, "limit", 100, 1, 500),
      pending != null && Input.formBoolean(pending, "pending"));
    machines.importQueue(query)
      .onSuccess(items -> Replies.json(ctx, Map.of("items", items)))
      .onFailure(ctx::fail);
  }

  /** ?filename= for a program that matched no file: the program against the file's current revision. */
  void importDiff(RoutingContext ctx) {
    String filename = Input.queryString(ctx, "filename", 1000);
    machines.importDiff(new MachineStore.ImportCompare(ctx.pathParam("id"),
        filename == null ? null : StorageLimits.filename(filename)))
      .onSuccess(diff -> Replies.json(ctx, diff))
      .onFailure(ctx::fail);
  }

  /** {message, filename?}: a new revision of the file through the normal check-in. */
  void accept(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    String message = Input.requiredString(body, "message", MAX_MESSAGE);
    String filename = Input.optionalString(body, "filename", 1000);
    decide(ctx, new ImportDecision(ctx.pathParam("id"), true, message,
      filename == null ? null : StorageLimits.filename(filename), ApiRouter.user(ctx).username()));
  }

  /** {message?} */
  void reject(RoutingContext ctx) {
    String message = Input.optionalString(Input.jsonBody(ctx), "message", MAX_MESSAGE);
    decide(ctx, new ImportDecision(ctx.pathParam("id"), false, message, null, ApiRouter.user(ctx).username()));
  }

  private void decide(RoutingContext ctx, ImportDecision decision) {
    machines.decideImport(decision)
      .onSuccess(item -> Replies.json(ctx, item))
      .onFailure(ctx::fail);
  }

  private static JsonObject transport(JsonObject body, boolean required) {
    Object value = body.getValue("transport");
    if (value == null && !required) {
      return null;
    }
    if (!(value instanceof JsonObject transport)) {
      throw Input.invalid("transport", "is required: an object {kind: folder|ftp|tcp, ...}");
    }
    return transport;
  }
}
