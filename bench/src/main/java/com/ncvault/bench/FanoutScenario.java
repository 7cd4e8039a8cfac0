package com.ncvault.bench;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Scenarios 1 and 2: N clients on one node with an actor doing checkout/cancel, then the same
 * clients and the same messages against the Node ws broadcaster, for each N. The clients speak the
 * web page's protocol (proto 3: one EVENT frame per seq); the ws baseline replays the node's frames.
 */
final class FanoutScenario {

  static final String NODE_HEAP = "1g";

  private final Harness harness;
  private final Settings settings;
  private final List<String> filenames = new ArrayList<>();
  private final String[] lockTemplates;
  private final String[] unlockTemplates;

  FanoutScenario(Harness harness) {
    this.harness = harness;
    this.settings = harness.settings();
    for (int i = 0; i < settings.fanoutFiles(); i++) {
      filenames.add(String.format("fanout-%02d.nc", i));
    }
    this.lockTemplates = new String[filenames.size()];
    this.unlockTemplates = new String[filenames.size()];
  }

  JsonObject run() {
    JsonArray runs = new JsonArray();
    boolean baseline = settings.wsPrefix() != null && Harness.onPath("node");
    for (int n : settings.fanoutClients()) {
      JsonObject row = new JsonObject().put("clients", n);
      row.put("ncvault", guarded(() -> runNode(n)));
      if (baseline) {
        row.put("ws", guarded(() -> runWs(n)));
      }
      runs.add(row);
      Bench.log("fanout N=" + n + " done");
    }
    JsonObject json = new JsonObject().put("runs", runs).put("nodeHeap", NODE_HEAP)
      .put("files", filenames.size()).put("generatorEventLoops", settings.generatorLoops());
    if (!baseline) {
      json.put("baselineSkipped", "ws baseline needs node and the ws package (bench/run.sh installs it)");
    }
    return json;
  }

  static JsonObject guarded(Supplier<JsonObject> body) {
    try {
      return body.get();
    } catch (RuntimeException e) {
      Bench.log("failed: " + e);
      return new JsonObject().put("error", String.valueOf(e.getMessage()));
    }
  }

  /** Prepares a node for fan-out: users, the actor's files; returns the clients' endpoints. */
  static final class Prepared {
    final String actorToken;
    final List<String> viewerTokens = new ArrayList<>();

    Prepared(Node node, Settings settings, List<String> filenames) {
      actorToken = node.user("bench-actor", "programmer");
      for (int i = 0; i < settings.viewerUsers(); i++) {
        viewerTokens.add(node.user("bench-viewer-" + i, "viewer"));
      }
      // one after another: a user may run only maxUploadsPerUser uploads at once
      for (String filename : filenames) {
        node.upload(actorToken, filename, Buffer.buffer("%\nO1000 (" + filename + ")\nG0 X0 Y0\nM30\n%\n")).await();
      }
    }

    ClientLoop.Endpoint endpoint(Node node, int client, int group) {
      return new ClientLoop.Endpoint(node.port(),
        "/ws?proto=3&token=" + viewerTokens.get(client % viewerTokens.size()), node.origin(), group);
    }
  }

  private boolean largest(int n) {
    return n == settings.fanoutClients().get(settings.fanoutClients().size() - 1);
  }

