package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StagedUpload;
import com.ncvault.contract.StorageApi.LfsObjectQuery;
import com.ncvault.contract.StorageApi.LfsObjects;
import com.ncvault.contract.StorageApi.StoreLfsObject;
import com.ncvault.contract.StorageApi.StoredBlob;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Git LFS objects: blobs of the content store recorded in {@code lfs_objects} (so the start-up sweep
 * keeps them) and nowhere else; no file, revision or event refers to them. In a cluster the node
 * that received an object records that it holds it, like a revision's content; another node asked
 * for it fetches it from a holder (checked against its SHA-256) before answering.
 */
final class LfsObjectStore {

  static final String INSERT = "INSERT INTO lfs_objects (sha256, size, created_by, created_at) "
    + "VALUES (#{sha256}, #{size}, #{user}, #{now})";

  private final Database db;
  private final Pool pool;
  private final BlobStore blobs;
  private final Lane blobLane;
  private final NodeRegistry registry;
  private final BlobFetcher fetcher;
  private final Clock clock;

  LfsObjectStore(Database db, BlobStore blobs, Lane blobLane, NodeRegistry registry, BlobFetcher fetcher, Clock clock) {
    this.db = db;
    this.pool = db.pool();
    this.blobs = blobs;
    this.blobLane = blobLane;
    this.registry = registry;
    this.fetcher = fetcher;
    this.clock = clock;
  }

  /**
   * The asked objects that are recorded and whose content this node holds, fetching from another
   * node those it lacks; one that no node can provide now is left out.
   */
  Future<LfsObjects> find(LfsObjectQuery query) {
    if (query.oids().isEmpty()) {
      return Future.succeededFuture(new LfsObjects(List.of()));
    }
    Map<String, Object> params = new HashMap<>();
    StringBuilder in = new StringBuilder();
    for (int i = 0; i < query.oids().size(); i++) {
      in.append(i == 0 ? "" : ", ").append("#{o").append(i).append('}');
      params.put("o" + i, query.oids().get(i));
    }
    return Database.run(pool, "SELECT sha256, size FROM lfs_objects WHERE sha256 IN (" + in + ")", params)
      .compose(rows -> {
        List<Future<Void>> local = new ArrayList<>();
        List<String> recorded = new ArrayList<>();
        rows.forEach(row -> {
          String sha256 = row.getString("sha256");
          recorded.add(sha256);
          local.add(fetcher.ensureLocal(sha256, Rows.num(row, "size")).recover(unavailable -> Future.succeededFuture()));
        });
        return Future.all(local).transform(fetched -> blobLane.run(() -> {
          List<StoredBlob> present = new ArrayList<>();
          for (String sha256 : recorded) {
            long size = blobs.sizeOf(sha256);
            if (size >= 0) {
              present.add(new StoredBlob(sha256, blobs.pathOf(sha256).toString(), size));
            }
          }
          return new LfsObjects(present);
        }));
      });
  }

  /** Checks the upload against the announced id and size, moves it into the store, records it. */
  Future<StoredBlob> store(StoreLfsObject r) {
    StagedUpload staged = r.staged();
    Future<StoredBlob> stored = db.writable().compose(writable -> blobLane.run(() -> {
      Access.requireClaimedRole(r.role(), Roles.PROGRAMMER);
      if (staged.size() != r.size() || !r.oid().equals(staged.sha256())) {
        throw new PdmError(ErrorCode.VALIDATION, "The object sent has " + staged.size() + " bytes and SHA-256 "
          + staged.sha256() + ", not the announced " + r.size() + " bytes and " + r.oid());
      }
      blobs.ingest(staged);
      return new StoredBlob(r.oid(), blobs.pathOf(r.oid()).toString(), r.size());
    }));
    return stored
      .recover(e -> blobLane.run(() -> {
        blobs.discard(staged);
        return null;
      }).transform(ignored -> Future.failedFuture(e)))
      .compose(blob -> Database.run(pool, INSERT, Map.of("sha256", r.oid(), "size", r.size(), "user", r.user(),
          "now", clock.millis()))
        .<Void>mapEmpty()
        .recover(e -> Dialect.isUniqueViolation(e) ? Future.succeededFuture() : Future.failedFuture(e))
        .compose(v -> registry.recordHere(r.oid()))
        // the client is told the object is stored, and drops its own copy once a push is done
        .compose(v -> db.syncToDisk("the record of Git LFS object " + r.oid()))
        .map(blob));
  }
}
