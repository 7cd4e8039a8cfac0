package com.ncvault.contract;

import com.ncvault.contract.StorageApi.ActivityQuery;
import com.ncvault.contract.StorageApi.NoticeQuery;
import com.ncvault.contract.StorageApi.ReadNotices;
import com.ncvault.contract.StorageApi.WatchChange;
import com.ncvault.contract.StorageApi.Checkin;
import com.ncvault.contract.StorageApi.Checkout;
import com.ncvault.contract.StorageApi.ContentQuery;
import com.ncvault.contract.StorageApi.CreateFile;
import com.ncvault.contract.StorageApi.Credentials;
import com.ncvault.contract.StorageApi.DashboardQuery;
import com.ncvault.contract.StorageApi.DiffQuery;
import com.ncvault.contract.StorageApi.EventsQuery;
import com.ncvault.contract.StorageApi.FactsFilter;
import com.ncvault.contract.StorageApi.LfsObjectQuery;
import com.ncvault.contract.StorageApi.StoreLfsObject;
import com.ncvault.contract.StorageApi.FileAction;
import com.ncvault.contract.StorageApi.HistoryQuery;
import com.ncvault.contract.StorageApi.ListFiles;
import com.ncvault.contract.StorageApi.NewUser;
import com.ncvault.contract.StorageApi.OverrideLock;
import com.ncvault.contract.StorageApi.PasswordChange;
import com.ncvault.contract.StorageApi.ProgramQuery;
import com.ncvault.contract.StorageApi.RoleChange;
import com.ncvault.contract.StorageApi.UserAction;
import com.ncvault.contract.StorageApi.Decommission;
import com.ncvault.contract.StorageApi.NodeAction;
import com.ncvault.contract.StorageApi.CopiesWait;
import com.ncvault.contract.StorageApi.Transition;
import com.ncvault.contract.StorageApi.AuditQuery;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The JSON face of {@link StorageApi}: a storage action named as in {@link StorageActions} with a
 * JSON body, answered with the JSON of the reply record. The TCP bridge offers its read-only
 * actions this way to programs in other languages (docs/event-bus.md); field names are the record
 * components', with {@code user} for the acting user.
 */
public final class StorageJson {

  private StorageJson() {
  }

  /** The JSON reply, or a {@link PdmError} (400 for an unknown action or a field of the wrong type). */
  public static Future<JsonObject> call(StorageApi storage, String action, JsonObject body) {
    BiFunction<StorageApi, JsonObject, Future<?>> operation = OPERATIONS.get(action);
    if (operation == null) {
      return Future.failedFuture(new PdmError(ErrorCode.BAD_REQUEST, "Unknown storage action: " + action));
    }
    Future<?> reply;
    try {
      reply = operation.apply(storage, body == null ? new JsonObject() : body);
    } catch (ClassCastException | IllegalArgumentException wrongType) {
      return Future.failedFuture(new PdmError(ErrorCode.BAD_REQUEST, "A field of the request has the wrong type"));
    } catch (PdmError refused) {
      return Future.failedFuture(refused);
    }
    return reply.map(StorageJson::toJson);
  }

  private static JsonObject toJson(Object reply) {
    if (reply == null) {
      return new JsonObject();
    }
    if (reply instanceof JsonObject json) {
      return json;
    }
    return JsonObject.mapFrom(reply);
  }

  /** A text field; a value of another type is refused rather than turned into text. */
  private static String text(JsonObject body, String key) {
    Object value = body.getValue(key);
    if (value != null && !(value instanceof String)) {
      throw new IllegalArgumentException(key);
    }
    return (String) value;
  }

  private static StagedUpload staged(JsonObject body) {
    JsonObject staged = body.getJsonObject("staged");
    return staged == null ? null : staged.mapTo(StagedUpload.class);
  }

  private static boolean flag(JsonObject body, String key) {
    Object value = body.getValue(key);
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new IllegalArgumentException(key);
  }

