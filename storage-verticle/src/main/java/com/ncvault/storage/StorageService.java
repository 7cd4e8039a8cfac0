package com.ncvault.storage;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageActions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
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
  private final Map<String, Function<Request, Future<JsonObject>>> actions;

  private StorageService(Vertx vertx, Database db, BlobStore blobs, FileService files, UserService users,
                         ActivityService activity) {
    this.vertx = vertx;
    this.db = db;
    this.blobs = blobs;
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
      Map.entry(StorageActions.HEALTH, r -> health()));
  }

  /**
   * Opens the database, migrates it, sweeps the blob store (crash leftovers in incoming/ and blobs
   * no revision refers to: safe only because no request is served yet), creates the first admin
   * and the demo vault when configured.
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
      return Migrations.migrate(vertx, db)
        .compose(version -> sweep(vertx, db, blobs))
        .compose(v2 -> {
          EventLog events = new EventLog(db.dialect(), config.eventRetention(), vertx.eventBus());
          Access access = new Access(db.pool());
          FileService files = new FileService(vertx, db, blobs, names, events, access, clock);
          ActivityService activity = new ActivityService(db, clock, config.staleLockSeconds());
          return UserService.create(vertx, db, events, access, clock)
            .compose(users -> new Bootstrap(vertx, config, db, blobs, users, files).run()
              .map(v3 -> new StorageService(vertx, db, blobs, files, users, activity)));
        })
        .recover(e -> db.close().transform(ignored -> Future.failedFuture(e)));
    });
  }

  private static Future<Void> sweep(Vertx vertx, Database db, BlobStore blobs) {
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
        return null;
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

  public Future<Void> close() {
    return db.close();
  }
}
