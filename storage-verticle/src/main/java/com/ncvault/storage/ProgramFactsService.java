package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.RevisionInfo;
import com.ncvault.contract.StorageApi.FactsFilter;
import com.ncvault.contract.StorageApi.ProgramInfo;
import com.ncvault.contract.StorageLimits;
import com.ncvault.nc.NcOptions;
import com.ncvault.nc.ProgramFacts.Extents;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Program facts per content (SHA-256), kept in {@code program_facts}: computed in the facts lane
 * after a revision is stored, on demand when asked for before that, and at start for every content
 * that has none yet (a backfill, a few at a time). Each content is interpreted at most once at a
 * time; the list's facts filter reads only what is stored.
 */
final class ProgramFactsService {

  private static final Logger LOG = LoggerFactory.getLogger(ProgramFactsService.class);

  private final Lane lane;
  private final Pool pool;
  private final Database db;
  private final BlobStore blobs;
  private final BlobFetcher fetcher;
  private final NcOptions options;
  private final Clock clock;
  private final Map<String, Future<ProgramAnalysis>> running = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  /** What is stored of one content: binary, or the facts JSON. */
  private record Known(boolean binary, Buffer json) {
  }

  ProgramFactsService(Lane lane, Database db, BlobStore blobs, BlobFetcher fetcher, double rapidMmPerMin, Clock clock) {
    this.lane = lane;
    this.pool = db.pool();
    this.db = db;
    this.blobs = blobs;
    this.fetcher = fetcher;
    this.options = NcOptions.DEFAULTS.withRapid(rapidMmPerMin);
    this.clock = clock;
  }

  /** The facts of a revision's content; computed now (content fetched first when elsewhere) when not stored. */
  Future<ProgramInfo> of(String filename, RevisionInfo revision) {
    if (revision.size() > StorageLimits.MAX_PROGRAM_BYTES) {
      return Future.failedFuture(tooLarge());
    }
    String sha256 = revision.sha256();
    return stored(sha256)
      .compose(known -> known != null ? Future.succeededFuture(known)
        : fetcher.ensureLocal(sha256, revision.size())
          .recover(e -> Future.failedFuture(new PdmError(ErrorCode.UNAVAILABLE, "The content of " + filename + " "
            + revision.revision() + " is not on this node and no other node could provide it")))
          .compose(v -> compute(sha256, true))
          .map(analysis -> new Known(analysis.binary(), analysis.json())))
      .compose(known -> known.binary()
        ? Future.failedFuture(notAProgram())
        : Future.succeededFuture(new ProgramInfo(filename, revision.revision(), sha256, revision.size(),
          known.json())));
  }

  static PdmError tooLarge() {
    return new PdmError(ErrorCode.PAYLOAD_TOO_LARGE, "Programs larger than "
      + StorageLimits.MAX_PROGRAM_BYTES / (1024 * 1024) + " MB are not interpreted");
  }

  static PdmError notAProgram() {
    return new PdmError(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      "Binary content is no NC program: it has no tools, extents or toolpath");
  }

  /** After a revision is stored here: its facts are computed in the background unless known already. */
  void computeLater(String sha256, long size) {
    if (size > StorageLimits.MAX_PROGRAM_BYTES) {
      return;
    }
    stored(sha256)
      .compose(known -> known != null ? Future.succeededFuture() : compute(sha256, false).mapEmpty())
      .onFailure(e -> LOG.warn("Program facts of {} could not be computed: {}", sha256, e.toString()));
  }

  /** The contents whose stored facts pass {@code filter} (the rule of {@link FactsFilter#matches}, in SQL). */
  Future<Set<String>> matching(FactsFilter filter) {
    StringBuilder sql = new StringBuilder(Sql.FACTS_MATCHING);
    Map<String, Object> params = new HashMap<>();
    if (filter.tool() != null) {
      sql.append(Sql.FACTS_WITH_TOOL);
      params.put("tool", "%," + filter.tool() + ",%");
    }
    for (int axis = 0; axis < 3; axis++) {
      char name = FactsFilter.AXES.charAt(axis);
      if (filter.minLength(axis) != null) {
        sql.append(Sql.factsLength(name, ">=", "min"));
        params.put("min" + name, filter.minLength(axis));
      }
      if (filter.maxLength(axis) != null) {
        sql.append(Sql.factsLength(name, "<=", "max"));
        params.put("max" + name, filter.maxLength(axis));
      }
    }
    return Database.run(pool, sql.toString(), params).map(rows -> {
      Set<String> found = new HashSet<>();
      rows.forEach(row -> found.add(row.getString("sha256")));
      return found;
    });
  }

