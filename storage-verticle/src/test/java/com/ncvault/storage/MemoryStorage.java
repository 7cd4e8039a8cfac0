package com.ncvault.storage;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.BlobLocation;
import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.EventTypes;
import com.ncvault.contract.FileInfo;
import com.ncvault.contract.Lifecycle;
import com.ncvault.contract.Notification;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.RevisionInfo;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StagedUpload;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageBinding;
import com.ncvault.contract.StorageLimits;
import com.ncvault.contract.UserInfo;
import com.ncvault.contract.UserUpdate;
import com.ncvault.nc.NcOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * The whole {@link StorageApi} in memory, for tests of the other verticles: the same rules as the
 * storage-verticle (it uses the same plain rule classes and a real {@link BlobStore} for content),
 * only the database is replaced by maps. It runs the storage behaviour suite like H2 and
 * PostgreSQL do (MemoryStorageTest), so it cannot drift from the real thing unnoticed.
 *
 * <p>Each change is committed (seq assigned) and then published on the event bus, as storage
 * does. For tests of live delivery, {@link #holdPublishing} keeps committed events back so a test
 * can publish them late, twice, out of order or never, and {@link #inject} commits an event
 * directly.
 */
public class MemoryStorage implements StorageApi {

  public static final String NODE = "memory";
  private static final Comparator<String> BY_NAME =
    String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());

  private record User(String username, String role, String password, long createdAt, long sessionsSince, String id) {
  }

  private final Vertx vertx;
  private final BlobStore blobs;
  private final FilenameRules names;
  private final Clock clock;
  private final Map<String, User> users = new TreeMap<>();
  private final Map<String, FileRow> files = new TreeMap<>();
  private final Map<String, List<RevisionInfo>> revisions = new HashMap<>();
  private final Map<String, List<StateChange>> transitions = new HashMap<>();
  private final Lifecycle lifecycle = Lifecycle.defaults();
  /** Program facts by content, as storage keeps them in program_facts. */
  private final Map<String, ProgramAnalysis> programs = new HashMap<>();
  private final NcOptions programOptions = NcOptions.DEFAULTS.withRapid(
    ConfigKeys.defaults().getDouble(ConfigKeys.RAPID_MM_PER_MIN));
  private final List<JsonObject> log = new ArrayList<>();
  /** user -> watched file -> since (epoch ms), as the watches table. */
  private final Map<String, TreeMap<String, Long>> watches = new TreeMap<>();
  /** Every user's notices, oldest first, as the notices table. */
  private final List<Kept> notices = new ArrayList<>();
  private long noticeIds;
  /** The notices of the event just appended, to be published right after it. */
  private final List<Notification> due = new ArrayList<>();

  private static final class Kept {
    final Notification notice;
    boolean read;

    Kept(Notification notice) {
      this.notice = notice;
    }
  }
  private long oldestKept = 1;
  private boolean holding;
  private MessageConsumer<Object> consumer;

  public MemoryStorage(Vertx vertx, Path dataDir, String adminPassword) {
    this.vertx = vertx;
    this.blobs = new BlobStore(dataDir);
    this.blobs.createDirectories();
    this.names = new FilenameRules(ConfigKeys.defaults().getJsonArray(ConfigKeys.ALLOWED_EXTENSIONS).stream()
      .map(Object::toString).toList(), null);
    this.clock = Clock.systemUTC();
    reset(adminPassword);
  }

  /** Back to a first start: only the user admin, no files, no events but admin's creation. */
  public synchronized void reset(String adminPassword) {
    users.clear();
    files.clear();
    revisions.clear();
    transitions.clear();
    programs.clear();
    log.clear();
    watches.clear();
    notices.clear();
    oldestKept = 1;
    long now = clock.millis();
    users.put(Bootstrap.ADMIN, new User(Bootstrap.ADMIN, Roles.ADMIN, adminPassword, now, 0, fixtureId(Bootstrap.ADMIN)));
    commit(EventTypes.USER_CREATED, null, UserService.SYSTEM, now, null, "Created user " + Bootstrap.ADMIN,
      new JsonObject().put("username", Bootstrap.ADMIN).put("role", Roles.ADMIN), null);
  }

  /** Writes content to incoming/ as the api's upload handler does. */
  public StagedUpload stage(byte[] content) {
    return blobs.stage(content);
  }

  /** Answers {@link Addresses#STORAGE} on this Vert.x instance, as the storage-verticle does. */
  public Future<Void> bind() {
    consumer = StorageBinding.bind(vertx, this);
    return consumer.completion();
  }

  public Future<Void> unbind() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  public Path incomingDir() {
    return blobs.incomingDir();
  }

  // --- test controls ---

  /** From now on committed events wait for {@link #publish}; false publishes at once again. */
  public synchronized void holdPublishing(boolean hold) {
    holding = hold;
  }

  /** Publishes a committed event (again). */
  public void publish(DomainEvent event) {
    vertx.eventBus().publish(Addresses.DOMAIN_EVENTS, JsonObject.mapFrom(event));
  }

  /** Every committed event, oldest first. */
  public synchronized List<DomainEvent> events() {
    return log.stream().map(e -> e.mapTo(DomainEvent.class)).toList();
  }

  /** Forgets every event, so the next one is seq 1 (tests of delivery that count from there). */
  public synchronized void clearEvents() {
    log.clear();
    oldestKept = 1;
  }

  /** Drops the history before {@code seq}, as a retention limit would. */
  public synchronized void forgetBefore(long seq) {
    oldestKept = seq;
  }

  /** A user with a role and password, as an admin would create them (without the event). */
  public synchronized void addUser(String username, String role, String password) {
    users.put(username, new User(username, role, password, clock.millis(), 0, fixtureId(username)));
  }

  /**
   * The id of a user put in place by {@link #reset} or {@link #addUser}: the same for a name across
   * resets (they stand for one fixed account, whose tokens a node running on through resets still
   * takes); an account created through {@link #createUser} gets a new one.
   */
  private String fixtureId(String username) {
    return fixtureIds.computeIfAbsent(username, name -> UUID.randomUUID().toString());
  }

  private final Map<String, String> fixtureIds = new HashMap<>();

  /**
   * Commits an event of {@code type} by {@code user} on {@code filename} the way the operation
   * would change the file, without the operation's checks (a file that does not exist yet is
   * created); publishes it unless publishing is held. For tests of delivery, not of rules.
   */
  public synchronized DomainEvent inject(String type, String filename, String user, String message) {
    return inject(type, filename, user, message, !holding);
  }

  /** As {@link #inject(String, String, String, String)}, published now or not at all ({@link #publish} later). */
  public synchronized DomainEvent inject(String type, String filename, String user, String message, boolean publish) {
    long now = clock.millis();
    FileRow before = files.get(filename);
    if (before == null) {
      before = new FileRow(filename, StorageLimits.groupOf(filename), "test file", "1.0", 100, "0".repeat(64), now,
        now, false, null, null, null, null, Lifecycle.DRAFT, null);
    }
    JsonObject details = new JsonObject();
    String revision = before.revision();
    FileRow after = switch (type) {
      case EventTypes.CREATE -> new FileRow(filename, before.group(), before.description(), "1.0", before.size(),
        before.sha256(), now, now, false, null, null, null, null, Lifecycle.DRAFT, null);
      case EventTypes.CHECKOUT -> withLock(before, user, now, message);
      case EventTypes.CHECKIN -> {
        revision = Revision.parse(revision).next(false).toString();
        yield new FileRow(filename, before.group(), before.description(), revision, before.size(), before.sha256(),
          before.createdAt(), now, false, null, null, null, null, Lifecycle.DRAFT, null);
      }
      case EventTypes.OVERRIDE -> {
        details.put("formerHolder", before.lockedBy()).put("reason", message);
        yield withLock(before, null, null, null);
      }
      case EventTypes.CANCEL -> withLock(before, null, null, null);
      case EventTypes.DELETE -> flag(before, true);
      case EventTypes.RESTORE -> flag(before, false);
      default -> throw new IllegalArgumentException("Not a file event: " + type);
    };
    files.put(filename, after);
    return injected(append(type, filename, user, now, revision, message, details, after.toJson()), publish);
  }

  /** A user event: {@code actor} did {@code type} to the account {@code username}, without the operation's checks. */
  public synchronized DomainEvent injectUserEvent(String type, String username, String actor, JsonObject details,
                                                  boolean publish) {
    return injected(append(type, null, actor, clock.millis(), null, type + " " + username,
      details.copy().put("username", username), null), publish);
  }

  private DomainEvent injected(JsonObject event, boolean publish) {
    if (publish) {
      vertx.eventBus().publish(Addresses.DOMAIN_EVENTS, event);
    }
    due.forEach(n -> vertx.eventBus().publish(Addresses.NOTIFY, JsonObject.mapFrom(n)));
    due.clear();
    return event.mapTo(DomainEvent.class);
  }

  // --- files ---

  @Override
  public Future<FileList> listFiles(ListFiles query) {
    return attempt(() -> {
      synchronized (this) {
        String needle = query.q() == null ? null : query.q().toLowerCase(Locale.ROOT);
        TreeMap<String, List<FileRow>> groups = new TreeMap<>();
        for (FileRow f : files.values()) {
          if (matches(f, needle, query) && passesFacts(f, query)) {
            groups.computeIfAbsent(f.group(), g -> new ArrayList<>()).add(f);
          }
        }
        JsonObject body = new JsonObject();
        groups.forEach((group, rows) -> {
          rows.sort(Comparator.comparing(FileRow::filename, BY_NAME));
          JsonArray array = new JsonArray();
          rows.forEach(f -> array.add(f.toJson()));
          body.put(group, array);
        });
        return new FileList(latest(), body.toBuffer());
      }
    });
  }

  private static boolean matches(FileRow f, String needle, ListFiles query) {
    String status = query.status();
    boolean wantDeleted = StorageLimits.STATUS_DELETED.equals(status);
    if (f.deleted() != wantDeleted && !(query.includeDeleted() && !wantDeleted)) {
      return false;
    }
    if (StorageLimits.STATUS_LOCKED.equals(status) && !f.locked()
      || StorageLimits.STATUS_UNLOCKED.equals(status) && f.locked()
      || StorageLimits.STATUS_MINE.equals(status) && !query.user().equals(f.lockedBy())) {
      return false;
    }
    if (needle == null) {
      return true;
    }
    String name = f.filename().toLowerCase(Locale.ROOT);
    String description = f.description().toLowerCase(Locale.ROOT);
    return java.util.Arrays.stream(needle.split("\\s+")).filter(w -> !w.isEmpty())
      .allMatch(w -> name.contains(w) || description.contains(w));
  }

  /** The facts filter against the facts computed so far, as storage's SQL applies it to program_facts. */
  private boolean passesFacts(FileRow f, ListFiles query) {
    if (query.facts() == null) {
      return true;
    }
    ProgramAnalysis program = programs.get(f.sha256());
    return program != null && !program.binary() && query.facts().matches(program.tools(), program.lengths());
  }

  @Override
  public synchronized Future<FileInfo> getFile(String filename) {
    return attempt(() -> existing(StorageLimits.filename(filename)).toInfo());
  }

  @Override
  public Future<FileInfo> createFile(CreateFile r) {
    Future<Void> checked = attempt(() -> {
      names.require(r.filename());
      Access.requireClaimedRole(r.role(), Roles.PROGRAMMER);
      synchronized (this) {
        refuseIfNameTaken(r.filename());
      }
      return null;
    });
    return ingestOrDiscard(checked, r.staged()).compose(v -> change(() -> {
      if (existingKey(r.filename()).isPresent()) {
        throw new PdmError(ErrorCode.ALREADY_EXISTS, "A file with this name exists already");
      }
      long now = clock.millis();
      StagedUpload staged = r.staged();
      FileRow row = new FileRow(r.filename(), StorageLimits.groupOf(r.filename()),
        r.description() == null ? "" : r.description(), Revision.FIRST.toString(), staged.size(), staged.sha256(),
        now, now, false, null, null, null, null, Lifecycle.DRAFT, null);
      files.put(row.filename(), row);
      String message = r.message() == null ? "Initial upload" : r.message();
      addRevision(row.filename(), Revision.FIRST.toString(), r.user(), now, message, staged);
      commit(EventTypes.CREATE, row.filename(), r.user(), now, row.revision(), message,
        new JsonObject().put("size", staged.size()), row.toJson());
      return row.toInfo();
    })).onSuccess(this::computeFactsLater);
  }

  @Override
  public synchronized Future<Void> admitUpload(UploadAdmission r) {
    return attempt(() -> {
      Access.requireClaimedRole(r.role(), Roles.PROGRAMMER);
      if (r.newFile()) {
        names.require(r.filename());
        refuseIfNameTaken(r.filename());
      } else {
        refuseUnlessHolder(r.filename(), r.user(), r.lockId());
      }
      return null;
    });
  }

  @Override
  public Future<FileInfo> checkout(Checkout r) {
    return change(() -> {
      Access.requireClaimedRole(r.role(), Roles.PROGRAMMER);
      FileRow row = files.get(r.filename());
      LockRules.checkoutRefusal(r.filename(), row).ifPresent(refusal -> {
        throw refusal;
      });
      long now = clock.millis();
      FileRow locked = withLock(row, r.user(), now, r.message());
      files.put(r.filename(), locked);
      commit(EventTypes.CHECKOUT, r.filename(), r.user(), now, locked.revision(), r.message(), new JsonObject(),
        locked.toJson());
      return locked.toInfo();
    });
  }

  @Override
  public Future<FileInfo> checkin(Checkin r) {
    Future<Void> checked = attempt(() -> {
      Access.requireClaimedRole(r.role(), Roles.PROGRAMMER);
      synchronized (this) {
        refuseUnlessHolder(r.filename(), r.user(), r.lockId());
      }
      return null;
    });
    return ingestOrDiscard(checked, r.staged()).compose(v -> change(() -> {
      FileRow row = refuseUnlessHolder(r.filename(), r.user(), r.lockId());
      long now = clock.millis();
      Revision next = Revision.parse(row.revision()).next(r.major());
      StagedUpload staged = r.staged();
      boolean keep = r.keepLocked();
      FileRow updated = new FileRow(row.filename(), row.group(), row.description(), next.toString(), staged.size(),
        staged.sha256(), row.createdAt(), now, false, keep ? row.lockedBy() : null, keep ? row.lockedAt() : null,
        keep ? row.lockMessage() : null, keep ? row.lockId() : null,
        Lifecycle.OBSOLETE.equals(row.state()) ? row.state() : Lifecycle.DRAFT, row.releasedRevision());
      files.put(row.filename(), updated);
      addRevision(row.filename(), next.toString(), r.user(), now, r.message(), staged);
      commit(EventTypes.CHECKIN, row.filename(), r.user(), now, next.toString(), r.message(),
        new JsonObject().put("major", r.major()).put("keepLocked", keep).put("size", staged.size()), updated.toJson());
      return updated.toInfo();
    })).onSuccess(this::computeFactsLater);
  }

  @Override
  public Future<FileInfo> cancelCheckout(FileAction r) {
    return change(() -> {
      FileRow row = refuseUnlessHolder(r.filename(), r.user());
      long now = clock.millis();
      FileRow free = withLock(row, null, null, null);
      files.put(row.filename(), free);
      commit(EventTypes.CANCEL, row.filename(), r.user(), now, free.revision(), null, new JsonObject(), free.toJson());
      return free.toInfo();
    });
  }

  @Override
  public Future<FileInfo> overrideLock(OverrideLock r) {
    return change(() -> {
      requireAdmin(r.user(), r.role());
      FileRow row = files.get(r.filename());
      LockRules.overrideRefusal(r.filename(), row).ifPresent(refusal -> {
        throw refusal;
      });
      long now = clock.millis();
      String former = row.lockedBy();
      FileRow free = withLock(row, null, null, null);
      files.put(row.filename(), free);
      JsonObject event = commit(EventTypes.OVERRIDE, row.filename(), r.user(), now, free.revision(), r.reason(),
        new JsonObject().put("formerHolder", former).put("reason", r.reason()), free.toJson());
      notifyLater(keep(new Notification(former, r.user(), Notification.KIND_OVERRIDE, row.filename(),
        r.user() + " overrode your checkout of " + row.filename() + ": " + r.reason(), FileRow.iso(now))
        .after(event.getLong("seq"))));
      return free.toInfo();
    });
  }

  @Override
  public Future<FileInfo> deleteFile(FileAction r) {
    return change(() -> {
      requireAdmin(r.user(), r.role());
      FileRow row = files.get(r.filename());
      LockRules.deleteRefusal(r.filename(), row).ifPresent(refusal -> {
        throw refusal;
      });
      return commitFlag(row, true, EventTypes.DELETE, r.user());
    });
  }

  @Override
  public Future<FileInfo> restoreFile(FileAction r) {
    return change(() -> {
      requireAdmin(r.user(), r.role());
      FileRow row = files.get(r.filename());
      LockRules.restoreRefusal(r.filename(), row).ifPresent(refusal -> {
        throw refusal;
      });
      return commitFlag(row, false, EventTypes.RESTORE, r.user());
    });
  }

  @Override
  public Future<FileInfo> transition(Transition r) {
    return change(() -> {
      FileRow row = files.get(r.filename());
      if (row == null || row.deleted()) {
        throw LockRules.notFound(r.filename());
      }
      Lifecycle.Rule rule = lifecycle.rule(row.state(), r.to()).orElseThrow(() ->
        new PdmError(ErrorCode.TRANSITION_NOT_ALLOWED, "A file in " + row.state() + " cannot move to " + r.to()));
      User stored = users.get(r.user());
      if (r.role() != null && !Roles.atLeast(r.role(), rule.role()) || stored == null
        || !Roles.atLeast(stored.role(), rule.role())) {
        throw new PdmError(ErrorCode.FORBIDDEN, "This needs the role " + rule.role());
      }
      if (rule.comment() && r.comment() == null) {
        throw new PdmError(ErrorCode.COMMENT_REQUIRED, "This transition needs a comment");
      }
      if (rule.signature() && (r.password() == null || !r.password().equals(stored.password()))) {
        throw new PdmError(ErrorCode.BAD_SIGNATURE, "The password is not yours: the file was not released");
      }
      long now = clock.millis();
      String released = Lifecycle.RELEASED.equals(r.to()) ? row.revision()
        : Lifecycle.OBSOLETE.equals(r.to()) ? null : row.releasedRevision();
      FileRow moved = new FileRow(row.filename(), row.group(), row.description(), row.revision(), row.size(),
        row.sha256(), row.createdAt(), row.modifiedAt(), row.deleted(), row.lockedBy(), row.lockedAt(),
        row.lockMessage(), row.lockId(), r.to(), released);
      files.put(row.filename(), moved);
      transitions.computeIfAbsent(row.filename(), f -> new ArrayList<>()).add(new StateChange(row.filename(),
        row.state(), r.to(), row.revision(), row.sha256(), r.user(), FileRow.iso(now), r.comment(), rule.signature()));
      commit(EventTypes.TRANSITION, row.filename(), r.user(), now, row.revision(), r.comment(), new JsonObject()
        .put("from", row.state()).put("to", r.to()).put("signed", rule.signature()).put("sha256", row.sha256()),
        moved.toJson());
      return moved.toInfo();
    });
  }

  @Override
  public synchronized Future<ReleasedRevision> releasedRevision(String filename) {
    return attempt(() -> {
      FileRow row = files.get(StorageLimits.filename(filename));
      if (row == null || row.deleted()) {
        throw LockRules.notFound(filename);
      }
      if (row.releasedRevision() == null) {
        throw new PdmError(ErrorCode.NOT_RELEASED, filename + " has no released revision");
      }
      RevisionInfo rev = revision(filename, Revision.parse(row.releasedRevision()));
      StateChange signed = transitions.getOrDefault(filename, List.of()).stream()
        .filter(t -> t.signed() && t.revision().equals(rev.revision())).reduce((a, b) -> b).orElse(null);
      return new ReleasedRevision(filename, rev.revision(), rev.sha256(), rev.size(),
        signed == null ? null : signed.user(), signed == null ? null : signed.at());
    });
  }

  @Override
  public synchronized Future<AuditTrail> audit(AuditQuery q) {
    return attempt(() -> {
      requireAdmin(q.user(), q.role());
      List<AuditEntry> entries = new ArrayList<>();
      revisions.forEach((filename, list) -> list.forEach(rev -> entries.add(new AuditEntry(rev.timestamp(),
        "1.0".equals(rev.revision()) ? EventTypes.CREATE : EventTypes.CHECKIN, filename, rev.revision(), rev.sha256(),
        rev.author(), null, null, false, rev.message()))));
      transitions.values().forEach(list -> list.forEach(t -> entries.add(new AuditEntry(t.at(),
        EventTypes.TRANSITION, t.filename(), t.revision(), t.sha256(), t.user(), t.from(), t.to(), t.signed(),
        t.comment()))));
      return new AuditTrail(entries.stream()
        .filter(e -> java.time.Instant.parse(e.at()).toEpochMilli() >= q.fromMs()
          && java.time.Instant.parse(e.at()).toEpochMilli() < q.toMs())
        // by time as SQL orders them (an ISO text drops trailing zeros: "…01Z" sorts after "…01.5Z")
        .sorted(Comparator.comparing((AuditEntry e) -> java.time.Instant.parse(e.at())).thenComparing(AuditEntry::filename)
          .thenComparing(AuditEntry::revision).thenComparing(AuditEntry::type)).toList(),
        false);
    });
  }

  @Override
  public synchronized Future<History> history(HistoryQuery q) {
    return attempt(() -> {
      existing(q.filename());
      List<RevisionInfo> newestFirst = new ArrayList<>(revisions.getOrDefault(q.filename(), List.of()));
      newestFirst.sort(Comparator.comparing((RevisionInfo info) -> Revision.parse(info.revision())).reversed());
      List<StateChange> changes = new ArrayList<>(transitions.getOrDefault(q.filename(), List.of()));
      java.util.Collections.reverse(changes);
      return new History(q.filename(), newestFirst.stream()
        .map(info -> q.replicas() ? info.withReplicas(List.of(NODE)) : info).toList(), List.copyOf(changes));
    });
  }

  @Override
  public synchronized Future<BlobLocation> content(ContentQuery q) {
    return attempt(() -> {
      RevisionInfo info = revision(q.filename(), q.rev() == null ? null : Revision.parse(q.rev()));
      return new BlobLocation(q.filename(), info.revision(), blobs.pathOf(info.sha256()).toString(), info.size(),
        info.sha256());
    });
  }

  @Override
  public Future<Diff> diff(DiffQuery q) {
    return attempt(() -> {
      synchronized (this) {
        return new RevisionInfo[] {revision(q.filename(), Revision.parse(q.from())),
          revision(q.filename(), Revision.parse(q.to()))};
      }
    }).compose(pair -> {
      if (pair[0].size() > TextDiff.MAX_BYTES || pair[1].size() > TextDiff.MAX_BYTES) {
        return Future.failedFuture(new PdmError(ErrorCode.PAYLOAD_TOO_LARGE,
          "Revisions larger than 20 MB are not compared"));
      }
      return vertx.executeBlocking(() -> new Diff(q.filename(), pair[0].revision(), pair[1].revision(),
        TextDiff.unified(q.filename(), pair[0].revision(), blobs.read(pair[0].sha256()), pair[1].revision(),
          blobs.read(pair[1].sha256()))));
    });
  }

  @Override
  public Future<ProgramInfo> programFacts(ProgramQuery q) {
    return attempt(() -> {
      synchronized (this) {
        return revision(q.filename(), q.rev() == null ? null : Revision.parse(q.rev()));
      }
    }).compose(info -> info.size() > StorageLimits.MAX_PROGRAM_BYTES
      ? Future.failedFuture(ProgramFactsService.tooLarge())
      : analysed(info.sha256()).compose(program -> program.binary()
        ? Future.failedFuture(ProgramFactsService.notAProgram())
        : Future.succeededFuture(new ProgramInfo(q.filename(), info.revision(), info.sha256(), info.size(),
          program.json()))));
  }

  /** The facts of a content, interpreted on a worker the first time they are asked for. */
  private Future<ProgramAnalysis> analysed(String sha256) {
    synchronized (this) {
      ProgramAnalysis known = programs.get(sha256);
      if (known != null) {
        return Future.succeededFuture(known);
      }
    }
    return vertx.executeBlocking(() -> ProgramAnalysis.of(blobs.pathOf(sha256), programOptions), false)
      .map(program -> {
        synchronized (this) {
          programs.put(sha256, program);
        }
        return program;
      });
  }

  private void computeFactsLater(FileInfo stored) {
    if (stored.size() <= StorageLimits.MAX_PROGRAM_BYTES) {
      analysed(stored.sha256());
    }
  }

  // --- activity ---

  @Override
  public synchronized Future<DashboardStats> dashboard(DashboardQuery q) {
    long now = clock.millis();
    long stale = q.staleSeconds() != null ? q.staleSeconds()
      : ConfigKeys.defaults().getLong(ConfigKeys.STALE_LOCK_SECONDS);
    List<ActiveCheckout> active = new ArrayList<>();
    Map<String, Long> perUser = new TreeMap<>();
    files.values().stream().filter(f -> f.locked() && !f.deleted())
      .sorted(Comparator.comparing(FileRow::lockedAt).thenComparing(FileRow::filename))
      .forEach(f -> {
        long duration = Math.max(0, (now - f.lockedAt()) / 1000);
        active.add(new ActiveCheckout(f.filename(), f.lockedBy(), FileRow.iso(f.lockedAt()), duration, f.lockMessage(),
          duration >= stale));
        perUser.merge(f.lockedBy(), 1L, Long::sum);
      });
    LocalDate today = Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC).toLocalDate();
    Map<LocalDate, Long> perDay = new LinkedHashMap<>();
    for (LocalDate d = today.minusDays(ActivityService.CHECKIN_DAYS - 1L); !d.isAfter(today); d = d.plusDays(1)) {
      perDay.put(d, 0L);
    }
    revisions.values().forEach(list -> list.stream().filter(r -> !Revision.FIRST.toString().equals(r.revision()))
      .forEach(r -> perDay.computeIfPresent(Instant.parse(r.timestamp()).atZone(ZoneOffset.UTC).toLocalDate(),
        (d, n) -> n + 1)));
    long deleted = files.values().stream().filter(FileRow::deleted).count();
    return Future.succeededFuture(new DashboardStats(active, files.size() - deleted,
      files.values().stream().filter(FileRow::locked).count(), deleted,
      revisions.values().stream().mapToLong(List::size).sum(), users.size(),
      perDay.entrySet().stream().map(e -> new DayCount(e.getKey().toString(), e.getValue())).toList(),
      perUser.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .map(e -> new UserCount(e.getKey(), e.getValue())).toList(),
      stale));
  }

  @Override
  public synchronized Future<ActivityPage> activity(ActivityQuery q) {
    List<Activity> page = new ArrayList<>();
    int skipped = 0;
    for (int i = log.size() - 1; i >= 0 && page.size() < q.limit(); i--) {
      JsonObject e = log.get(i);
      if (e.getLong("seq") < oldestKept || q.user() != null && !q.user().equals(e.getString("user"))
        || q.type() != null && !q.type().equals(e.getString("type"))
        || q.withoutUserAdministration() && EventTypes.isUserAdministration(e.getString("type"))) {
        continue;
      }
      if (skipped++ < q.offset()) {
        continue;
      }
      page.add(new Activity(e.getLong("seq"), e.getString("type"), e.getString("filename"), e.getString("user"),
        e.getString("timestamp"), e.getString("revision"), e.getString("message")));
    }
    return Future.succeededFuture(new ActivityPage(page));
  }

  @Override
  public synchronized Future<EventPage> eventsSince(EventsQuery q) {
    List<DomainEvent> page = new ArrayList<>();
    for (JsonObject e : log) {
      long seq = e.getLong("seq");
      boolean hidden = q.withoutUserAdministration() && EventTypes.isUserAdministration(e.getString("type"));
      if (seq > q.since() && seq >= oldestKept && !hidden && page.size() < q.limit()) {
        page.add(e.mapTo(DomainEvent.class));
      }
    }
    long oldest = log.size() < oldestKept ? 0 : oldestKept;
    return Future.succeededFuture(new EventPage(page, latest(), oldest, oldest > 0 && q.since() < oldest - 1));
  }

  @Override
  public synchronized Future<Long> latestSeq() {
    return Future.succeededFuture(latest());
  }

  // --- users ---

  @Override
  public synchronized Future<UserInfo> authenticate(Credentials c) {
    User user = c.username() == null ? null : users.get(c.username());
    if (user == null || c.password() == null || !user.password().equals(c.password())) {
      return Future.failedFuture(new PdmError(ErrorCode.UNAUTHENTICATED, "Invalid username or password"));
    }
    return Future.succeededFuture(info(user));
  }

  @Override
  public synchronized Future<Account> account(String username) {
    return attempt(() -> {
      User user = existingUser(StorageLimits.required("username", username));
      return new Account(user.username(), user.role(), FileRow.iso(user.createdAt()), user.sessionsSince(), user.id());
    });
  }

  @Override
  public synchronized Future<List<UserInfo>> listUsers() {
    return Future.succeededFuture(users.values().stream().map(MemoryStorage::info).toList());
  }

  @Override
  public Future<UserInfo> createUser(NewUser r) {
    return change(() -> {
      requireAdmin(r.actor(), null);
      UserRules.requireUsername(r.username());
      UserRules.requireRole(r.role());
      UserRules.requirePassword(r.password());
      if (users.containsKey(r.username())) {
        throw new PdmError(ErrorCode.ALREADY_EXISTS, "A user named " + r.username() + " exists already");
      }
      long now = clock.millis();
      User user = new User(r.username(), r.role(), r.password(), now, 0, UUID.randomUUID().toString());
      users.put(r.username(), user);
      commit(EventTypes.USER_CREATED, null, r.actor(), now, null, "Created user " + r.username(),
        new JsonObject().put("username", r.username()).put("role", r.role()), null);
      return info(user);
    });
  }

  @Override
  public Future<UserInfo> changeRole(RoleChange r) {
    return change(() -> {
      requireAdmin(r.actor(), null);
      UserRules.requireRole(r.role());
      User user = existingUser(r.username());
      if (Roles.ADMIN.equals(user.role()) && !Roles.ADMIN.equals(r.role()) && admins() <= 1) {
        throw new PdmError(ErrorCode.CONFLICT, "The last admin cannot lose the admin role");
      }
      User changed = new User(user.username(), r.role(), user.password(), user.createdAt(), user.sessionsSince(), user.id());
      users.put(user.username(), changed);
      commit(EventTypes.USER_CHANGED, null, r.actor(), clock.millis(), null,
        "Changed the role of " + user.username() + " to " + r.role(),
        new JsonObject().put("username", user.username()).put("role", r.role()).put("formerRole", user.role()), null);
      return info(changed);
    });
  }

  @Override
  public Future<UserInfo> setPassword(PasswordChange r) {
    return change(() -> {
      requireAdmin(r.actor(), null);
      UserRules.requirePassword(r.password());
      User user = existingUser(r.username());
      long now = clock.millis();
      users.put(user.username(), new User(user.username(), user.role(), r.password(), user.createdAt(), now, user.id()));
      commit(EventTypes.USER_CHANGED, null, r.actor(), now, null, "Set a new password for " + user.username(),
        new JsonObject().put("username", user.username()).put("passwordChanged", true), null);
      return info(user);
    });
  }

  @Override
  public Future<Void> deleteUser(UserAction r) {
    return change(() -> {
      requireAdmin(r.actor(), null);
      if (r.username().equals(r.actor())) {
        throw new PdmError(ErrorCode.CONFLICT, "You cannot delete yourself");
      }
      User user = existingUser(r.username());
      if (Roles.ADMIN.equals(user.role()) && admins() <= 1) {
        throw new PdmError(ErrorCode.CONFLICT, "The last admin cannot be deleted");
      }
      users.remove(user.username());
      watches.remove(user.username());
      notices.removeIf(k -> k.notice.to().equals(user.username()));
      commit(EventTypes.USER_DELETED, null, r.actor(), clock.millis(), null, "Deleted user " + user.username(),
        new JsonObject().put("username", user.username()).put("role", user.role()), null);
      return null;
    });
  }

  // --- Git LFS objects ---

  private final Map<String, Long> lfsObjects = new HashMap<>();

  @Override
  public synchronized Future<LfsObjects> lfsObjects(LfsObjectQuery query) {
    List<StoredBlob> present = new ArrayList<>();
    for (String oid : query.oids()) {
      if (lfsObjects.containsKey(oid) && blobs.sizeOf(oid) >= 0) {
        present.add(new StoredBlob(oid, blobs.pathOf(oid).toString(), blobs.sizeOf(oid)));
      }
    }
    return Future.succeededFuture(new LfsObjects(present));
  }

  @Override
  public Future<StoredBlob> storeLfsObject(StoreLfsObject r) {
    StagedUpload staged = r.staged();
    Future<Void> checked = attempt(() -> {
      Access.requireClaimedRole(r.role(), Roles.PROGRAMMER);
      if (staged.size() != r.size() || !r.oid().equals(staged.sha256())) {
        throw new PdmError(ErrorCode.VALIDATION, "The object sent is not the announced one");
      }
      return null;
    });
    return ingestOrDiscard(checked, staged).map(v -> {
      synchronized (this) {
        lfsObjects.put(r.oid(), r.size());
      }
      return new StoredBlob(r.oid(), blobs.pathOf(r.oid()).toString(), r.size());
    });
  }

  // --- nodes ---

  @Override
  public Future<StoredBlob> localBlob(String sha256) {
    return attempt(() -> {
      if (sha256 == null || !BlobStore.isSha256(sha256)) {
        throw new PdmError(ErrorCode.BAD_REQUEST, "A SHA-256 is 64 lower-case hex digits");
      }
      long size = blobs.sizeOf(sha256);
      if (size < 0) {
        throw new PdmError(ErrorCode.NOT_FOUND, "This node does not hold " + sha256);
      }
      return new StoredBlob(sha256, blobs.pathOf(sha256).toString(), size);
    });
  }

  @Override
  public synchronized Future<NodeList> nodes() {
    long contents = revisions.values().stream().flatMap(List::stream).map(RevisionInfo::sha256).distinct().count();
    return Future.succeededFuture(new NodeList(NODE, contents,
      List.of(new NodeState(NODE, "http://127.0.0.1:0", FileRow.iso(clock.millis()), contents)), List.of()));
  }

  /** One node, which holds every content it has: one copy, at once. */
  @Override
  public synchronized Future<Copies> awaitCopies(CopiesWait r) {
    return Future.succeededFuture(new Copies(r.sha256(), 1, r.copies()));
  }

  @Override
  public synchronized Future<ReplicationState> replicationState() {
    long contents = revisions.values().stream().flatMap(List::stream).map(RevisionInfo::sha256).distinct().count();
    return Future.succeededFuture(new ReplicationState(0, contents));
  }

  /** One node only: the node answering cannot decommission itself, and there is no other. */
  @Override
  public synchronized Future<NodeState> decommissionNode(Decommission r) {
    return attempt(() -> {
      requireAdmin(r.actor(), null);
      throw r.name().equals(NODE) ? new PdmError(ErrorCode.CONFLICT, "A node cannot decommission itself")
        : new PdmError(ErrorCode.NOT_FOUND, "No node " + r.name());
    });
  }

  @Override
  public synchronized Future<NodeState> reinstateNode(NodeAction r) {
    return attempt(() -> {
      requireAdmin(r.actor(), null);
      throw new PdmError(ErrorCode.NOT_FOUND, "No decommissioned node " + r.name());
    });
  }

  @Override
  public Future<StorageHealth> health() {
    long committed;
    synchronized (this) {
      committed = log.size();
    }
    return Future.succeededFuture(new StorageHealth("up", blobs.healthy() ? "up" : "down", NODE, Map.of(),
      FileRow.iso(clock.millis()), committed, committed, List.of(), null, null, null));
  }

  // --- the "database" ---

  private long latest() {
    return log.size();
  }

  /** Appends the event with the next seq; published after the caller's change completes. */
  private synchronized JsonObject commit(String type, String filename, String user, long at, String revision,
                                         String message, JsonObject details, JsonObject file) {
    JsonObject event = append(type, filename, user, at, revision, message, details, file);
    if (!holding) {
      vertx.runOnContext(v -> vertx.eventBus().publish(Addresses.DOMAIN_EVENTS, event));
    }
    due.forEach(this::notifyLater);
    due.clear();
    return event;
  }

  private JsonObject append(String type, String filename, String user, long at, String revision, String message,
                            JsonObject details, JsonObject file) {
    JsonObject event = EventLog.toJson(log.size() + 1L, type, filename, user, FileRow.iso(at), revision, message,
      details, file);
    log.add(event);
    String freed = Notices.freedFile(event);
    if (freed != null) {
      for (Map.Entry<String, TreeMap<String, Long>> watcher : watches.entrySet()) {
        if (watcher.getValue().remove(freed) != null && !watcher.getKey().equals(user)) {
          due.add(keep(new Notification(watcher.getKey(), user, Notification.KIND_FREE, freed,
            freed + ", which you watch, is free now", FileRow.iso(at)).after(event.getLong("seq"))));
        }
      }
    }
    return event;
  }

  /** Keeps a notice in its recipient's inbox (the oldest beyond the limit dropped); the notice as kept. */
  private synchronized Notification keep(Notification notice) {
    Notification kept = notice.kept(++noticeIds, 0);
    notices.add(new Kept(kept));
    List<Kept> own = notices.stream().filter(k -> k.notice.to().equals(notice.to())).toList();
    for (int i = 0; i < own.size() - StorageLimits.MAX_NOTICES_KEPT; i++) {
      notices.remove(own.get(i));
    }
    return kept.kept(kept.id(), unread(notice.to()));
  }

  private int unread(String user) {
    return (int) notices.stream().filter(k -> !k.read && k.notice.to().equals(user)).count();
  }

  private void publishUser(UserUpdate update) {
    vertx.runOnContext(v -> vertx.eventBus().publish(Addresses.USER_UPDATE, update.toJson()));
  }

  // --- watches and the inbox ---

  @Override
  public Future<List<Watch>> watches(String user) {
    return attempt(() -> {
      synchronized (this) {
        List<Watch> list = new ArrayList<>();
        watches.getOrDefault(user, new TreeMap<>()).forEach((f, since) -> list.add(new Watch(f, FileRow.iso(since))));
        return list;
      }
    });
  }

  @Override
  public Future<Watch> watch(WatchChange r) {
    return change(() -> {
      FileRow row = files.get(r.filename());
      if (row == null || row.deleted()) {
        throw new PdmError(ErrorCode.NOT_FOUND, "No file " + r.filename());
      }
      if (!row.locked() || r.user().equals(row.lockedBy())) {
        throw new PdmError(ErrorCode.CONFLICT, r.filename() + " is not checked out by someone else; there is nothing to wait for");
      }
      TreeMap<String, Long> own = watches.computeIfAbsent(r.user(), u -> new TreeMap<>());
      if (!own.containsKey(r.filename()) && own.size() >= StorageLimits.MAX_WATCHES) {
        throw new PdmError(ErrorCode.CONFLICT, "You can watch at most " + StorageLimits.MAX_WATCHES + " files");
      }
      long since = own.computeIfAbsent(r.filename(), f -> clock.millis());
      publishUser(UserUpdate.watching(r.user(), r.filename(), true));
      return new Watch(r.filename(), FileRow.iso(since));
    });
  }

  @Override
  public Future<Void> unwatch(WatchChange r) {
    return change(() -> {
      TreeMap<String, Long> own = watches.get(r.user());
      if (own != null) {
        own.remove(r.filename());
      }
      publishUser(UserUpdate.watching(r.user(), r.filename(), false));
      return null;
    });
  }

  @Override
  public Future<NoticePage> notices(NoticeQuery q) {
    return attempt(() -> {
      synchronized (this) {
        long before = q.before() == null ? Long.MAX_VALUE : q.before();
        List<Notice> page = new ArrayList<>();
        for (int i = notices.size() - 1; i >= 0; i--) {
          Kept k = notices.get(i);
          if (k.notice.to().equals(q.user()) && k.notice.id() < before) {
            page.add(new Notice(k.notice.id(), k.notice.kind(), k.notice.from(), k.notice.filename(), k.notice.text(),
              k.notice.timestamp(), k.read));
          }
        }
        boolean more = page.size() > q.limit();
        return new NoticePage(List.copyOf(more ? page.subList(0, q.limit()) : page), unread(q.user()), more);
      }
    });
  }

  @Override
  public Future<Integer> readNotices(ReadNotices r) {
    return change(() -> {
      for (Kept k : notices) {
        if (k.notice.to().equals(r.user()) && (r.all() || r.ids().contains(k.notice.id()))) {
          k.read = true;
        }
      }
      int left = unread(r.user());
      publishUser(UserUpdate.read(r.user(), r.ids(), r.all(), left));
      return left;
    });
  }

  @Override
  public Future<Void> sendNotice(Notification notice) {
    return change(() -> {
      if (notice.to() == null || notice.kind() == null || notice.text() == null) {
        throw new PdmError(ErrorCode.VALIDATION, "A notice names its recipient, kind and text");
      }
      existingUser(notice.to());
      notifyLater(keep(notice.timestamp() != null ? notice : new Notification(notice.to(), notice.from(),
        notice.kind(), notice.filename(), notice.text(), FileRow.iso(clock.millis()))));
      return null;
    });
  }

  private void notifyLater(Notification notification) {
    vertx.runOnContext(v -> vertx.eventBus().publish(Addresses.NOTIFY, JsonObject.mapFrom(notification)));
  }

  private FileInfo commitFlag(FileRow row, boolean deleted, String type, String user) {
    FileRow changed = flag(row, deleted);
    files.put(row.filename(), changed);
    commit(type, row.filename(), user, clock.millis(), changed.revision(), null, new JsonObject(), changed.toJson());
    return changed.toInfo();
  }

  private void addRevision(String filename, String revision, String user, long now, String message,
                           StagedUpload staged) {
    revisions.computeIfAbsent(filename, f -> new ArrayList<>())
      .add(new RevisionInfo(revision, user, FileRow.iso(now), message, staged.size(), staged.sha256()));
  }

  private FileRow existing(String filename) {
    FileRow row = files.get(filename);
    if (row == null) {
      throw LockRules.notFound(filename);
    }
    return row;
  }

  private Optional<FileRow> existingKey(String filename) {
    String key = FileService.nameKey(filename);
    return files.values().stream().filter(f -> FileService.nameKey(f.filename()).equals(key)).findFirst();
  }

  private void refuseIfNameTaken(String filename) {
    existingKey(filename).ifPresent(f -> {
      throw new PdmError(ErrorCode.ALREADY_EXISTS, f.deleted()
        ? "A deleted file named " + f.filename() + " exists; an admin can restore it"
        : "A file named " + f.filename() + " exists already", new JsonObject().put("existing", f.filename()));
    });
  }

  private RevisionInfo revision(String filename, Revision rev) {
    FileRow row = existing(filename);
    String wanted = rev == null ? row.revision() : rev.toString();
    return revisions.getOrDefault(filename, List.of()).stream().filter(r -> r.revision().equals(wanted)).findFirst()
      .orElseThrow(() -> new PdmError(ErrorCode.NOT_FOUND, "File " + filename + " has no revision " + wanted));
  }

  private FileRow refuseUnlessHolder(String filename, String user) {
    return refuseUnlessHolder(filename, user, null);
  }

  private FileRow refuseUnlessHolder(String filename, String user, String lockId) {
    FileRow row = files.get(filename);
    LockRules.checkinRefusal(filename, row, user, lockId).ifPresent(refusal -> {
      throw refusal;
    });
    return row;
  }

  private void requireAdmin(String user, String claimedRole) {
    User stored = users.get(user);
    if (claimedRole != null && !Roles.ADMIN.equals(claimedRole) || stored == null
      || !Roles.ADMIN.equals(stored.role())) {
      throw new PdmError(ErrorCode.FORBIDDEN, "Only an admin may do this");
    }
  }

  private User existingUser(String username) {
    User user = users.get(username);
    if (user == null) {
      throw new PdmError(ErrorCode.NOT_FOUND, "There is no user named " + username);
    }
    return user;
  }

  private long admins() {
    return users.values().stream().filter(u -> Roles.ADMIN.equals(u.role())).count();
  }

  private static UserInfo info(User user) {
    return new UserInfo(user.username(), user.role(), FileRow.iso(user.createdAt()), user.id());
  }

  /** A new lock (with a new id) for a holder, or none for null. */
  private static FileRow withLock(FileRow row, String holder, Long at, String message) {
    return new FileRow(row.filename(), row.group(), row.description(), row.revision(), row.size(), row.sha256(),
      row.createdAt(), row.modifiedAt(), row.deleted(), holder, at, message,
      holder == null ? null : java.util.UUID.randomUUID().toString(), row.state(), row.releasedRevision());
  }

  private static FileRow flag(FileRow row, boolean deleted) {
    return new FileRow(row.filename(), row.group(), row.description(), row.revision(), row.size(), row.sha256(),
      row.createdAt(), row.modifiedAt(), deleted, row.lockedBy(), row.lockedAt(), row.lockMessage(), row.lockId(),
      row.state(), row.releasedRevision());
  }

  /** Staged content into the blob store after the checks; deleted when the checks or the copy fail. */
  private Future<Void> ingestOrDiscard(Future<Void> checked, StagedUpload staged) {
    return checked.compose(v -> vertx.<Void>executeBlocking(() -> {
      blobs.ingest(staged);
      return null;
    })).recover(e -> vertx.<Void>executeBlocking(() -> {
      blobs.discard(staged);
      return null;
    }).transform(ignored -> Future.failedFuture(e)));
  }

  /** One change, atomically; its failure is a value. */
  private <T> Future<T> change(Callable<T> work) {
    return attempt(() -> {
      synchronized (this) {
        return work.call();
      }
    });
  }

  private static <T> Future<T> attempt(Callable<T> work) {
    try {
      return Future.succeededFuture(work.call());
    } catch (PdmError e) {
      return Future.failedFuture(e);
    } catch (Exception e) {
      return Future.failedFuture(new PdmError(ErrorCode.INTERNAL, "Internal error: " + e));
    }
  }
}