  private JsonObject runNode(int n) {
    // the largest N: CPU and allocation profile of the measured steps, class histogram, repeated connect storms
    boolean largest = largest(n);
    // the clients share a few viewer accounts: each may hold all of its sockets
    try (Node node = Node.start(harness, Node.Options.embedded("fanout-node-" + n, NODE_HEAP)
      .with(ConfigKeys.WS_MAX_SOCKETS_PER_USER, n))) {
      Prepared prepared = new Prepared(node, settings, filenames);
      List<ClientLoop.Endpoint> endpoints = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        endpoints.add(prepared.endpoint(node, i, 0));
      }
      Actor.Source source = (file, lock) -> lock
        ? node.checkout(prepared.actorToken, filenames.get(file))
        : node.cancel(prepared.actorToken, filenames.get(file));
      FanoutRun.Target target = new FanoutRun.Target("ncvault", node.pid(), node::heapAfterGc, source);
      try (FanoutRun run = new FanoutRun(harness, target, filenames, "FILE_LIST_UPDATED", 1)) {
        if (largest) {
          run.classHistogram(settings.resultsDir()).afterSteps(node::startProfile);
        }
        JsonObject idle = run.connect(endpoints);
        JsonObject json = new JsonObject().put("idle", idle);
        json.mergeIn(run.ladder());
        keepTemplates(run.fleet());
        json.put("messageBytes", messageBytes());
        json.put("profile", node.profile());
        json.put("allocations", node.allocations(settings.resultsDir().resolve("fanout-ncvault-" + n + ".jfr")));
        // the recording would cost the node's connects (the ws server has none)
        node.stopProfile();
        json.put("connectStorm", run.storms(endpoints, idle.getDouble("connectSeconds"),
          largest ? settings.runs() : 0));
        json.put("serverAlive", node.process().alive());
        return json;
      }
    }
  }

  private void keepTemplates(Fleet fleet) {
    for (int i = 0; i < filenames.size(); i++) {
      if (lockTemplates[i] == null) {
        lockTemplates[i] = fleet.template(i, true);
      }
      if (unlockTemplates[i] == null) {
        unlockTemplates[i] = fleet.template(i, false);
      }
    }
  }

  private JsonObject messageBytes() {
    JsonObject json = new JsonObject();
    if (lockTemplates[0] != null) {
      json.put("lock", lockTemplates[0].length());
    }
    if (unlockTemplates[0] != null) {
      json.put("unlock", unlockTemplates[0].length());
    }
    return json;
  }

  /** The message the ws baseline broadcasts: the node's own message for that event when one was captured. */
  private Buffer wsMessage(int file, boolean lock) {
    String captured = lock ? lockTemplates[file] : unlockTemplates[file];
    if (captured != null) {
      return Buffer.buffer(captured);
    }
    return Buffer.buffer(syntheticMessage(filenames.get(file), lock));
  }

  /** A proto-3 EVENT shaped and sized like the node's when no node run provided one. */
  static String syntheticMessage(String filename, boolean lock) {
    JsonObject file = new JsonObject().put("filename", filename).put("group", "Misc").put("description", "benchmark file")
      .put("revision", "1.0").put("size", 42).put("sha256", "0".repeat(64))
      .put("createdAt", "2026-01-01T00:00:00Z").put("modifiedAt", "2026-01-01T00:00:00Z").put("deleted", false)
      .put("status", lock ? "locked" : "unlocked").put("lockedBy", lock ? "bench-actor" : null)
      .put("lockedAt", lock ? "2026-01-01T00:00:00.000Z" : null).put("lockMessage", lock ? "bench" : null);
    JsonObject payload = new JsonObject().put("event_type", lock ? "checkout" : "cancel").put("filename", filename)
      .put("user", "bench-actor").put("timestamp", "2026-01-01T00:00:00.000Z").put("revision", "1.0")
      .put("message", lock ? "bench" : null).put("file", file);
    if (!lock) {
      payload.put("reason", "cancel");
    }
    payload.put("changes", new JsonArray().add(lock ? ClientLoop.FILE_LOCKED : ClientLoop.FILE_UNLOCKED));
    return new JsonObject().put("type", ClientLoop.EVENT).put("seq", 1).put("payload", payload).encode();
  }

  private JsonObject runWs(int n) {
    int port = Harness.freePort();
    var dir = harness.tmp("ws-" + n);
    List<String> command = List.of("node", "--expose-gc", settings.baselineScript().toString(), Integer.toString(port));
    try (ServerProcess ws = ServerProcess.start("ws", command,
      Map.of("WS_PREFIX", settings.wsPrefix().toString()), dir.resolve("ws.log"), port)) {
      ws.awaitHealthy(harness.vertx(), harness.http(), "/health", 30_000).await();
      String origin = "http://" + Http.HOST + ":" + port;
      List<ClientLoop.Endpoint> endpoints = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        endpoints.add(new ClientLoop.Endpoint(port, "/ws?proto=3", origin, 0));
      }
      Actor.Source source = (file, lock) -> harness.http()
        .send(HttpMethod.POST, port, "/broadcast", null, "application/json", wsMessage(file, lock))
        .compose(r -> r.ok() ? Future.succeededFuture() : Future.failedFuture("broadcast -> " + r.status()));
      FanoutRun.Target target = new FanoutRun.Target("ws", ws.pid(), () -> wsHeap(port), source);
      try (FanoutRun run = new FanoutRun(harness, target, filenames, null, 1)) {
        JsonObject idle = run.connect(endpoints);
        JsonObject json = new JsonObject().put("idle", idle);
        json.mergeIn(run.ladder());
        json.put("connectStorm", run.storms(endpoints, idle.getDouble("connectSeconds"),
          largest(n) ? settings.runs() : 0));
        json.put("messageBytes", new JsonObject().put("lock", wsMessage(0, true).length())
          .put("unlock", wsMessage(0, false).length()));
        json.put("serverAlive", ws.alive());
        return json;
      }
    }
  }

  private long wsHeap(int port) {
    return harness.http().json(HttpMethod.GET, port, "/stats", null, null)
      .map(stats -> stats.getLong("heapUsed", -1L))
      .otherwise(-1L)
      .await();
  }
}