  /**
   * Computes the facts of every content that has none (or has them at another rapid rate), newest
   * first, {@code concurrency} at a time, in the background. Content this node does not hold is
   * left to the nodes that do (or to the first request for it).
   */
  void backfill(int concurrency) {
    Database.run(pool, Sql.FACTS_MISSING, Map.of("rate", options.rapidMmPerMin()))
      .onSuccess(rows -> {
        Deque<String> queue = new ArrayDeque<>();
        for (Row row : rows) {
          if (Rows.num(row, "size") <= StorageLimits.MAX_PROGRAM_BYTES) {
            queue.add(row.getString("sha256"));
          }
        }
        if (!queue.isEmpty()) {
          LOG.info("Computing the program facts of {} stored contents in the background", queue.size());
        }
        for (int i = 0; i < concurrency; i++) {
          next(queue);
        }
      })
      .onFailure(e -> LOG.warn("The program facts backfill could not start: {}", e.toString()));
  }

  private Future<Void> next(Deque<String> queue) {
    String sha256 = stopped ? null : queue.poll();
    if (sha256 == null) {
      return Future.succeededFuture();
    }
    return compute(sha256, false).transform(done -> {
      if (done.failed() && !(done.cause() instanceof NoSuchFileException)) {
        LOG.warn("Program facts of {} could not be computed: {}", sha256, done.cause().toString());
      }
      return next(queue);
    });
  }

  void stop() {
    stopped = true;
  }

  private Future<Known> stored(String sha256) {
    return Database.run(pool, Sql.FACTS_OF, Map.of("sha256", sha256)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      boolean binary = Boolean.TRUE.equals(row.getBoolean("is_binary"));
      // facts of another rapid rate have another estimated time: computed again
      if (!binary && ((Number) row.getValue("rapid_rate")).doubleValue() != options.rapidMmPerMin()) {
        return null;
      }
      return new Known(binary, binary ? null : Buffer.buffer(row.getString("facts_json")));
    });
  }

  /**
   * Interprets the content (which must be in this node's store) in the facts lane and stores the
   * result; one run per content at a time. {@code refusable}: a request, refused with 503 when the
   * lane's backlog is full (stored revisions and the backfill always wait their turn).
   */
  private Future<ProgramAnalysis> compute(String sha256, boolean refusable) {
    Future<ProgramAnalysis> existing = running.get(sha256);
    if (existing != null) {
      return existing;
    }
    Future<ProgramAnalysis> analysed = refusable
      ? lane.tryRun(() -> ProgramAnalysis.of(blobs.pathOf(sha256), options))
      : lane.run(() -> ProgramAnalysis.of(blobs.pathOf(sha256), options));
    Future<ProgramAnalysis> saved = analysed.compose(analysis -> save(sha256, analysis).map(analysis));
    running.put(sha256, saved);
    saved.onComplete(done -> running.remove(sha256));
    return saved;
  }

  private Future<Void> save(String sha256, ProgramAnalysis analysis) {
    Extents e = analysis.extents();
    Map<String, Object> params = Params.of("sha256", sha256, "binary", analysis.binary(),
      "tools", analysis.binary() ? null : analysis.toolsColumn(),
      "minX", e == null ? null : e.min().x(), "minY", e == null ? null : e.min().y(),
      "minZ", e == null ? null : e.min().z(), "maxX", e == null ? null : e.max().x(),
      "maxY", e == null ? null : e.max().y(), "maxZ", e == null ? null : e.max().z(),
      "seconds", analysis.binary() ? null : analysis.estimatedSeconds(), "rate", options.rapidMmPerMin(),
      "json", analysis.binary() ? null : analysis.json().toString(), "now", clock.millis());
    return db.inTransaction(conn -> Database.run(conn, Sql.DELETE_FACTS, Map.of("sha256", sha256))
        .compose(v -> Database.run(conn, Sql.INSERT_FACTS, params)))
      // another node computed the same content meanwhile: its row is as good as this one
      .recover(failure -> Dialect.isUniqueViolation(failure) ? Future.succeededFuture() : Future.failedFuture(failure))
      .mapEmpty();
  }
}
