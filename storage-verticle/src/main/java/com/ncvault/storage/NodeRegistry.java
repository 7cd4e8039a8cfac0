package com.ncvault.storage;

import com.ncvault.contract.StorageApi.NodeList;
import com.ncvault.contract.StorageApi.NodeState;
import io.vertx.core.Future;
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

/**
 * The shared registry of nodes (name, internal URL, last seen) and of which node holds which
 * content. Each node writes only its own rows: its registry entry and its blob locations.
 */
final class NodeRegistry {

  /** A node that holds some content, as the registry knows it. */
  record Peer(String name, String baseUrl, long lastSeen) {
  }

  /** Content a revision refers to, and its size. */
  record Content(String sha256, long size) {
  }

  private final Pool pool;
  private final Dialect dialect;
  private final String self;
  private final String url;
  private final Clock clock;

  NodeRegistry(Database db, String self, String url, Clock clock) {
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

  /** The cluster's replication state: every node, where it is reached, how much content it holds. */
  Future<NodeList> list() {
    return pool.query(Sql.COUNT_CONTENTS).execute().map(Rows::single)
      .compose(total -> pool.query(Sql.ALL_NODES).execute().map(rows -> {
        List<NodeState> nodes = new ArrayList<>();
        rows.forEach(row -> nodes.add(new NodeState(row.getString("name"), row.getString("base_url"),
          FileRow.iso(Rows.num(row, "last_seen")), Rows.num(row, "blobs"))));
        return new NodeList(self, total, List.copyOf(nodes));
      }));
  }
}