  private static final Map<String, BiFunction<StorageApi, JsonObject, Future<?>>> OPERATIONS = Map.ofEntries(
    Map.entry(StorageActions.FILES_LIST, (s, b) -> s.listFiles(new ListFiles(text(b, "q"), text(b, "status"),
        text(b, "user"), flag(b, "includeDeleted"), factsFilter(b)))
      .map(list -> new JsonObject().put("groups", new JsonObject(list.json())).put("seq", list.seq()))),
    Map.entry(StorageActions.FILES_GET, (s, b) -> s.getFile(text(b, "filename"))),
    Map.entry(StorageActions.FILES_TRANSITION, (s, b) -> s.transition(new Transition(text(b, "filename"),
      text(b, "to"), text(b, "comment"), text(b, "password"), text(b, "user"), text(b, "role")))),
    Map.entry(StorageActions.FILES_RELEASED, (s, b) -> s.releasedRevision(text(b, "filename"))),
    Map.entry(StorageActions.AUDIT_EXPORT, (s, b) -> s.audit(new AuditQuery(b.getLong("fromMs", 0L),
      b.getLong("toMs", Long.MAX_VALUE), text(b, "user"), text(b, "role")))),
    Map.entry(StorageActions.FILES_CREATE, (s, b) -> s.createFile(new CreateFile(text(b, "filename"),
      text(b, "description"), text(b, "message"), text(b, "user"), text(b, "role"), staged(b)))),
    Map.entry(StorageActions.FILES_CHECKOUT, (s, b) -> s.checkout(new Checkout(text(b, "filename"),
      text(b, "user"), text(b, "role"), text(b, "message")))),
    Map.entry(StorageActions.FILES_CHECKIN, (s, b) -> s.checkin(new Checkin(text(b, "filename"),
      text(b, "user"), text(b, "role"), text(b, "message"), flag(b, "major"), flag(b, "keepLocked"),
      staged(b), text(b, "lockId")))),
    Map.entry(StorageActions.FILES_CANCEL, (s, b) -> s.cancelCheckout(fileAction(b))),
    Map.entry(StorageActions.FILES_OVERRIDE, (s, b) -> s.overrideLock(new OverrideLock(text(b, "filename"),
      text(b, "user"), text(b, "role"), text(b, "reason")))),
    Map.entry(StorageActions.FILES_DELETE, (s, b) -> s.deleteFile(fileAction(b))),
    Map.entry(StorageActions.FILES_RESTORE, (s, b) -> s.restoreFile(fileAction(b))),
    Map.entry(StorageActions.FILES_HISTORY, (s, b) -> s.history(new HistoryQuery(text(b, "filename"),
      flag(b, "replicas")))),
    Map.entry(StorageActions.FILES_CONTENT, (s, b) -> s.content(new ContentQuery(text(b, "filename"),
      text(b, "rev")))),
    Map.entry(StorageActions.FILES_DIFF, (s, b) -> s.diff(new DiffQuery(text(b, "filename"), text(b, "from"),
      text(b, "to")))),
    Map.entry(StorageActions.FILES_PROGRAM, (s, b) -> s.programFacts(new ProgramQuery(text(b, "filename"),
        text(b, "rev")))
      .map(p -> new JsonObject().put("filename", p.filename()).put("revision", p.revision()).put("sha256", p.sha256())
        .put("size", p.size()).put("facts", p.facts()))),
    Map.entry(StorageActions.DASHBOARD_STATS, (s, b) -> s.dashboard(new DashboardQuery(b.getLong("staleSeconds")))),
    Map.entry(StorageActions.ACTIVITY_LIST, (s, b) -> s.activity(new ActivityQuery(
      b.getInteger("limit", StorageLimits.DEFAULT_ACTIVITY_LIMIT), b.getInteger("offset", 0), text(b, "user"),
      text(b, "type"), b.getBoolean("withoutUserAdministration", false)))),
    Map.entry(StorageActions.EVENTS_SINCE, (s, b) -> s.eventsSince(new EventsQuery(b.getLong("since", 0L),
      b.getInteger("limit", StorageLimits.DEFAULT_EVENTS_LIMIT), b.getBoolean("withoutUserAdministration", false)))),
    Map.entry(StorageActions.EVENTS_LATEST, (s, b) -> s.latestSeq().map(seq -> new JsonObject().put("seq", seq))),
    Map.entry(StorageActions.WATCHES_LIST, (s, b) -> s.watches(text(b, "user")).map(w -> Map.of("watches", w))),
    Map.entry(StorageActions.WATCHES_ADD, (s, b) -> s.watch(new WatchChange(text(b, "user"), text(b, "filename")))),
    Map.entry(StorageActions.WATCHES_REMOVE, (s, b) -> s.unwatch(new WatchChange(text(b, "user"),
      text(b, "filename")))),
    Map.entry(StorageActions.NOTICES_LIST, (s, b) -> s.notices(new NoticeQuery(text(b, "user"),
      b.getInteger("limit", 50), b.getLong("before")))),
    Map.entry(StorageActions.NOTICES_READ, (s, b) -> s.readNotices(new ReadNotices(text(b, "user"),
      b.getJsonArray("ids") == null ? null : b.getJsonArray("ids").stream().map(id -> ((Number) id).longValue()).toList(),
      flag(b, "all"))).map(unread -> new JsonObject().put("unread", unread))),
    Map.entry(StorageActions.NOTICES_SEND, (s, b) -> s.sendNotice(new Notification(text(b, "to"), text(b, "from"),
      text(b, "kind"), text(b, "filename"), text(b, "text"), text(b, "timestamp")))),
    Map.entry(StorageActions.USERS_AUTHENTICATE, (s, b) -> s.authenticate(new Credentials(text(b, "username"),
      text(b, "password")))),
    Map.entry(StorageActions.USERS_GET, (s, b) -> s.account(text(b, "username"))),
    Map.entry(StorageActions.USERS_LIST, (s, b) -> s.listUsers().map(users -> Map.of("users", users))),
    Map.entry(StorageActions.USERS_CREATE, (s, b) -> s.createUser(new NewUser(text(b, "username"),
      text(b, "password"), text(b, "role"), text(b, "user")))),
    Map.entry(StorageActions.USERS_UPDATE, (s, b) -> s.changeRole(new RoleChange(text(b, "username"),
      text(b, "role"), text(b, "user")))),
    Map.entry(StorageActions.USERS_PASSWORD, (s, b) -> s.setPassword(new PasswordChange(text(b, "username"),
      text(b, "password"), text(b, "user")))),
    Map.entry(StorageActions.USERS_DELETE, (s, b) -> s.deleteUser(new UserAction(text(b, "username"),
      text(b, "user")))),
    Map.entry(StorageActions.LFS_OBJECTS, (s, b) -> s.lfsObjects(new LfsObjectQuery(b.getJsonArray("oids") == null
      ? null : b.getJsonArray("oids").stream().map(String.class::cast).toList()))),
    Map.entry(StorageActions.LFS_STORE, (s, b) -> s.storeLfsObject(new StoreLfsObject(text(b, "oid"),
      b.getLong("size", -1L), text(b, "user"), text(b, "role"), staged(b)))),
    Map.entry(StorageActions.BLOBS_LOCAL, (s, b) -> s.localBlob(text(b, "sha256"))),
    Map.entry(StorageActions.NODES_LIST, (s, b) -> s.nodes()),
    Map.entry(StorageActions.NODES_DECOMMISSION, (s, b) -> s.decommissionNode(new Decommission(text(b, "name"),
      text(b, "user"), flag(b, "force")))),
    Map.entry(StorageActions.NODES_REINSTATE, (s, b) -> s.reinstateNode(new NodeAction(text(b, "name"),
      text(b, "user")))),
    Map.entry(StorageActions.BLOBS_COPIES, (s, b) -> s.awaitCopies(new CopiesWait(text(b, "sha256"),
      b.getInteger("copies", 1), b.getLong("waitMs", 0L)))),
    Map.entry(StorageActions.REPLICATION_STATE, (s, b) -> s.replicationState()),
    Map.entry(StorageActions.HEALTH, (s, b) -> s.health()));

  /** The facts filter of a list request: numbers under the names of {@link FactsFilter#PARAMETERS}. */
  private static FactsFilter factsFilter(JsonObject body) {
    Double[] lengths = new Double[6];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = body.getDouble(FactsFilter.PARAMETERS.get(i + 1));
    }
    return new FactsFilter(body.getInteger("tool"), lengths[0], lengths[1], lengths[2], lengths[3], lengths[4],
      lengths[5]);
  }

  private static FileAction fileAction(JsonObject body) {
    return new FileAction(text(body, "filename"), text(body, "user"), text(body, "role"));
  }
}
