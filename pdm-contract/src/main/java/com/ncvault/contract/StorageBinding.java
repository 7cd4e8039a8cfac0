package com.ncvault.contract;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The one event-bus binding of {@link StorageApi}: a proxy for callers and a dispatcher for the
 * implementation, on {@link Addresses#STORAGE} with the operation named in the header
 * {@link Addresses#HEADER_ACTION} (the names of {@link StorageActions}). Requests and replies are
 * the contract's records, passed by reference (the address is local to the node, so nothing is
 * encoded). Failures travel as a {@code ReplyException} whose failure code is the HTTP status and
 * whose message is the {@link PdmError}'s JSON; the proxy turns them back into {@link PdmError}s.
 */
public final class StorageBinding {

  /** Passes objects between verticles of one node without copying or encoding them. */
  public static final String LOCAL_CODEC = "pdm.local";

  static final long DEFAULT_TIMEOUT_MS = 30_000;
  /** Committing an upload makes a large file durable first (fsync, rename), which can take a while. */
  static final long UPLOAD_TIMEOUT_MS = 10 * 60_000;
  /** Content this node lacks is first copied from another node, which for a large file takes a while. */
  static final long CONTENT_TIMEOUT_MS = 5 * 60_000;
  /** Health answers from what storage already knows; a slower answer means the node is stuck. */
  static final long HEALTH_TIMEOUT_MS = 2_000;

  private StorageBinding() {
  }

  /** The storage of this node, as seen from another verticle. */
  public static StorageApi proxy(Vertx vertx) {
    registerCodec(vertx.eventBus());
    return new Proxy(vertx.eventBus());
  }

  /**
   * Answers {@link Addresses#STORAGE} requests with {@code storage}; registered on this node only.
   * Unknown operations and bodies of the wrong type are refused with 400.
   */
  public static MessageConsumer<Object> bind(Vertx vertx, StorageApi storage) {
    registerCodec(vertx.eventBus());
    return vertx.eventBus().localConsumer(Addresses.STORAGE, message -> dispatch(storage, message));
  }

  /** Idempotent: every verticle that uses the binding calls it. */
  public static void registerCodec(EventBus bus) {
    try {
      bus.registerCodec(new LocalCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // registered by another verticle of this node
    }
  }

  private static final DeliveryOptions REPLY = new DeliveryOptions().setCodecName(LOCAL_CODEC);

  private static void dispatch(StorageApi storage, Message<Object> message) {
    String action = message.headers().get(Addresses.HEADER_ACTION);
    BiFunction<StorageApi, Object, Future<?>> operation = OPERATIONS.get(action);
    Future<?> outcome;
    if (operation == null) {
      outcome = Future.failedFuture(new PdmError(ErrorCode.BAD_REQUEST, "Unknown storage action: " + action));
    } else {
      try {
        outcome = operation.apply(storage, message.body());
      } catch (ClassCastException wrongBody) {
        outcome = Future.failedFuture(new PdmError(ErrorCode.BAD_REQUEST, "Wrong request for " + action));
      } catch (RuntimeException refused) {
        outcome = Future.failedFuture(refused);
      }
    }
    outcome.onComplete(done -> {
      if (done.succeeded()) {
        message.reply(done.result(), REPLY);
      } else {
        // The implementation logs and maps its own failures; anything else is a bug, not a detail to leak.
        PdmError error = done.cause() instanceof PdmError e ? e : new PdmError(ErrorCode.INTERNAL, "Internal error");
        message.fail(error.code().status(), error.toJson().encode());
      }
    });
  }

  private static <T> BiFunction<StorageApi, Object, Future<?>> op(Class<T> type,
                                                                   BiFunction<StorageApi, T, Future<?>> call) {
    return (storage, body) -> call.apply(storage, type.cast(body));
  }

  private static BiFunction<StorageApi, Object, Future<?>> noBody(java.util.function.Function<StorageApi, Future<?>> call) {
    return (storage, body) -> call.apply(storage);
  }

  private static final Map<String, BiFunction<StorageApi, Object, Future<?>>> OPERATIONS = Map.ofEntries(
    Map.entry(StorageActions.FILES_LIST, op(StorageApi.ListFiles.class, StorageApi::listFiles)),
    Map.entry(StorageActions.FILES_GET, op(String.class, StorageApi::getFile)),
    Map.entry(StorageActions.FILES_CREATE, op(StorageApi.CreateFile.class, StorageApi::createFile)),
    Map.entry(StorageActions.FILES_ADMIT, op(StorageApi.UploadAdmission.class, StorageApi::admitUpload)),
    Map.entry(StorageActions.FILES_CHECKOUT, op(StorageApi.Checkout.class, StorageApi::checkout)),
    Map.entry(StorageActions.FILES_CHECKIN, op(StorageApi.Checkin.class, StorageApi::checkin)),
    Map.entry(StorageActions.FILES_CANCEL, op(StorageApi.FileAction.class, StorageApi::cancelCheckout)),
    Map.entry(StorageActions.FILES_OVERRIDE, op(StorageApi.OverrideLock.class, StorageApi::overrideLock)),
    Map.entry(StorageActions.FILES_DELETE, op(StorageApi.FileAction.class, StorageApi::deleteFile)),
    Map.entry(StorageActions.FILES_RESTORE, op(StorageApi.FileAction.class, StorageApi::restoreFile)),
    Map.entry(StorageActions.FILES_HISTORY, op(StorageApi.HistoryQuery.class, StorageApi::history)),
    Map.entry(StorageActions.FILES_CONTENT, op(StorageApi.ContentQuery.class, StorageApi::content)),
    Map.entry(StorageActions.FILES_DIFF, op(StorageApi.DiffQuery.class, StorageApi::diff)),
    Map.entry(StorageActions.FILES_PROGRAM, op(StorageApi.ProgramQuery.class, StorageApi::programFacts)),
    Map.entry(StorageActions.FILES_TRANSITION, op(StorageApi.Transition.class, StorageApi::transition)),
    Map.entry(StorageActions.FILES_RELEASED, op(String.class, StorageApi::releasedRevision)),
    Map.entry(StorageActions.AUDIT_EXPORT, op(StorageApi.AuditQuery.class, StorageApi::audit)),
    Map.entry(StorageActions.DASHBOARD_STATS, op(StorageApi.DashboardQuery.class, StorageApi::dashboard)),
    Map.entry(StorageActions.ACTIVITY_LIST, op(StorageApi.ActivityQuery.class, StorageApi::activity)),
    Map.entry(StorageActions.EVENTS_SINCE, op(StorageApi.EventsQuery.class, StorageApi::eventsSince)),
    Map.entry(StorageActions.EVENTS_LATEST, noBody(StorageApi::latestSeq)),
    Map.entry(StorageActions.WATCHES_LIST, op(String.class, StorageApi::watches)),
    Map.entry(StorageActions.WATCHES_ADD, op(StorageApi.WatchChange.class, StorageApi::watch)),
    Map.entry(StorageActions.WATCHES_REMOVE, op(StorageApi.WatchChange.class, StorageApi::unwatch)),
    Map.entry(StorageActions.NOTICES_LIST, op(StorageApi.NoticeQuery.class, StorageApi::notices)),
    Map.entry(StorageActions.NOTICES_READ, op(StorageApi.ReadNotices.class, StorageApi::readNotices)),
    Map.entry(StorageActions.NOTICES_SEND, op(Notification.class, StorageApi::sendNotice)),
    Map.entry(StorageActions.USERS_AUTHENTICATE, op(StorageApi.Credentials.class, StorageApi::authenticate)),
    Map.entry(StorageActions.USERS_GET, op(String.class, StorageApi::account)),
    Map.entry(StorageActions.USERS_LIST, noBody(StorageApi::listUsers)),
    Map.entry(StorageActions.USERS_CREATE, op(StorageApi.NewUser.class, StorageApi::createUser)),
    Map.entry(StorageActions.USERS_UPDATE, op(StorageApi.RoleChange.class, StorageApi::changeRole)),
    Map.entry(StorageActions.USERS_PASSWORD, op(StorageApi.PasswordChange.class, StorageApi::setPassword)),
    Map.entry(StorageActions.USERS_DELETE, op(StorageApi.UserAction.class, StorageApi::deleteUser)),
    Map.entry(StorageActions.LFS_OBJECTS, op(StorageApi.LfsObjectQuery.class, StorageApi::lfsObjects)),
    Map.entry(StorageActions.LFS_STORE, op(StorageApi.StoreLfsObject.class, StorageApi::storeLfsObject)),
    Map.entry(StorageActions.BLOBS_LOCAL, op(String.class, StorageApi::localBlob)),
    Map.entry(StorageActions.NODES_LIST, noBody(StorageApi::nodes)),
    Map.entry(StorageActions.NODES_DECOMMISSION, op(StorageApi.Decommission.class, StorageApi::decommissionNode)),
    Map.entry(StorageActions.NODES_REINSTATE, op(StorageApi.NodeAction.class, StorageApi::reinstateNode)),
    Map.entry(StorageActions.BLOBS_COPIES, op(StorageApi.CopiesWait.class, StorageApi::awaitCopies)),
    Map.entry(StorageActions.REPLICATION_STATE, noBody(StorageApi::replicationState)),
    Map.entry(StorageActions.HEALTH, noBody(StorageApi::health)));

  /** The actions a binding answers (for tests that check every one is covered). */
  public static List<String> actions() {
    return OPERATIONS.keySet().stream().sorted().toList();
  }

  /** Sends each call as a request naming its action; fails with the storage's PdmError. */
  private static final class Proxy implements StorageApi {

    private final EventBus bus;

    Proxy(EventBus bus) {
      this.bus = bus;
    }

    private <T> Future<T> call(String action, Object request, long timeoutMs) {
      DeliveryOptions options = new DeliveryOptions()
        .setCodecName(LOCAL_CODEC)
        .addHeader(Addresses.HEADER_ACTION, action)
        .setSendTimeout(timeoutMs);
      return bus.<T>request(Addresses.STORAGE, request, options)
        .transform(done -> done.succeeded() ? Future.succeededFuture(done.result().body())
          : Future.failedFuture(PdmError.from(done.cause())));
    }

    private <T> Future<T> call(String action, Object request) {
      return call(action, request, DEFAULT_TIMEOUT_MS);
    }

    @Override
    public Future<FileList> listFiles(ListFiles query) {
      return call(StorageActions.FILES_LIST, query);
    }

    @Override
    public Future<FileInfo> getFile(String filename) {
      return call(StorageActions.FILES_GET, filename);
    }

    @Override
    public Future<FileInfo> createFile(CreateFile request) {
      return call(StorageActions.FILES_CREATE, request, UPLOAD_TIMEOUT_MS);
    }

    @Override
    public Future<Void> admitUpload(UploadAdmission request) {
      return call(StorageActions.FILES_ADMIT, request);
    }

    @Override
    public Future<FileInfo> checkout(Checkout request) {
      return call(StorageActions.FILES_CHECKOUT, request);
    }

    @Override
    public Future<FileInfo> checkin(Checkin request) {
      return call(StorageActions.FILES_CHECKIN, request, UPLOAD_TIMEOUT_MS);
    }

    @Override
    public Future<FileInfo> cancelCheckout(FileAction request) {
      return call(StorageActions.FILES_CANCEL, request);
    }

    @Override
    public Future<FileInfo> overrideLock(OverrideLock request) {
      return call(StorageActions.FILES_OVERRIDE, request);
    }

    @Override
    public Future<FileInfo> deleteFile(FileAction request) {
      return call(StorageActions.FILES_DELETE, request);
    }

    @Override
    public Future<FileInfo> restoreFile(FileAction request) {
      return call(StorageActions.FILES_RESTORE, request);
    }

    @Override
    public Future<History> history(HistoryQuery query) {
      return call(StorageActions.FILES_HISTORY, query);
    }

    @Override
    public Future<BlobLocation> content(ContentQuery query) {
      return call(StorageActions.FILES_CONTENT, query, CONTENT_TIMEOUT_MS);
    }

    @Override
    public Future<Diff> diff(DiffQuery query) {
      return call(StorageActions.FILES_DIFF, query);
    }

    @Override
    public Future<ProgramInfo> programFacts(ProgramQuery query) {
      // The content may first be copied from another node, then interpreted.
      return call(StorageActions.FILES_PROGRAM, query, CONTENT_TIMEOUT_MS);
    }

    @Override
    public Future<FileInfo> transition(Transition request) {
      // a release checks the signer's password first (bcrypt on the crypto lane)
      return call(StorageActions.FILES_TRANSITION, request);
    }

    @Override
    public Future<ReleasedRevision> releasedRevision(String filename) {
      return call(StorageActions.FILES_RELEASED, filename);
    }

    @Override
    public Future<AuditTrail> audit(AuditQuery query) {
      return call(StorageActions.AUDIT_EXPORT, query, CONTENT_TIMEOUT_MS);
    }

    @Override
    public Future<DashboardStats> dashboard(DashboardQuery query) {
      return call(StorageActions.DASHBOARD_STATS, query);
    }

    @Override
    public Future<ActivityPage> activity(ActivityQuery query) {
      return call(StorageActions.ACTIVITY_LIST, query);
    }

    @Override
    public Future<EventPage> eventsSince(EventsQuery query) {
      return call(StorageActions.EVENTS_SINCE, query);
    }

    @Override
    public Future<Long> latestSeq() {
      return call(StorageActions.EVENTS_LATEST, null);
    }

    @Override
    public Future<List<Watch>> watches(String user) {
      return call(StorageActions.WATCHES_LIST, user);
    }

    @Override
    public Future<Watch> watch(WatchChange request) {
      return call(StorageActions.WATCHES_ADD, request);
    }

    @Override
    public Future<Void> unwatch(WatchChange request) {
      return call(StorageActions.WATCHES_REMOVE, request);
    }

    @Override
    public Future<NoticePage> notices(NoticeQuery query) {
      return call(StorageActions.NOTICES_LIST, query);
    }

    @Override
    public Future<Integer> readNotices(ReadNotices request) {
      return call(StorageActions.NOTICES_READ, request);
    }

    @Override
    public Future<Void> sendNotice(Notification notice) {
      return call(StorageActions.NOTICES_SEND, notice);
    }

    @Override
    public Future<UserInfo> authenticate(Credentials credentials) {
      return call(StorageActions.USERS_AUTHENTICATE, credentials);
    }

    @Override
    public Future<Account> account(String username) {
      return call(StorageActions.USERS_GET, username);
    }

    @Override
    public Future<List<UserInfo>> listUsers() {
      return call(StorageActions.USERS_LIST, null);
    }

    @Override
    public Future<UserInfo> createUser(NewUser request) {
      return call(StorageActions.USERS_CREATE, request);
    }

    @Override
    public Future<UserInfo> changeRole(RoleChange request) {
      return call(StorageActions.USERS_UPDATE, request);
    }

    @Override
    public Future<UserInfo> setPassword(PasswordChange request) {
      return call(StorageActions.USERS_PASSWORD, request);
    }

    @Override
    public Future<Void> deleteUser(UserAction request) {
      return call(StorageActions.USERS_DELETE, request);
    }

    @Override
    public Future<LfsObjects> lfsObjects(LfsObjectQuery query) {
      return call(StorageActions.LFS_OBJECTS, query);
    }

    @Override
    public Future<StoredBlob> storeLfsObject(StoreLfsObject request) {
      return call(StorageActions.LFS_STORE, request);
    }

    @Override
    public Future<StoredBlob> localBlob(String sha256) {
      return call(StorageActions.BLOBS_LOCAL, sha256);
    }

    @Override
    public Future<NodeList> nodes() {
      return call(StorageActions.NODES_LIST, null);
    }

    @Override
    public Future<NodeState> decommissionNode(Decommission request) {
      return call(StorageActions.NODES_DECOMMISSION, request);
    }

    @Override
    public Future<NodeState> reinstateNode(NodeAction request) {
      return call(StorageActions.NODES_REINSTATE, request);
    }

    @Override
    public Future<Copies> awaitCopies(CopiesWait request) {
      return call(StorageActions.BLOBS_COPIES, request, request.waitMs() + DEFAULT_TIMEOUT_MS);
    }

    @Override
    public Future<ReplicationState> replicationState() {
      return call(StorageActions.REPLICATION_STATE, null);
    }

    @Override
    public Future<StorageHealth> health() {
      return call(StorageActions.HEALTH, null, HEALTH_TIMEOUT_MS);
    }
  }

  /** Local delivery only: the receiver gets the very object that was sent. */
  static final class LocalCodec implements MessageCodec<Object, Object> {
    @Override
    public void encodeToWire(Buffer buffer, Object o) {
      throw new UnsupportedOperationException("Storage requests never leave their node");
    }

    @Override
    public Object decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("Storage requests never leave their node");
    }

    @Override
    public Object transform(Object o) {
      return o;
    }

    @Override
    public String name() {
      return LOCAL_CODEC;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
