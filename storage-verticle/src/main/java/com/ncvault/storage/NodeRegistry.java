package com.ncvault.storage;

import com.ncvault.contract.StorageApi.NodeList;
import com.ncvault.contract.StorageApi.NodeState;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared registry of nodes (name, internal URL, last seen) and of which node holds which
 * content. Each node writes only its own rows: its registry entry and its blob locations; an admin
 * may decommission a node (it leaves the list and is never asked for content) or reinstate it.
 */
final class NodeRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);

  /** A node that holds some content, as the registry knows it. */
  record Peer(String name, String baseUrl, long lastSeen) {
  }

  /** Content a revision refers to, and its size. */
  record Content(String sha256, long size) {
  }

  private final Database db;
  private final Pool pool;
  private final Dialect dialect;
  private final String self;
  private final String url;
  private final Clock clock;

  NodeRegistry(Database db, String self, String url, Clock clock) {
    this.db = db;
    this.pool = db.pool();
    this.dialect = db.dialect();
    this.self = self;
    this.url = url;
    this.clock = clock;
  }

  String self() {
    return self;
  }

  /** Records this node's URL and that it is alive now; repeated as a heartbeat. */
  Future<Void> announce() {
    return Database.run(pool, dialect.upsertNode(), Params.of("name", self, "url", url, "now", clock.millis()))
      .mapEmpty();
  }

  /** Records that this node holds a blob it copied from another node. */
  Future<Void> recordHere(String sha256) {
    return Database.run(pool, dialect.insertLocation(), Params.of("sha256", sha256, "node", self,
      "now", clock.millis())).mapEmpty();
  }

  /** Records that this node holds the blob; run in the transaction that commits its revision. */
  Future<Void> recordHere(Tx tx, String sha256) {
    return tx.update(dialect.insertLocation(), Params.of("sha256", sha256, "node", self, "now", clock.millis()))
      .mapEmpty();
  }

  /**
   * Makes this node's locations match its blob store at start: blobs that are gone (a data
   * directory restored from an older backup) are no longer offered, blobs present are.
   */
  Future<Void> reconcile(Set<String> present) {
    return Database.run(pool, Sql.LOCATIONS_OF_NODE, Map.of("node", self)).compose(rows -> {
      Set<String> recorded = new HashSet<>();
      rows.forEach(row -> recorded.add(row.getString("sha256")));
      List<Map<String, Object>> gone = new ArrayList<>();
      for (String sha : recorded) {
        if (!present.contains(sha)) {
          gone.add(Params.of("sha256", sha, "node", self));
        }
      }
      List<Map<String, Object>> added = new ArrayList<>();
      long now = clock.millis();
      for (String sha : present) {
        if (!recorded.contains(sha)) {
          added.add(Params.of("sha256", sha, "node", self, "now", now));
        }
      }
      Future<?> removed = gone.isEmpty() ? Future.succeededFuture()
        : SqlTemplate.forUpdate(pool, Sql.DELETE_LOCATION).executeBatch(gone);
      return removed.compose(v -> added.isEmpty() ? Future.succeededFuture()
        : SqlTemplate.forUpdate(pool, dialect.insertLocation()).executeBatch(added)).mapEmpty();
    });
  }

  /** The other nodes that hold a blob, the most recently seen first. */
  Future<List<Peer>> holders(String sha256) {
    return Database.run(pool, Sql.HOLDERS, Map.of("sha256", sha256, "node", self)).map(rows -> {
      List<Peer> peers = new ArrayList<>();
      rows.forEach(row -> peers.add(new Peer(row.getString("name"), row.getString("base_url"),
        Rows.num(row, "last_seen"))));
      return peers;
    });
  }

  /** Content some revision refers to that this node does not hold yet. */
  Future<List<Content>> missingHere() {
    return Database.run(pool, Sql.MISSING_HERE, Map.of("node", self)).map(rows -> {
      List<Content> missing = new ArrayList<>();
      rows.forEach(row -> missing.add(new Content(row.getString("sha256"), Rows.num(row, "size"))));
      return missing;
    });
  }

  /** sha256 -> names of the nodes holding it (sorted), for every revision of a file. */
  Future<Map<String, List<String>>> replicasOfFile(String filename) {
    return Database.run(pool, Sql.REPLICAS_OF_FILE, Map.of("filename", filename)).map(rows -> {
      Map<String, List<String>> replicas = new TreeMap<>();
      for (Row row : rows) {
        replicas.computeIfAbsent(row.getString("sha256"), k -> new ArrayList<>()).add(row.getString("node"));
      }
      return replicas;
    });
  }

  /**
   * The cluster's replication state: every node in service, where it is reached, how much content
   * it holds; the decommissioned nodes apart.
   */
  Future<NodeList> list() {
    return pool.query(Sql.COUNT_CONTENTS).execute().map(Rows::single)
      .compose(total -> pool.query(Sql.ALL_NODES).execute().map(rows -> {
        List<NodeState> nodes = new ArrayList<>();
        List<NodeState> decommissioned = new ArrayList<>();
        rows.forEach(row -> (row.getValue("decommissioned_at") == null ? nodes : decommissioned).add(state(row)));
        return new NodeList(self, total, List.copyOf(nodes), List.copyOf(decommissioned));
      }));
  }

  private static NodeState state(Row row) {
    return new NodeState(row.getString("name"), row.getString("base_url"), FileRow.iso(Rows.num(row, "last_seen")),
      Rows.num(row, "blobs"));
  }

  /** How many nodes in service hold a blob. */
  Future<Integer> copies(String sha256) {
    return Database.run(pool, Sql.COPIES, Map.of("sha256", sha256)).map(rows -> (int) Rows.single(rows));
  }

  /** Contents some revision refers to that at most one node in service holds. */
  Future<Long> singleCopies() {
    return pool.query(Sql.SINGLE_COPIES).execute().map(Rows::single);
  }

  /** When and by whom this node was decommissioned, or null while it is in service. */
  Future<String> decommissionedSelf() {
    return Database.run(pool, Sql.DECOMMISSIONED, Map.of("name", self)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return row.getValue("decommissioned_at") == null ? null
        : FileRow.iso(Rows.num(row, "decommissioned_at")) + " by " + row.getString("decommissioned_by");
    });
  }

  /**
   * Takes a node out of service (see {@link com.ncvault.contract.StorageApi#decommissionNode}). The
   * node rows are locked first, so two decommissions at once cannot each leave the other's content
   * as the only copy.
   */
  Future<NodeState> decommission(String name, String actor, boolean force) {
    if (name.equals(self)) {
      return Future.failedFuture(new PdmError(ErrorCode.CONFLICT, "A node cannot decommission itself; "
        + "ask another node", new JsonObject().put("node", name)));
    }
    return db.writable().compose(writable -> Database.transaction(pool, dialect, conn -> conn.query(Sql.LOCK_NODES).execute()
      .compose(locked -> Database.run(conn, Sql.NODE, Map.of("name", name)))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(unknown(name));
        }
        if (rows.iterator().next().getValue("decommissioned_at") != null) {
          return Future.succeededFuture(state(rows.iterator().next()));
        }
        return Database.run(conn, Sql.ONLY_COPIES_ON, Map.of("name", name)).map(Rows::single).compose(only -> {
          if (only > 0 && !force) {
            return Future.failedFuture(new PdmError(ErrorCode.CONFLICT, "Node " + name + " holds the only copy of "
              + only + " contents; copy them to another node first, or decommission with force to give them up",
              new JsonObject().put("node", name).put("onlyCopies", only)));
          }
          return Database.run(conn, Sql.DECOMMISSION_NODE, Params.of("name", name, "actor", actor,
              "now", clock.millis()))
            .compose(v -> Database.run(conn, Sql.NODE, Map.of("name", name)))
            .map(after -> {
              LOG.info("Node {} decommissioned by {}{}", name, actor,
                only > 0 ? " (the only copy of " + only + " contents given up)" : "");
              return state(after.iterator().next());
            });
        });
      }))).compose(state -> db.syncToDisk("the decommission of node " + name).map(state));
  }

  /** Puts a decommissioned node back in service; 404 unless it is decommissioned. */
  Future<NodeState> reinstate(String name, String actor) {
    return db.writable().compose(writable -> Database.run(pool, Sql.REINSTATE_NODE, Map.of("name", name)))
      .compose(changed -> changed.rowCount() == 0
        ? Future.failedFuture(new PdmError(ErrorCode.NOT_FOUND, "No decommissioned node " + name,
          new JsonObject().put("node", name)))
        : db.syncToDisk("the reinstatement of node " + name).compose(synced -> Database.run(pool, Sql.NODE, Map.of("name", name))))
      .map(rows -> {
        LOG.info("Node {} reinstated by {}", name, actor);
        return state(rows.iterator().next());
      });
  }

  private static PdmError unknown(String name) {
    return new PdmError(ErrorCode.NOT_FOUND, "No node " + name, new JsonObject().put("node", name));
  }
}
