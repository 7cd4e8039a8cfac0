package com.ncvault.bench;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scenario 3: three clustered nodes on one PostgreSQL database, the clients spread over them, the
 * actor on node 1. Latency group 0 is the clients of node 1 (same node as the change), groups 1 and
 * 2 those of the other nodes (the event crosses the clustered event bus). The clients speak the
 * page's protocol (proto 3); the cluster is warmed until steady, then measured --runs times (median).
 */
final class ClusterScenario {

  private static final int NODES = 3;

  private final Harness harness;
  private final Settings settings;

  ClusterScenario(Harness harness) {
    this.harness = harness;
    this.settings = harness.settings();
  }

  JsonObject run() {
    if (!Postgres.available()) {
      return new JsonObject().put("skipped", "PostgreSQL is not reachable on 127.0.0.1:5432 with psql");
    }
    List<String> filenames = new ArrayList<>();
    for (int i = 0; i < settings.fanoutFiles(); i++) {
      filenames.add(String.format("cluster-%02d.nc", i));
    }
    List<Node> nodes = new ArrayList<>();
    try (Postgres db = Postgres.create("cluster")) {
      Node.Options base = new Node.Options("cluster", List.of("-Xmx512m"), Map.of(), true, null)
        .with(ConfigKeys.DB_KIND, "postgres")
        .with(ConfigKeys.PG_URI, db.uri())
        .with(ConfigKeys.JWT_SECRET, Harness.randomHex(32))
        .with(ConfigKeys.CLUSTER_SECRET, Harness.randomHex(32))
        .with(ConfigKeys.CLUSTER_NAME, "ncvault-bench-" + Harness.randomHex(4))
        .with(ConfigKeys.CLUSTER_PORT, 5901)
        .with(ConfigKeys.CLUSTER_PORT_COUNT, 6)
        // the clients share a few viewer accounts: each may hold all of its sockets
        .with(ConfigKeys.WS_MAX_SOCKETS_PER_USER, settings.clusterClients());
      long started = System.nanoTime();
      // one after another: three JVMs joining at once on 2 cores take twice as long
      for (int i = 1; i <= NODES; i++) {
        Node.Options options = new Node.Options("cluster-node-" + i, base.jvmFlags(), base.config(), true, null)
          .with(ConfigKeys.NODE_NAME, "bench-node-" + i);
        nodes.add(Node.start(harness, options));
      }
      double startSeconds = (System.nanoTime() - started) / 1e9;
      Node first = nodes.get(0);
      FanoutScenario.Prepared prepared = new FanoutScenario.Prepared(first, settings, filenames);
      List<ClientLoop.Endpoint> endpoints = new ArrayList<>();
      for (int i = 0; i < settings.clusterClients(); i++) {
        int group = i % NODES;
        endpoints.add(prepared.endpoint(nodes.get(group), i, group));
      }
      Actor.Source source = (file, lock) -> lock
        ? first.checkout(prepared.actorToken, filenames.get(file))
        : first.cancel(prepared.actorToken, filenames.get(file));
      FanoutRun.Target target = new FanoutRun.Target("ncvault-cluster", first.pid(), () -> -1, source);
      try (FanoutRun run = new FanoutRun(harness, target, filenames, "FILE_LIST_UPDATED", NODES)) {
        JsonObject idle = run.connect(endpoints);
        // warm (steps until two p50s agree, the first is the cold figure), then --runs steps, median per group
        JsonObject warmup = run.warmUp(settings.clusterRate());
        List<JsonObject> steps = new ArrayList<>();
        List<JsonObject> same = new ArrayList<>();
        List<JsonObject> cross = new ArrayList<>();
        for (int i = 0; i < settings.runs(); i++) {
          JsonObject step = run.step(settings.clusterRate(), settings.clusterMs());
          steps.add(step);
          same.add(step.getJsonObject("latencyByGroup", new JsonObject()).getJsonObject("0", new JsonObject()));
          cross.add(crossNode(run, step));
        }
        JsonArray rss = new JsonArray();
        nodes.forEach(node -> rss.add(ProcStats.rssBytes(node.pid())));
        return new JsonObject()
          .put("nodes", NODES)
          .put("startSeconds", FanoutRun.round(startSeconds))
          .put("clients", idle.getInteger("clients"))
          .put("ready", idle.getInteger("ready"))
          .put("connectSeconds", idle.getDouble("connectSeconds"))
          .put("warmup", warmup)
          .put("runs", steps.size())
          .put("sameNode", median(same))
          .put("crossNode", median(cross))
          .put("step", steps.get(steps.size() / 2))
          .put("steps", new JsonArray(steps))
          .put("rssBytesPerNode", rss);
      }
    } finally {
      for (int i = nodes.size() - 1; i >= 0; i--) {
        nodes.get(i).close();
      }
    }
  }

  /** The median of each percentile over the runs, with the clients of the first. */
  private static JsonObject median(List<JsonObject> runs) {
    JsonObject json = runs.get(0).copy();
    for (String key : List.of("p50Ms", "p95Ms", "p99Ms", "maxMs")) {
      List<Double> values = runs.stream().map(r -> Targets.path(r, key)).filter(v -> v != null).toList();
      if (!values.isEmpty()) {
        json.put(key, TransferScenario.median(values));
      }
    }
    return json;
  }

  private JsonObject crossNode(FanoutRun run, JsonObject step) {
    Histogram cross = new Histogram(3);
    int clients = 0;
    JsonObject byGroup = step.getJsonObject("latencyByGroup", new JsonObject());
    for (int g = 1; g < NODES; g++) {
      cross.add(run.fleet().histogram(step.getInteger("step"), g));
      JsonObject group = byGroup.getJsonObject(Integer.toString(g));
      clients += group == null ? 0 : group.getInteger("clients", 0);
    }
    return Latency.of(cross).put("clients", clients);
  }
}
