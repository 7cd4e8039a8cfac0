package com.ncvault.storage;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.BlobLocation;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.FileInfo;
import com.ncvault.contract.Notification;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageApi.AuditQuery;
import com.ncvault.contract.StorageApi.AuditTrail;
import com.ncvault.contract.StorageApi.ReleasedRevision;
import com.ncvault.contract.StorageApi.Transition;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.UserInfo;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.nio.file.Path;
import com.ncvault.contract.MachineStore;
import com.ncvault.machine.MachineFolders;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage of one node, ready to serve: database migrated, blob store swept, first users in
 * place. Implements {@link StorageApi}; {@link StorageVerticle} binds it to {@link Addresses#STORAGE}.
 * Every failure leaves here as a {@link PdmError} (unexpected ones are logged once, here): a database
 * that cannot be reached is 503 service_unavailable with Retry-After, a lock wait 503 unavailable,
 * anything else 500.
 */
public final class StorageService implements StorageApi {

  private static final Logger LOG = LoggerFactory.getLogger(StorageService.class);
  private static final long HEALTH_TIMEOUT_SECONDS = 5;
  /** What a client is told to wait (Retry-After) when the database cannot be reached. */
  static final int OUTAGE_RETRY_AFTER_SECONDS = 5;
  /** An outage is logged once per this interval, not once per request. */
  private static final long OUTAGE_LOG_INTERVAL_MS = 10_000;
  /** How often the database and the blob store are probed for /health. */
  static final long PROBE_MS = 2_000;
  /** How often a wait for copies looks at the registry again. */
  static final long COPIES_POLL_MS = 100;

  private final Vertx vertx;
  private final Database db;
  private final BlobStore blobs;
  private final HttpClient peers;
  private final NodeRegistry registry;
  private final Replication replication;
  private final BlobFetcher fetcher;
  private final FileService files;
  private final ProgramFactsService programs;
  private final UserService users;
  private final LifecycleService lifecycle;
  private final ActivityService activity;
  private final InboxService inbox;
  private final Lanes lanes;
  private final GroupCommit commits;
  /** Rewrites the sparse chunks of H2's file (null on PostgreSQL). */
  private final H2Housekeeping housekeeping;
  private final WorkerExecutor prober;
  private final Access access;
  private final LfsObjectStore lfsObjects;
  /** The last probe of database and blob store; /health answers from it without waiting for anything. */
  private volatile Probe lastProbe = new Probe("unknown", "unknown", 0);
  private boolean probing;
  private volatile long lastOutageLog;
  private long probeTimer = -1;

  private record Probe(String database, String blobStore, long at) {
  }

  private StorageService(Vertx vertx, Database db, BlobStore blobs, HttpClient peers, NodeRegistry registry,
                         Replication replication, BlobFetcher fetcher, FileService files, ProgramFactsService programs, UserService users,
                         ActivityService activity, Lanes lanes, GroupCommit commits, H2Housekeeping housekeeping,
                         LifecycleService lifecycle) {
    this.lifecycle = lifecycle;
    this.housekeeping = housekeeping;
    this.lanes = lanes;
    this.commits = commits;
    this.vertx = vertx;
    this.db = db;
    this.blobs = blobs;
    this.peers = peers;
    this.registry = registry;
    this.replication = replication;
    this.fetcher = fetcher;
    this.files = files;
    this.programs = programs;
    this.users = users;
    this.activity = activity;
    this.inbox = new InboxService(db, commits, vertx.eventBus(), Clock.systemUTC());
    this.prober = vertx.createSharedWorkerExecutor("pdm-probe", 1);
    this.access = new Access(db.pool());
    this.lfsObjects = new LfsObjectStore(db, blobs, lanes.blob(), registry, fetcher, Clock.systemUTC());
  }

  /**
   * Opens the database, migrates it, sweeps the blob store (crash leftovers in incoming/ and blobs
   * no revision refers to: safe only because no request is served yet), registers this node and
   * the content it holds, creates the first admin and the demo vault when configured, then starts
   * replication.
   */
  public static Future<StorageService> start(Vertx vertx, StorageConfig config) {
    return start(vertx, config, null);
  }

  /**
   * As {@link #start(Vertx, StorageConfig)} with the given migrations instead of the shipped ones
   * (null: the shipped ones): a test runs a node of an older schema version so.
   */
  public static Future<StorageService> start(Vertx vertx, StorageConfig config, Migrations migrations) {
    return start(vertx, config, migrations, null);
  }

  /** As above with {@code diskSync} forcing each batch to the disk on H2 (null: H2's own command). */
  static Future<StorageService> start(Vertx vertx, StorageConfig config, Migrations migrations,
                                      GroupCommit.DiskSync diskSync) {
    FilenameRules names = new FilenameRules(config.allowedExtensions(), config.filenamePattern());
    BlobStore blobs = new BlobStore(config.dataDir());
    Clock clock = Clock.systemUTC();
    return vertx.<Void>executeBlocking(() -> {
      blobs.createDirectories();
      return null;
    }).compose(v -> {
      Database db = Database.open(vertx, config);
      HttpClient peers = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) config.peerCalls().firstByteTimeoutMs())
        .setIdleTimeout((int) BlobFetcher.POOLED_IDLE_MS)
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS), new PoolOptions().setHttp1MaxSize(Replication.CONCURRENCY + 2));
      NodeRegistry registry = new NodeRegistry(db, config.nodeName(), config.internalUrl(), clock);
      Lanes lanes = Lanes.create(vertx);
      BlobFetcher fetcher = new BlobFetcher(vertx, lanes.blob(), peers, db, blobs, registry, config.clusterSecret(),
        config.peerCalls());
      GroupCommit commits = new GroupCommit(vertx, db, new EventLog(config.eventRetention(), vertx.eventBus()),
        diskSync);
      H2Housekeeping housekeeping = db.jdbcUrl() == null ? null : new H2Housekeeping(vertx, db.jdbcUrl());
      return (migrations == null ? Migrations.migrate(vertx, db) : migrations.migrate(db))
        .compose(version -> housekeeping == null ? Future.succeededFuture(version) : housekeeping.start().map(version))
        .compose(version -> registry.decommissionedSelf())
        .compose(decommissioned -> decommissioned == null ? Future.succeededFuture()
          // a configuration refusal: the node exits with its own code and a service manager leaves it down
          : Future.failedFuture(new IllegalArgumentException("Node " + config.nodeName() + " was decommissioned "
            + decommissioned + "; it serves again only once an admin reinstates it at another node (POST "
            + "/api/admin/nodes/" + config.nodeName() + "/reinstate)")))
        .compose(v2 -> NameKey.rekey(db))
        .compose(rekeyed -> sweep(vertx, db, blobs))
        .compose(present -> registry.announce().compose(v2 -> registry.reconcile(present)))
        .compose(v2 -> {
          Access access = new Access(db.pool());
          ProgramFactsService programs = new ProgramFactsService(lanes.facts(), db, blobs, fetcher,
            config.rapidMmPerMin(), clock);
          FileService files = new FileService(lanes, db, blobs, names, commits, access, registry, fetcher, programs,
            clock);
          ActivityService activity = new ActivityService(db, clock, config.staleLockSeconds());
          Replication replication = new Replication(vertx, registry, fetcher, config.replicates());
          return UserService.create(db, commits, lanes.crypto(), access, clock)
            .compose(users -> new Bootstrap(vertx, config, db, blobs, users, files).run()
              .map(v3 -> new StorageService(vertx, db, blobs, peers, registry, replication, fetcher, files, programs, users,
                activity, lanes, commits, housekeeping, new LifecycleService(db, commits, config.lifecycle(), users::authenticate,
                clock))));
        })
        .compose(service -> service.probe().map(service))
        .onSuccess(service -> {
          service.replication.start();
          service.programs.backfill(lanes.facts().threads());
          service.probeTimer = vertx.setPeriodic(PROBE_MS, id -> service.probe());
        })
        .recover(e -> commits.close().eventually(lanes::close).eventually(peers::close)
          .eventually(() -> housekeeping == null ? Future.succeededFuture() : housekeeping.close()).eventually(db::close)
          .transform(ignored -> Future.failedFuture(e)));
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

  @Override
  public Future<FileList> listFiles(ListFiles query) {
    return guard("files.list", () -> files.list(query));
  }

  @Override
  public Future<FileInfo> getFile(String filename) {
    return guard("files.get", () -> files.get(filename));
  }

  @Override
  public Future<FileInfo> createFile(CreateFile request) {
    return guard("files.create", () -> files.create(request)).onSuccess(this::computeFacts);
  }

  @Override
  public Future<Void> admitUpload(UploadAdmission request) {
    return guard("files.admit", () -> files.admit(request));
  }

  @Override
  public Future<FileInfo> checkout(Checkout request) {
    return guard("files.checkout", () -> files.checkout(request));
  }

  @Override
  public Future<FileInfo> checkin(Checkin request) {
    return guard("files.checkin", () -> files.checkin(request)).onSuccess(this::computeFacts);
  }

  /** The facts of a new revision's content are computed after it is stored, off the caller's way. */
  private void computeFacts(FileInfo stored) {
    programs.computeLater(stored.sha256(), stored.size());
  }

  @Override
  public Future<FileInfo> cancelCheckout(FileAction request) {
    return guard("files.cancel", () -> files.cancel(request));
  }

  @Override
  public Future<FileInfo> overrideLock(OverrideLock request) {
    return guard("files.override", () -> files.override(request));
  }

  @Override
  public Future<FileInfo> deleteFile(FileAction request) {
    return guard("files.delete", () -> files.delete(request));
  }

  @Override
  public Future<FileInfo> restoreFile(FileAction request) {
    return guard("files.restore", () -> files.restore(request));
  }

  @Override
  public Future<History> history(HistoryQuery query) {
    return guard("files.history", () -> files.history(query));
  }

  @Override
  public Future<BlobLocation> content(ContentQuery query) {
    return guard("files.content", () -> files.content(query));
  }

  @Override
  public Future<Diff> diff(DiffQuery query) {
    return guard("files.diff", () -> files.diff(query));
  }

  @Override
  public Future<ProgramInfo> programFacts(ProgramQuery query) {
    return guard("files.program", () -> files.revision(query.filename(), query.rev())
      .compose(revision -> programs.of(query.filename(), revision)));
  }

  @Override
  public Future<FileInfo> transition(Transition request) {
    return guard("files.transition", () -> lifecycle.transition(request));
  }

  @Override
  public Future<ReleasedRevision> releasedRevision(String filename) {
    return guard("files.released", () -> lifecycle.released(filename));
  }

  @Override
  public Future<AuditTrail> audit(AuditQuery query) {
    return guard("audit.export", () -> access.requireAdmin(query.user(), query.role())
      .compose(v -> lifecycle.audit(query)));
  }

  @Override
  public Future<DashboardStats> dashboard(DashboardQuery query) {
    return guard("dashboard.stats", () -> activity.stats(query));
  }

  @Override
  public Future<ActivityPage> activity(ActivityQuery query) {
    return guard("activity.list", () -> activity.activity(query));
  }

  @Override
  public Future<EventPage> eventsSince(EventsQuery query) {
    return guard("events.since", () -> activity.eventsSince(query));
  }

  @Override
  public Future<Long> latestSeq() {
    return guard("events.latest", activity::latest);
  }

  @Override
  public Future<List<Watch>> watches(String user) {
    return guard("watches.list", () -> inbox.watches(user));
  }

  @Override
  public Future<Watch> watch(WatchChange request) {
    return guard("watches.add", () -> inbox.watch(request));
  }

  @Override
  public Future<Void> unwatch(WatchChange request) {
    return guard("watches.remove", () -> inbox.unwatch(request));
  }

  @Override
  public Future<NoticePage> notices(NoticeQuery query) {
    return guard("notices.list", () -> inbox.notices(query));
  }

  @Override
  public Future<Integer> readNotices(ReadNotices request) {
    return guard("notices.read", () -> inbox.read(request));
  }

  @Override
  public Future<Void> sendNotice(Notification notice) {
    return guard("notices.send", () -> inbox.send(notice));
  }

  @Override
  public Future<UserInfo> authenticate(Credentials credentials) {
    return guard("users.authenticate", () -> users.authenticate(credentials));
  }

  @Override
  public Future<Account> account(String username) {
    return guard("users.get", () -> users.get(username));
  }

  @Override
  public Future<List<UserInfo>> listUsers() {
    return guard("users.list", users::list);
  }

  @Override
  public Future<UserInfo> createUser(NewUser request) {
    return guard("users.create", () -> users.create(request));
  }

  @Override
  public Future<UserInfo> changeRole(RoleChange request) {
    return guard("users.update", () -> users.update(request));
  }

  @Override
  public Future<UserInfo> setPassword(PasswordChange request) {
    return guard("users.password", () -> users.password(request));
  }

  @Override
  public Future<Void> deleteUser(UserAction request) {
    return guard("users.delete", () -> users.delete(request));
  }

  @Override
  public Future<LfsObjects> lfsObjects(LfsObjectQuery query) {
    return guard("lfs.objects", () -> lfsObjects.find(query));
  }

  @Override
  public Future<StoredBlob> storeLfsObject(StoreLfsObject request) {
    return guard("lfs.store", () -> lfsObjects.store(request));
  }

  @Override
  public Future<StoredBlob> localBlob(String sha256) {
    return guard("blobs.local", () -> blob(sha256));
  }

  @Override
  public Future<NodeList> nodes() {
    return guard("nodes.list", registry::list);
  }

  @Override
  public Future<NodeState> decommissionNode(Decommission request) {
    return guard("nodes.decommission", () -> access.requireAdmin(request.actor(), null)
      .compose(v -> registry.decommission(request.name(), request.actor(), request.force())));
  }

  @Override
  public Future<NodeState> reinstateNode(NodeAction request) {
    return guard("nodes.reinstate", () -> access.requireAdmin(request.actor(), null)
      .compose(v -> registry.reinstate(request.name(), request.actor())));
  }

  @Override
  public Future<Copies> awaitCopies(CopiesWait request) {
    return guard("blobs.copies", () -> {
      Promise<Copies> done = Promise.promise();
      countCopies(request, System.currentTimeMillis() + request.waitMs(), done);
      return done.future();
    });
  }

  /** Counts the copies now, and again every {@link #COPIES_POLL_MS} until there are enough or time is up. */
  private void countCopies(CopiesWait request, long deadline, Promise<Copies> done) {
    registry.copies(request.sha256()).onComplete(counted -> {
      if (counted.failed()) {
        done.fail(counted.cause());
        return;
      }
      Copies copies = new Copies(request.sha256(), counted.result(), request.copies());
      long left = deadline - System.currentTimeMillis();
      if (copies.enough() || left <= 0) {
        done.complete(copies);
      } else {
        vertx.setTimer(Math.min(COPIES_POLL_MS, left), id -> countCopies(request, deadline, done));
      }
    });
  }

  @Override
  public Future<ReplicationState> replicationState() {
    return guard("replication.state", () -> registry.singleCopies()
      .map(single -> new ReplicationState(replication.backlog(), single)));
  }

  @Override
  public Future<StorageHealth> health() {
    return guard("health", this::checkHealth);
  }

  /** Runs an operation; whatever fails, the caller gets a PdmError (and a bug is logged). */
  /**
   * The machines of this vault ({@link MachineStore}), with the node key from {@code dataDir} (made
   * at the first start). Failures leave as {@link PdmError}s like every other storage operation's.
   */
  public Future<MachineStore> machines(Path dataDir, List<String> folderRoots) {
    return vertx.executeBlocking(() -> NodeKey.load(dataDir)).map(key -> {
      MachineService service = new MachineService(vertx, db, commits, access, this, blobs,
        new TransportSpecs(MachineFolders.of(folderRoots), key), Clock.systemUTC());
      return (MachineStore) java.lang.reflect.Proxy.newProxyInstance(MachineStore.class.getClassLoader(),
        new Class<?>[] {MachineStore.class}, (self, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return method.invoke(service, args);
          }
          return guard("machines." + method.getName(), () -> {
            try {
              return (Future<Object>) method.invoke(service, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
              return Future.failedFuture(e.getCause());
            } catch (IllegalAccessException e) {
              return Future.failedFuture(e);
            }
          });
        });
    });
  }

  private <T> Future<T> guard(String action, Supplier<Future<T>> operation) {
    Future<T> outcome;
    try {
      outcome = operation.get();
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    return outcome.recover(e -> Future.failedFuture(asError(action, e)));
  }

  private PdmError asError(String action, Throwable e) {
    if (e instanceof PdmError error) {
      return error;
    }
    if (Dialect.isUnreachable(e)) {
      long now = System.currentTimeMillis();
      if (now - lastOutageLog > OUTAGE_LOG_INTERVAL_MS) {
        lastOutageLog = now;
        LOG.warn("The database cannot be reached ({}); requests are answered 503 until it is back", e.toString());
      }
      return new PdmError(ErrorCode.SERVICE_UNAVAILABLE, "The database cannot be reached; please try again shortly",
        new JsonObject().put("retryAfterSeconds", OUTAGE_RETRY_AFTER_SECONDS));
    }
    if (Dialect.isBusy(e)) {
      return new PdmError(ErrorCode.UNAVAILABLE, "The vault is busy; please try again");
    }
    LOG.error("Storage action {} failed", action, e);
    return new PdmError(ErrorCode.INTERNAL, "Internal error");
  }

  /**
   * Database and blob store as the last probe found them (every {@link #PROBE_MS}), with what each
   * lane is doing: answered at once, never queued behind other work. A 503 carrying the same details
   * when one is down, or when a sync of H2's file failed. A busy node is not down: its lanes show the
   * backlog.
   */
  private Future<StorageHealth> checkHealth() {
    Probe probe = lastProbe;
    boolean h2 = db.dialect() == Dialect.H2;
    long syncFailedAt = db.disk().failedAt();
    StorageHealth status = new StorageHealth(probe.database(), probe.blobStore(),
      h2 ? StorageConfig.H2 : StorageConfig.POSTGRES, lanes.states(),
      FileRow.iso(probe.at()), commits.counts()[0], commits.counts()[1], fetcher.skippedPeers(),
      !h2 ? null : syncFailedAt == 0 ? StorageHealth.DISK_SYNC_OK : StorageHealth.DISK_SYNC_FAILED,
      syncFailedAt == 0 ? null : FileRow.iso(syncFailedAt), housekeeping == null ? null : housekeeping.fileBytes());
    return status.up()
      ? Future.succeededFuture(status)
      : Future.failedFuture(new PdmError(ErrorCode.UNAVAILABLE, "Storage is not healthy", JsonObject.mapFrom(status)));
  }

  /** Pings the database and looks at the blob store, on threads of their own; one probe at a time. */
  private Future<Void> probe() {
    if (probing) {
      return Future.succeededFuture();
    }
    probing = true;
    Future<String> database = db.pool().query(Sql.PING).execute()
      .timeout(HEALTH_TIMEOUT_SECONDS, TimeUnit.SECONDS)
      .map("up").otherwise("down");
    Future<String> store = prober.executeBlocking(() -> blobs.healthy() ? "up" : "down", false).otherwise("down");
    return Future.all(database, store).transform(done -> {
      probing = false;
      lastProbe = new Probe(database.result(), store.result(), System.currentTimeMillis());
      return Future.succeededFuture();
    });
  }

  /** A blob in THIS node's store; 404 when it does not hold it. */
  private Future<StoredBlob> blob(String sha256) {
    if (sha256 == null || !BlobStore.isSha256(sha256)) {
      return Future.failedFuture(new PdmError(ErrorCode.BAD_REQUEST, "A SHA-256 is 64 lower-case hex digits"));
    }
    return lanes.blob().run(() -> blobs.sizeOf(sha256)).compose(size -> size < 0
      ? Future.failedFuture(new PdmError(ErrorCode.NOT_FOUND, "This node does not hold " + sha256))
      : Future.succeededFuture(new StoredBlob(sha256, blobs.pathOf(sha256).toString(), size)));
  }

  /** The rounds of {@link H2Housekeeping} run and those that rewrote chunks; zeros on PostgreSQL. */
  long[] housekeepingCounts() {
    return housekeeping == null ? new long[2] : housekeeping.counts();
  }

  public Future<Void> close() {
    replication.stop();
    programs.stop();
    vertx.cancelTimer(probeTimer);
    return commits.close().eventually(peers::close)
      .eventually(() -> housekeeping == null ? Future.succeededFuture() : housekeeping.close())
      .eventually(db::close).eventually(lanes::close)
      .eventually(prober::close);
  }
}
