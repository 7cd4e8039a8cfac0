package com.ncvault.machines;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.BlobLocation;
import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.MachineBinding;
import com.ncvault.contract.MachineStore;
import com.ncvault.contract.MachineStore.ImportArrival;
import com.ncvault.contract.MachineStore.MachineTarget;
import com.ncvault.contract.MachineStore.SendRequest;
import com.ncvault.contract.MachineStore.TransferJob;
import com.ncvault.contract.MachineStore.TransferRecord;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageBinding;
import com.ncvault.machine.Inbox;
import com.ncvault.machine.RetryPolicy;
import com.ncvault.machine.TcpReceiver;
import com.ncvault.machine.Transfer;
import com.ncvault.machine.TransferResult;
import com.ncvault.machine.Transport;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transfers to machines and programs coming back, on this node. A send is recorded by storage
 * first (which refuses an unassigned file), answered at once, then run on this verticle's own
 * worker pool with retries; progress and result are domain events that storage appends. Inboxes
 * (folders, FTP directories) are polled on the same pool; TCP machines with a {@code receivePort}
 * get a receiver thread of their own. Talks to storage only through the contract.
 */
public class MachineVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MachineVerticle.class);
  /** Transfers and polls at once; a machine shop sends a few programs at a time, each slow. */
  static final int WORKERS = 4;
  static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);
  static final Duration RECEIVE_IDLE = Duration.ofSeconds(10);
  static final long FORWARD_TIMEOUT_MS = 30_000;

  private MachineStore store;
  private StorageApi storage;
  private Transports transports;
  private RetryPolicy retries;
  private WorkerExecutor workers;
  private MessageConsumer<Object> consumer;
  private MessageConsumer<JsonObject> forwarded;
  private String node;
  private String receiveHost;
  private long pollTimer = -1;
  private boolean polling;
  private final Map<String, TcpReceiver> receivers = new HashMap<>();
  /** The last transfer queued per machine: a control (a serial line above all) takes one program at a time. */
  private final Map<String, Future<?>> lastByMachine = new HashMap<>();

  @Override
  public Future<?> start() {
    JsonObject config = ConfigKeys.defaults().mergeIn(config());
    StorageBinding.registerCodec(vertx.eventBus());
    store = MachineBinding.proxy(vertx);
    storage = StorageBinding.proxy(vertx);
    JsonArray roots = config.getJsonArray(ConfigKeys.MACHINE_FOLDER_ROOTS, new JsonArray());
    transports = new Transports(roots.stream().map(String::valueOf).toList());
    int attempts = Math.max(1, Math.min(RetryPolicy.MAX_ATTEMPTS, config.getInteger(ConfigKeys.MACHINE_TRANSFER_ATTEMPTS)));
    Duration first = Duration.ofMillis(Math.max(0, config.getLong(ConfigKeys.MACHINE_RETRY_FIRST_MS)));
    retries = new RetryPolicy(attempts, first, first.compareTo(MAX_RETRY_DELAY) > 0 ? first : MAX_RETRY_DELAY);
    node = config.getString(ConfigKeys.NODE_NAME, "").strip();
    if (node.isBlank()) {
      node = "node-" + config.getInteger(ConfigKeys.HTTP_PORT);
    }
    receiveHost = config.getString(ConfigKeys.HTTP_HOST, "0.0.0.0");
    workers = vertx.createSharedWorkerExecutor("pdm-machine-" + node, WORKERS, 10, TimeUnit.MINUTES);
    // Before any send of this start is taken: what is running under this node's name was left by its last run.
    return store.abandonTransfers(node)
      .onSuccess(n -> {
        if (n > 0) {
          LOG.warn("{} transfer(s) this node left running when it stopped are marked failed", n);
        }
      })
      .<Void>mapEmpty()
      .recover(e -> {
        LOG.warn("Transfers left running by this node could not be ended: {}", e.getMessage());
        return Future.succeededFuture();
      })
      .compose(v -> {
        consumer = vertx.eventBus().localConsumer(Addresses.MACHINE_LINK, this::onSend);
        // One consumer per node (not per machine or browser) for the sends other nodes hand over.
        forwarded = vertx.eventBus().consumer(Addresses.MACHINE_LINK_NODE_PREFIX + node, this::onForwarded);
        long pollSeconds = config.getLong(ConfigKeys.MACHINE_POLL_SECONDS);
        if (pollSeconds > 0) {
          pollTimer = vertx.setPeriodic(1_000, pollSeconds * 1_000, id -> poll());
        }
        return Future.all(consumer.completion(), forwarded.completion()).mapEmpty();
      });
  }

  @Override
  public Future<?> stop() {
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
    List<TcpReceiver> open = List.copyOf(receivers.values());
    receivers.clear();
    return Future.join(consumer == null ? Future.<Void>succeededFuture() : consumer.unregister(),
        forwarded == null ? Future.<Void>succeededFuture() : forwarded.unregister())
      .eventually(() -> workers.executeBlocking(() -> {
        for (TcpReceiver receiver : open) {
          receiver.close();
        }
        return null;
      }, false))
      .eventually(() -> workers.close());
  }

  private void onSend(Message<Object> message) {
    Future<TransferRecord> outcome = message.body() instanceof SendRequest request ? send(request)
      : Future.failedFuture(new PdmError(ErrorCode.BAD_REQUEST, "Wrong request for a send"));
    outcome.onComplete(done -> {
      if (done.succeeded()) {
        message.reply(done.result(), new DeliveryOptions().setCodecName(StorageBinding.LOCAL_CODEC));
      } else {
        PdmError error = PdmError.from(done.cause());
        message.fail(error.code().status(), error.toJson().encode());
      }
    });
  }

  /** A send another node handed over: this node is the machine's. */
  private void onForwarded(Message<JsonObject> message) {
    JsonObject body = message.body() == null ? new JsonObject() : message.body();
    sendHere(new SendRequest(body.getString("machine"), body.getString("filename"), body.getString("user"), node))
      .onComplete(done -> {
        if (done.succeeded()) {
          message.reply(JsonObject.mapFrom(done.result()));
        } else {
          PdmError error = PdmError.from(done.cause());
          message.fail(error.code().status(), error.toJson().encode());
        }
      });
  }

  /**
   * A machine configured to another node is sent to from there (its folder, network and key are
   * there); any other here.
   */
  Future<TransferRecord> send(SendRequest request) {
    return store.listMachines().compose(machines -> {
      String owner = machines.stream().filter(m -> m.name().equals(request.machine())).map(MachineStore.Machine::node)
        .findFirst().orElse("");
      if (owner == null || owner.isBlank() || owner.equals(node)) {
        return sendHere(request);
      }
      JsonObject body = new JsonObject().put("machine", request.machine()).put("filename", request.filename())
        .put("user", request.user());
      return vertx.eventBus().<JsonObject>request(Addresses.MACHINE_LINK_NODE_PREFIX + owner, body,
          new DeliveryOptions().setSendTimeout(FORWARD_TIMEOUT_MS))
        .map(reply -> reply.body().mapTo(TransferRecord.class))
        .recover(e -> Future.failedFuture(e instanceof io.vertx.core.eventbus.ReplyException r
          && r.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS
          ? new PdmError(ErrorCode.UNAVAILABLE, "Node " + owner + ", which sends to machine " + request.machine()
            + ", is not running", new JsonObject().put("node", owner))
          : PdmError.from(e)));
    });
  }

  /** Records the transfer (storage refuses what may not be sent), answers, then sends on a worker. */
  private Future<TransferRecord> sendHere(SendRequest request) {
    SendRequest here = new SendRequest(request.machine(), request.filename(), request.user(), node);
    return store.startTransfer(here).map(job -> {
      run(job);
      return job.transfer();
    });
  }

  /** Queues the transfer behind the machine's previous one, then sends on a worker. */
  private void run(TransferJob job) {
    TransferRecord t = job.transfer();
    Future<?> previous = lastByMachine.getOrDefault(t.machine(), Future.succeededFuture());
    Future<?> mine = previous.transform(ignored -> storage.content(new StorageApi.ContentQuery(t.filename(), t.revision()))
      .compose(location -> workers.executeBlocking(() -> transfer(job, location), false))
      .recover(e -> Future.succeededFuture(new TransferResult(0, t.sha256(), false, java.time.Instant.now(),
        java.time.Instant.now(), TransferResult.Outcome.FAILED, 0, "the revision's content cannot be read here: "
        + PdmError.from(e).getMessage())))
      .compose(result -> store.finishTransfer(new MachineStore.TransferOutcome(t.id(), result.succeeded(),
        result.bytes(), result.succeeded() ? result.sha256() : null, result.verified(), result.attempts(),
        result.reason())))
      .onFailure(e -> LOG.warn("Transfer {} of {} to {}: the result could not be recorded ({})", t.id(), t.filename(),
        t.machine(), e.getMessage())));
    lastByMachine.put(t.machine(), mine);
    mine.onComplete(done -> lastByMachine.remove(t.machine(), mine));
  }

  /** Blocking, on a worker. */
  private TransferResult transfer(TransferJob job, BlobLocation location) throws Exception {
    TransferRecord t = job.transfer();
    byte[] content = Files.readAllBytes(Path.of(location.path()));
    Transport transport;
    try {
      transport = transports.sender(job.transport());
    } catch (IllegalArgumentException e) {
      java.time.Instant now = java.time.Instant.now();
      return new TransferResult(0, t.sha256(), false, now, now, TransferResult.Outcome.FAILED, 0, e.getMessage());
    }
    String name = Path.of(t.filename()).getFileName().toString();
    return new Transfer(retries).run(transport, name, content, (attempt, lastFailure) ->
      store.transferAttempt(new MachineStore.TransferAttempt(t.id(), attempt, lastFailure)));
  }

  /** One round over the machines: inboxes polled on the workers, TCP receivers opened or closed. */
  private void poll() {
    if (polling) {
      return;
    }
    polling = true;
    store.targets()
      .map(all -> all.stream().filter(t -> t.node() == null || t.node().isBlank() || t.node().equals(node)).toList())
      .compose(targets -> {
        receive(targets);
        List<Future<Integer>> polls = targets.stream().map(this::pollInbox).toList();
        return Future.join(polls).mapEmpty();
      })
      .onComplete(done -> polling = false);
  }

  private Future<Integer> pollInbox(MachineTarget target) {
    Inbox inbox;
    try {
      inbox = transports.inbox(target.transport());
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(0);
    }
    if (inbox == null) {
      return Future.succeededFuture(0);
    }
    return workers.executeBlocking(() -> inbox.poll((name, content) -> store
      .receiveImport(new ImportArrival(target.name(), name, content, null))
      .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)), false)
      .onFailure(e -> LOG.debug("Inbox of machine {} not polled: {}", target.name(), e.getMessage()));
  }

  /** Keeps one TCP receiver per TCP machine with a receivePort; closes those no longer wanted. */
  private void receive(List<MachineTarget> targets) {
    Map<String, Integer> wanted = new HashMap<>();
    for (MachineTarget target : targets) {
      JsonObject t = target.transport();
      if ("tcp".equals(t.getString("kind")) && t.getInteger("receivePort") != null) {
        wanted.put(target.name() + ":" + t.getInteger("receivePort"), t.getInteger("receivePort"));
      }
    }
    for (String key : List.copyOf(receivers.keySet())) {
      if (!wanted.containsKey(key)) {
        TcpReceiver closing = receivers.remove(key);
        workers.executeBlocking(() -> {
          closing.close();
          return null;
        }, false);
      }
    }
    wanted.forEach((key, port) -> {
      if (receivers.containsKey(key)) {
        return;
      }
      String machine = key.substring(0, key.lastIndexOf(':'));
      try {
        receivers.put(key, TcpReceiver.start(machine, receiveHost, port, RECEIVE_IDLE,
          TcpReceiver.DEFAULT_MAX_PROGRAM_BYTES, program -> store
            .receiveImport(new ImportArrival(machine, null, program.content(), null))
            .onFailure(e -> LOG.warn("A program from machine {} was not queued: {}", machine, e.getMessage()))));
      } catch (java.io.IOException e) {
        LOG.warn("Machine {}: cannot receive on port {} ({})", machine, port, e.getMessage());
      }
    });
  }
}
