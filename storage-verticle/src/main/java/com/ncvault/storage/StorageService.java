package com.ncvault.storage;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageActions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage of one node, ready to serve: database migrated, blob store swept, first users in
 * place. {@link #handle} answers one request of {@link Addresses#STORAGE}.
 */
public final class StorageService {

  private static final Logger LOG = LoggerFactory.getLogger(StorageService.class);
  private static final long HEALTH_TIMEOUT_SECONDS = 5;

  private final Vertx vertx;
  private final Database db;
  private final BlobStore blobs;
  private final HttpClient peers;
  private final Replication replication;
  private final Map<String, Function<Request, Future<JsonObject>>> actions;

  private StorageService(Vertx vertx, Database db, BlobStore blobs, HttpClient peers, NodeRegistry registry,
                         Replication replication, FileService files, UserService users, ActivityService activity) {
    this.vertx = vertx;
    this.db = db;
    this.blobs = blobs;
    this.peers = peers;
    this.replication = replication;
    this.actions = Map.ofEntries(
      Map.entry(StorageActions.FILES_LIST, files::list),
      Map.entry(StorageActions.FILES_GET, files::get),
      Map.entry(StorageActions.FILES_CREATE, files::create),
      Map.entry(StorageActions.FILES_CHECKOUT, files::checkout),
      Map.entry(StorageActions.FILES_CHECKIN, files::checkin),
      Map.entry(StorageActions.FILES_CANCEL, files::cancel),
      Map.entry(StorageActions.FILES_OVERRIDE, files::override),
      Map.entry(StorageActions.FILES_DELETE, files::delete),
      Map.entry(StorageActions.FILES_RESTORE, files::restore),
      Map.entry(StorageActions.FILES_HISTORY, files::history),
      Map.entry(StorageActions.FILES_CONTENT, files::content),
      Map.entry(StorageActions.FILES_DIFF, files::diff),
      Map.entry(StorageActions.DASHBOARD_STATS, activity::stats),
      Map.entry(StorageActions.ACTIVITY_LIST, activity::activity),
      Map.entry(StorageActions.EVENTS_SINCE, activity::eventsSince),
      Map.entry(StorageActions.EVENTS_LATEST, activity::latest),
      Map.entry(StorageActions.USERS_AUTHENTICATE, users::authenticate),
      Map.entry(StorageActions.USERS_GET, users::get),
      Map.entry(StorageActions.USERS_LIST, users::list),
      Map.entry(StorageActions.USERS_CREATE, users::create),
      Map.entry(StorageActions.USERS_UPDATE, users::update),
      Map.entry(StorageActions.USERS_PASSWORD, users::password),
      Map.entry(StorageActions.USERS_DELETE, users::delete),
      Map.entry(StorageActions.BLOBS_LOCAL, this::localBlob),
      Map.entry(StorageActions.NODES_LIST, r -> registry.list()),
      Map.entry(StorageActions.HEALTH, r -> health()));
  }

  /**
   * Opens the database, migrates it, sweeps the blob store (crash leftovers in incoming/ and blobs
   * no revision refers to: safe only because no request is served yet), registers this node and
   * the content it holds, creates the first admin and the demo vault when configured, then starts
   * replication.
   */
  public static Future<StorageService> start(Vertx vertx, StorageConfig config) {
    FilenameRules names = new FilenameRules(config.allowedExtensions(), config.filenamePattern());
    BlobStore blobs = new BlobStore(config.dataDir());
    Clock clock = Clock.systemUTC();
    return vertx.<Void>executeBlocking(() -> {
      blobs.createDirectories();
      return null;
    }).compose(v -> {
      Database db = Database.open(vertx, config);
      HttpClient peers = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) BlobFetcher.CONNECT_TIMEOUT_MS)
        .setIdleTimeout((int) BlobFetcher.IDLE_TIMEOUT_MS)
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS), new PoolOptions().setHttp1MaxSize(Replication.CONCURRENCY + 2));
      NodeRegistry registry = new NodeRegistry(db, config.nodeName(), config.internalUrl(), clock);
      BlobFetcher fetcher = new BlobFetcher(vertx, peers, db, blobs, registry, config.clusterSecret());
      return Migrations.migrate(vertx, db)
        .compose(version -> sweep(vertx, db, blobs))
        .compose(present -> registry.announce().compose(v2 -> registry.reconcile(present)))
        .compose(v2 -> {
          EventLog events = new EventLog(db.dialect(), config.eventRetention(), vertx.eventBus());
          Access access = new Access(db.pool());
          FileService files = new FileService(vertx, db, blobs, names, events, access, registry, fetcher, clock);
          ActivityService activity = new ActivityService(db, clock, config.staleLockSeconds());
          Replication replication = new Replication(vertx, registry, fetcher, config.replicates());
          return UserService.create(vertx, db, events, access, clock)
            .compose(users -> new Bootstrap(vertx, config, db, blobs, users, files).run()
              .map(v3 -> new StorageService(vertx, db, blobs, peers, registry, replication, files, users,
                activity)));
        })
        .onSuccess(service -> service.replication.start())
        .recover(e -> peers.close().eventually(db::close).transform(ignored -> Future.failedFuture(e)));
    });
  }

  /** A domain event from any node (the storage-verticle listens once per node). */
  public void onDomainEvent(JsonObject event) {
    replication.onDomainEvent(event);
  }

  /** Removes leftovers and unreferenced blobs; the result is the content the store holds afterwards. */
  private static Future<Set<String>> sweep(Vertx vertx, Database db, BlobStore blobs) {
    return db.pool().query(Sql.REFERENCED_BLOBS).execute()
      .map(rows -> {
        var referenced = new HashSet<String>();
        rows.forEach(row -> referenced.add(row.getString("sha256")));
        return referenced;
      })
      .compose(referenced -> vertx.executeBlocking(() -> {
        int leftovers = blobs.clearIncoming();
        int unreferenced = blobs.collectGarbage(referenced);
        if (leftovers + unreferenced > 0) {
          LOG.info("Removed {} unfinished uploads and {} unreferenced blobs", leftovers, unreferenced);
        }
        return blobs.list();
      }));
  }

  /** Answers one storage request; failures carry the HTTP status and the PdmError JSON. */
  public void handle(Message<Object> message) {
    String action = message.headers().get(Addresses.HEADER_ACTION);
    Function<Request, Future<JsonObject>> handler = actions.get(action);
    Future<JsonObject> outcome;
    if (handler == null) {
      outcome = Future.failedFuture(new PdmError(ErrorCode.BAD_REQUEST, "Unknown storage action: " + action));
    } else if (message.body() != null && !(message.body() instanceof JsonObject)) {
      outcome = Future.failedFuture(new PdmError(ErrorCode.BAD_REQUEST, "A storage request body is a JSON object"));
    } else {
      outcome = FileService.attempt(() -> new Request((JsonObject) message.body())).compose(handler);
    }
    outcome.onSuccess(message::reply).onFailure(e -> {
      PdmError error = asError(action, e);
      message.fail(error.code().status(), error.toJson().encode());
    });
  }

  private PdmError asError(String action, Throwable e) {
    if (e instanceof PdmError error) {
      return error;
    }
    if (e instanceof ClassCastException) {
      return new PdmError(ErrorCode.BAD_REQUEST, "A field of the request has the wrong type");
    }
    if (Dialect.isBusy(e)) {
      return new PdmError(ErrorCode.UNAVAILABLE, "The vault is busy; please try again");
    }
    LOG.error("Storage action {} failed", action, e);
    return new PdmError(ErrorCode.INTERNAL, "Internal error");
  }

  /** {database, blobStore}: "up" or "down" each; a 503 carrying the same details when one is down. */
  Future<JsonObject> health() {
    Future<String> database = db.pool().query(Sql.PING).execute()
      .timeout(HEALTH_TIMEOUT_SECONDS, TimeUnit.SECONDS)
      .map("up").otherwise("down");
    Future<String> store = vertx.executeBlocking(() -> blobs.healthy() ? "up" : "down").otherwise("down");
    return Future.all(database, store).transform(ignored -> {
      JsonObject status = new JsonObject().put("database", database.result()).put("blobStore", store.result())
        .put("dbKind", db.dialect() == Dialect.H2 ? StorageConfig.H2 : StorageConfig.POSTGRES);
      return "up".equals(database.result()) && "up".equals(store.result())
        ? Future.succeededFuture(status)
        : Future.failedFuture(new PdmError(ErrorCode.UNAVAILABLE, "Storage is not healthy", status));
    });
  }

  /** {sha256} -> {sha256, path, size} of a blob in THIS node's store; 404 when it does not hold it. */
  private Future<JsonObject> localBlob(Request r) {
    String sha256 = r.required("sha256");
    if (!BlobStore.isSha256(sha256)) {
      return Future.failedFuture(new PdmError(ErrorCode.BAD_REQUEST, "A SHA-256 is 64 lower-case hex digits"));
    }
    return vertx.executeBlocking(() -> blobs.sizeOf(sha256)).compose(size -> size < 0
      ? Future.failedFuture(new PdmError(ErrorCode.NOT_FOUND, "This node does not hold " + sha256))
      : Future.succeededFuture(new JsonObject().put("sha256", sha256).put("path", blobs.pathOf(sha256).toString())
        .put("size", size)));
  }

  public Future<Void> close() {
    replication.stop();
    return peers.close().eventually(db::close);
  }
}
