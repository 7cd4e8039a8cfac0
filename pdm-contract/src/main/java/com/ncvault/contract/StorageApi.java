package com.ncvault.contract;

import static com.ncvault.contract.StorageLimits.required;
import static com.ncvault.contract.StorageLimits.roleOrNull;
import static com.ncvault.contract.StorageLimits.text;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * What the storage-verticle of a node offers: one method per operation, records in, records out.
 * Failures are {@link PdmError}s (their code says the HTTP status). The storage-verticle implements
 * it; everyone else reaches it through {@link StorageBinding#proxy} over the event bus
 * ({@link Addresses#STORAGE}, local to the node). Request records check the shared limits of
 * {@link StorageLimits} when built, so a request that breaks them cannot be sent.
 *
 * <p>{@code user} in a request is the acting user, {@code role} the role the api found for them
 * (storage checks admin operations against the stored role too).
 */
public interface StorageApi {

  // --- files ---

  /**
   * The file list grouped by part number, encoded once: {@link FileList#json} is exactly the body of
   * {@code GET /api/files}. Deleted files appear only with status {@code deleted}. The list is never
   * older than its seq.
   */
  Future<FileList> listFiles(ListFiles query);

  /** 404 for an unknown file. */
  Future<FileInfo> getFile(String filename);

  /**
   * A new file at revision 1.0. 400 invalid_filename; 409 already_exists (also for a name that
   * differs only in case, or a deleted file of that name). The staged upload is always consumed or
   * deleted.
   */
  Future<FileInfo> createFile(CreateFile request);

  /**
   * Whether the user may upload now, asked before any byte of the upload is staged: for a new file,
   * that the name is valid and free (400, 409); for a check-in, that they hold the file's lock (404,
   * 409) and, when it names one, that its lock id is still the file's (409 lock_ended). The commit
   * checks the same again.
   */
  Future<Void> admitUpload(UploadAdmission request);

  /**
   * 404 unknown or deleted; 409 file_locked "File is already locked by X" with {lockedBy, lockedAt}.
   * The file returned carries the new lock's {@code lockId}.
   */
  Future<FileInfo> checkout(Checkout request);

  /**
   * A new revision (minor + 1, or major + 1 with minor 0); releases the lock unless keepLocked.
   * 409 not_lock_holder unless the user holds the lock; with a lockId, 409 lock_ended unless it is
   * the lock's id (a lock that ended never lets an upload prepared under it land, even when the same
   * user holds a new one). The staged upload is always consumed or deleted.
   */
  Future<FileInfo> checkin(Checkin request);

  /** 409 not_lock_holder unless the user holds the lock. */
  Future<FileInfo> cancelCheckout(FileAction request);

  /**
   * Admin: breaks another user's lock with a reason; the former holder is notified
   * ({@link Addresses#NOTIFY}). 409 conflict when the file is not checked out.
   */
  Future<FileInfo> overrideLock(OverrideLock request);

  /** Admin: soft delete; 409 file_locked while checked out. */
  Future<FileInfo> deleteFile(FileAction request);

  /** Admin: brings a deleted file back; 404 unless the file is deleted. */
  Future<FileInfo> restoreFile(FileAction request);

  /** Revisions newest first; with {@code replicas} each names the nodes holding its content. */
  Future<History> history(HistoryQuery query);

  /**
   * Where the content of a revision (the current one without rev) lies on this node; content this
   * node lacks is first fetched from a node that holds it. 404 unknown revision; 503 when no node
   * can provide it.
   */
  Future<BlobLocation> content(ContentQuery query);

  /** Unified diff of two revisions; 415 for binary content, 413 above the size limit. */
  Future<Diff> diff(DiffQuery query);

  /**
   * What the NC program of a revision (the current one without rev) holds: its {@code ProgramFacts}
   * (docs/nc-program.md), computed once per content off the event loops and kept by SHA-256. 404
   * unknown revision; 415 unsupported_media_type for binary content; 413 above
   * {@link StorageLimits#MAX_PROGRAM_BYTES}; 503 when the content is on no reachable node or the
   * node is too busy to compute it now.
   */
  Future<ProgramInfo> programFacts(ProgramQuery query);

  /**
   * Moves the file to another lifecycle state ({@link Lifecycle}). 404 unknown or deleted file; 409
   * transition_not_allowed when the configuration has no transition from its state to {@code to}; 403
   * forbidden without the transition's role; 400 comment_required; for a release (an electronic
   * signature) 403 bad_signature unless {@code password} is the user's. A release makes the current
   * revision the released one and records user, time, comment and its SHA-256; obsolete leaves none
   * released. Nothing changes on a refusal.
   */
  Future<FileInfo> transition(Transition request);

  /** The released revision of a file, for sending it to a machine. 404 unknown or deleted; 409 not_released. */
  Future<ReleasedRevision> releasedRevision(String filename);

  /**
   * Admin only: the audit trail from {@code fromMs} (inclusive) to {@code toMs} (exclusive), oldest
   * first: transitions with their signatures, new files and check-ins, at most
   * {@link StorageLimits#MAX_AUDIT_ENTRIES} ({@code truncated} says when more were left out).
   */
  Future<AuditTrail> audit(AuditQuery query);

  // --- activity ---

  Future<DashboardStats> dashboard(DashboardQuery query);

  /** The activity feed, newest first. */
  Future<ActivityPage> activity(ActivityQuery query);

  /**
   * Events after {@code since}, oldest first, for catch-up. Every event from since + 1 to
   * latestSeq is in the page (up to the limit).
   */
  Future<EventPage> eventsSince(EventsQuery query);

  /** The latest committed seq. */
  Future<Long> latestSeq();

  // --- users ---

  // --- watches and the inbox: each user's own ---

  /** The files {@code user} watches, by name. */
  Future<List<Watch>> watches(String user);

  /**
   * {@code user} is told (a "free" notice in the inbox) when the file is next released; the watch
   * ends then. Idempotent. 404 for an unknown or deleted file; 409 conflict when nobody else holds
   * the file, or at {@link StorageLimits#MAX_WATCHES}. Published to the user's pages
   * ({@link Addresses#USER_UPDATE}).
   */
  Future<Watch> watch(WatchChange request);

  /** Ends a watch; idempotent. Published to the user's pages when there was one. */
  Future<Void> unwatch(WatchChange request);

  /** A page of the user's inbox. */
  Future<NoticePage> notices(NoticeQuery query);

  /** Marks notices read; the unread count left. Published to the user's pages ({@link Addresses#USER_UPDATE}). */
  Future<Integer> readNotices(ReadNotices request);

  /**
   * Keeps a notice in its recipient's inbox (the oldest beyond {@link StorageLimits#MAX_NOTICES_KEPT}
   * dropped) and publishes it on {@link Addresses#NOTIFY}. 404 when the recipient has no account.
   */
  Future<Void> sendNotice(Notification notice);

  /** 401 on a wrong name or password, alike. */
  Future<UserInfo> authenticate(Credentials credentials);

  /** The account as it is now; 404 when there is none. */
  Future<Account> account(String username);

  Future<List<UserInfo>> listUsers();

  /** Admin only. 400 for a bad name, role or password; 409 already_exists. */
  Future<UserInfo> createUser(NewUser request);

  /** Admin only. 409 when it would leave no admin. */
  Future<UserInfo> changeRole(RoleChange request);

  /** Admin only. Ends the account's sessions. */
  Future<UserInfo> setPassword(PasswordChange request);

  /** Admin only. 409 for yourself or the last admin. */
  Future<Void> deleteUser(UserAction request);

  // --- Git LFS objects ---

  /**
   * Which of the asked Git LFS objects this node's content store holds as LFS objects (content
   * stored by {@link #storeLfsObject}; LFS objects are not vault files and appear in no list). 400
   * for an id that is not a SHA-256.
   */
  Future<LfsObjects> lfsObjects(LfsObjectQuery query);

  /**
   * Programmer: moves an uploaded Git LFS object into the content store once its SHA-256 and size
   * are the ones the client announced (400 validation_failed otherwise, the upload dropped), and
   * records it as an LFS object so that it is kept. Storing an object held already changes nothing.
   * The staged upload is always consumed or deleted.
   */
  Future<StoredBlob> storeLfsObject(StoreLfsObject request);

  // --- nodes ---

  /** A blob of THIS node's store (never fetched elsewhere); 400 malformed SHA-256, 404 not held here. */
  Future<StoredBlob> localBlob(String sha256);

  /** The nodes of the cluster and how much of the vault's content each holds. */
  Future<NodeList> nodes();

  /**
   * Admin only: the node leaves the node list and no node asks it for content any more; started
   * again, it refuses to serve until {@link #reinstateNode}. 404 unknown node; 409 for the node
   * answering, or (unless {@code force}) when it holds content no other node holds. Repeating it
   * changes nothing.
   */
  Future<NodeState> decommissionNode(Decommission request);

  /** Admin only: a decommissioned node may serve and be asked for content again. 404 unless decommissioned. */
  Future<NodeState> reinstateNode(NodeAction request);

  /**
   * Succeeds once {@code copies} nodes in service hold the content (each copy was checked against
   * its SHA-256 when stored), or after {@code waitMs} with the count reached by then.
   */
  Future<Copies> awaitCopies(CopiesWait request);

  /** Content copies this node still has to make, and contents held by one node in service only. */
  Future<ReplicationState> replicationState();

  /** Database and blob store state; a 503 failure carrying the same fields when one is down. */
  Future<StorageHealth> health();

  // --- requests ---

  /**
   * status: one of {@link StorageLimits#STATUS_FILTERS} or null; {@code mine} needs the user. q: the
   * search; a file matches when every word of it is in its name or description (any case, any order).
   * facts: null, or a filter by the program facts of each file's current revision.
   */
  record ListFiles(String q, String status, String user, boolean includeDeleted, FactsFilter facts) {

    public ListFiles(String q, String status, String user, boolean includeDeleted) {
      this(q, status, user, includeDeleted, null);
    }

    public ListFiles {
      if (q != null && q.length() > StorageLimits.MAX_QUERY) {
        throw StorageLimits.invalid(ErrorCode.VALIDATION, "q", "q must be at most " + StorageLimits.MAX_QUERY
          + " characters");
      }
      q = q == null || q.isBlank() ? null : q.strip();
      status = StorageLimits.status(status);
      if (StorageLimits.STATUS_MINE.equals(status) && (user == null || user.isBlank())) {
        throw new PdmError(ErrorCode.BAD_REQUEST, "status=mine needs the user");
      }
      facts = facts == null || facts.isEmpty() ? null : facts;
    }

    public static ListFiles all() {
      return new ListFiles(null, null, null, false);
    }
  }

  /**
   * Narrows the list by the facts of each file's current revision: it loads tool {@code tool}, and
   * its extents are at least ({@code minLength*}) or at most ({@code maxLength*}) so long along an
   * axis (max - min, mm). Every field is optional. A file whose facts are not known (binary content,
   * facts not computed yet) passes no filter; one whose program does not move has no lengths. 400
   * validation_failed naming the field for a value out of range or a minimum above its maximum.
   */
  record FactsFilter(Integer tool, Double minLengthX, Double maxLengthX, Double minLengthY, Double maxLengthY,
                     Double minLengthZ, Double maxLengthZ) {

    /** The query parameters of {@code GET /api/files} that make a filter, in the order of the fields. */
    public static final List<String> PARAMETERS = List.of("tool", "minLengthX", "maxLengthX", "minLengthY",
      "maxLengthY", "minLengthZ", "maxLengthZ");
    /** The axes, in the order {@link #minLength} and {@link #maxLength} number them. */
    public static final String AXES = "XYZ";

    public FactsFilter {
      if (tool != null && (tool < 0 || tool > StorageLimits.MAX_TOOL_NUMBER)) {
        throw StorageLimits.invalid(ErrorCode.VALIDATION, "tool", "tool must be a whole number from 0 to "
          + StorageLimits.MAX_TOOL_NUMBER);
      }
      Double[] bounds = {minLengthX, maxLengthX, minLengthY, maxLengthY, minLengthZ, maxLengthZ};
      for (int i = 0; i < bounds.length; i++) {
        Double value = bounds[i];
        if (value != null && !(value >= 0 && value <= StorageLimits.MAX_FILTER_LENGTH)) {
          throw StorageLimits.invalid(ErrorCode.VALIDATION, PARAMETERS.get(i + 1), PARAMETERS.get(i + 1)
            + " must be a length in mm from 0 to " + (long) StorageLimits.MAX_FILTER_LENGTH);
        }
      }
      for (int axis = 0; axis < 3; axis++) {
        if (bounds[2 * axis] != null && bounds[2 * axis + 1] != null && bounds[2 * axis] > bounds[2 * axis + 1]) {
          throw StorageLimits.invalid(ErrorCode.VALIDATION, PARAMETERS.get(2 * axis + 1), PARAMETERS.get(2 * axis + 1)
            + " must not be greater than " + PARAMETERS.get(2 * axis + 2));
        }
      }
    }

    /**
     * A filter from text parameters (a query string), blank meaning absent; 400 naming the
     * parameter for text that is not a number.
     */
    public static FactsFilter parse(java.util.function.Function<String, String> parameter) {
      Double[] lengths = new Double[6];
      for (int i = 0; i < lengths.length; i++) {
        String name = PARAMETERS.get(i + 1);
        String text = blankToNull(parameter.apply(name));
        try {
          lengths[i] = text == null ? null : Double.valueOf(text);
        } catch (NumberFormatException e) {
          throw StorageLimits.invalid(ErrorCode.VALIDATION, name, name + " must be a number of mm");
        }
      }
      String tool = blankToNull(parameter.apply("tool"));
      Integer number;
      try {
        number = tool == null ? null : Integer.valueOf(tool);
      } catch (NumberFormatException e) {
        throw StorageLimits.invalid(ErrorCode.VALIDATION, "tool", "tool must be a whole number from 0 to "
          + StorageLimits.MAX_TOOL_NUMBER);
      }
      return new FactsFilter(number, lengths[0], lengths[1], lengths[2], lengths[3], lengths[4], lengths[5]);
    }

    private static String blankToNull(String text) {
      return text == null || text.isBlank() ? null : text.strip();
    }

    @JsonIgnore
    public boolean isEmpty() {
      return tool == null && minLengthX == null && maxLengthX == null && minLengthY == null && maxLengthY == null
        && minLengthZ == null && maxLengthZ == null;
    }

    /** The least length along axis 0 (X), 1 (Y) or 2 (Z), or null. */
    public Double minLength(int axis) {
      return new Double[] {minLengthX, minLengthY, minLengthZ}[axis];
    }

    /** The greatest length along axis 0 (X), 1 (Y) or 2 (Z), or null. */
    public Double maxLength(int axis) {
      return new Double[] {maxLengthX, maxLengthY, maxLengthZ}[axis];
    }

    /**
     * Whether a program passes: the tools it loads, and its lengths along X, Y and Z (null when it
     * does not move). The storage's SQL applies the same rule to the stored facts.
     */
    public boolean matches(java.util.Collection<Integer> tools, double[] lengths) {
      if (tool != null && !tools.contains(tool)) {
        return false;
      }
      for (int axis = 0; axis < 3; axis++) {
        Double min = minLength(axis);
        Double max = maxLength(axis);
        if ((min != null || max != null) && lengths == null
          || min != null && lengths[axis] < min
          || max != null && lengths[axis] > max) {
          return false;
        }
      }
      return true;
    }
  }

  record CreateFile(String filename, String description, String message, String user, String role,
                    StagedUpload staged) {
    public CreateFile {
      filename = StorageLimits.filename(filename);
      description = text("description", description, false);
      message = text("message", message, false);
      user = required("user", user);
      role = roleOrNull(role);
      if (staged == null) {
        throw new PdmError(ErrorCode.BAD_REQUEST, "The upload is missing");
      }
    }
  }

  /**
   * newFile: a create (the name must be free), else a check-in (the user must hold the lock, the
   * one named by lockId when it is not null).
   */
  record UploadAdmission(String filename, String user, String role, boolean newFile, String lockId) {
    public UploadAdmission {
      filename = StorageLimits.filename(filename);
      user = required("user", user);
      role = roleOrNull(role);
      lockId = StorageLimits.lockIdOrNull(lockId);
    }

    public UploadAdmission(String filename, String user, String role, boolean newFile) {
      this(filename, user, role, newFile, null);
    }
  }

  record Checkout(String filename, String user, String role, String message) {
    public Checkout {
      filename = StorageLimits.filename(filename);
      user = required("user", user);
      role = roleOrNull(role);
      message = text("message", message, false);
    }
  }

  /** lockId: the lock the upload was prepared under (see {@link FileInfo#lockId}), or null for any lock the user holds. */
  record Checkin(String filename, String user, String role, String message, boolean major, boolean keepLocked,
                 StagedUpload staged, String lockId) {
    public Checkin {
      filename = StorageLimits.filename(filename);
      user = required("user", user);
      role = roleOrNull(role);
      message = text("message", message, true);
      if (staged == null) {
        throw new PdmError(ErrorCode.BAD_REQUEST, "The upload is missing");
      }
      lockId = StorageLimits.lockIdOrNull(lockId);
    }

    public Checkin(String filename, String user, String role, String message, boolean major, boolean keepLocked,
                   StagedUpload staged) {
      this(filename, user, role, message, major, keepLocked, staged, null);
    }
  }

  /** Cancel, delete or restore a file. */
  record FileAction(String filename, String user, String role) {
    public FileAction {
      filename = StorageLimits.filename(filename);
      user = required("user", user);
      role = roleOrNull(role);
    }
  }

  record OverrideLock(String filename, String user, String role, String reason) {
    public OverrideLock {
      filename = StorageLimits.filename(filename);
      user = required("user", user);
      role = roleOrNull(role);
      reason = text("reason", reason, true);
    }
  }

  record HistoryQuery(String filename, boolean replicas) {
    public HistoryQuery {
      filename = StorageLimits.filename(filename);
    }
  }

  /** rev null (or blank) = the current revision. */
  record ContentQuery(String filename, String rev) {
    public ContentQuery {
      filename = StorageLimits.filename(filename);
      rev = rev == null || rev.isBlank() ? null : rev;
    }
  }

  record DiffQuery(String filename, String from, String to) {
    public DiffQuery {
      filename = StorageLimits.filename(filename);
      from = required("from", from);
      to = required("to", to);
    }
  }

  /** rev null (or blank) = the current revision. */
  record ProgramQuery(String filename, String rev) {
    public ProgramQuery {
      filename = StorageLimits.filename(filename);
      rev = rev == null || rev.isBlank() ? null : rev;
    }
  }

  /** A lifecycle transition; never printed with its password. */
  record Transition(String filename, String to, String comment, String password, String user, String role) {
    public Transition {
      filename = StorageLimits.filename(filename);
      if (to == null || !Lifecycle.STATES.contains(to)) {
        throw StorageLimits.invalid(ErrorCode.VALIDATION, "to", "to must be one of "
          + String.join(", ", Lifecycle.STATES));
      }
      comment = text("comment", comment, false);
      comment = comment == null || comment.isBlank() ? null : comment.strip();
      user = required("user", user);
      role = roleOrNull(role);
    }

    @Override
    public String toString() {
      return "Transition[filename=" + filename + ", to=" + to + ", user=" + user + "]";
    }
  }

  /** An admin's export of the audit trail, times in epoch ms. */
  record AuditQuery(long fromMs, long toMs, String user, String role) {
    public AuditQuery {
      if (fromMs < 0 || toMs < fromMs) {
        throw StorageLimits.invalid(ErrorCode.VALIDATION, "to", "to must not be before from");
      }
      user = required("user", user);
      role = roleOrNull(role);
    }
  }

  /** Checkouts older than staleSeconds are marked stale; null = the node's configured age. */
  record DashboardQuery(Long staleSeconds) {
  }

  /**
   * user and type filter when given; limit is kept within 1..{@link StorageLimits#MAX_ACTIVITY_LIMIT}.
   * {@code withoutUserAdministration}: leaves out the events only admins may read
   * ({@link EventTypes#isUserAdministration}), for everyone else.
   */
  record ActivityQuery(int limit, int offset, String user, String type, boolean withoutUserAdministration) {
    public ActivityQuery {
      limit = StorageLimits.clamp(limit, 1, StorageLimits.MAX_ACTIVITY_LIMIT);
      offset = Math.max(0, offset);
      user = user == null || user.isBlank() ? null : user;
      type = type == null || type.isBlank() ? null : type;
    }

    /** Every event, user administration included. */
    public ActivityQuery(int limit, int offset, String user, String type) {
      this(limit, offset, user, type, false);
    }
  }

  /**
   * limit is kept within 1..{@link StorageLimits#MAX_EVENTS_LIMIT}. {@code withoutUserAdministration}:
   * leaves out the events only admins may read; the page's latestSeq still counts them.
   */
  record EventsQuery(long since, int limit, boolean withoutUserAdministration) {
    public EventsQuery {
      since = Math.max(0, since);
      limit = StorageLimits.clamp(limit, 1, StorageLimits.MAX_EVENTS_LIMIT);
    }

    /** Every event, user administration included (what sync reads). */
    public EventsQuery(long since, int limit) {
      this(since, limit, false);
    }
  }

  /** user: whose watch; filename: the watched file. */
  record WatchChange(String user, String filename) {
    public WatchChange {
      user = required("user", user);
      filename = StorageLimits.filename(filename);
    }
  }

  /**
   * One page of a user's inbox, newest first: at most {@code limit} notices (kept within
   * 1..{@link StorageLimits#MAX_NOTICES_PAGE}) older than the notice {@code before} (null: from the newest).
   */
  record NoticeQuery(String user, int limit, Long before) {
    public NoticeQuery {
      user = required("user", user);
      limit = StorageLimits.clamp(limit, 1, StorageLimits.MAX_NOTICES_PAGE);
    }
  }

  /** Marks the notices {@code ids} of {@code user} read, or all of them; ids of other users' notices change nothing. */
  record ReadNotices(String user, List<Long> ids, boolean all) {
    public ReadNotices {
      user = required("user", user);
      ids = ids == null ? List.of() : List.copyOf(ids);
      if (!all && ids.isEmpty()) {
        throw new PdmError(ErrorCode.VALIDATION, "Name the notices read (ids) or all of them (all: true)");
      }
      if (ids.size() > StorageLimits.MAX_NOTICES_KEPT) {
        throw new PdmError(ErrorCode.VALIDATION, "At most " + StorageLimits.MAX_NOTICES_KEPT + " ids at once");
      }
    }
  }

  /** A login attempt. Never printed with its password. */
  record Credentials(String username, String password) {
    @Override
    public String toString() {
      return "Credentials[username=" + username + "]";
    }
  }

  /** actor: the admin asking. Never printed with its password. */
  record NewUser(String username, String password, String role, String actor) {
    public NewUser {
      actor = required("user", actor);
    }

    @Override
    public String toString() {
      return "NewUser[username=" + username + ", role=" + role + ", actor=" + actor + "]";
    }
  }

  record RoleChange(String username, String role, String actor) {
    public RoleChange {
      username = required("username", username);
      actor = required("user", actor);
    }
  }

  /** Never printed with its password. */
  record PasswordChange(String username, String password, String actor) {
    public PasswordChange {
      username = required("username", username);
      actor = required("user", actor);
    }

    @Override
    public String toString() {
      return "PasswordChange[username=" + username + ", actor=" + actor + "]";
    }
  }

  record UserAction(String username, String actor) {
    public UserAction {
      username = required("username", username);
      actor = required("user", actor);
    }
  }

  /** {@code force}: decommission even when the node holds the only copy of some content (it is lost). */
  record Decommission(String name, String actor, boolean force) {
    public Decommission {
      name = required("name", name);
      actor = required("user", actor);
    }
  }

  /** Git LFS object ids (SHA-256, lower-case hex), at most {@link StorageLimits#MAX_LFS_OBJECTS}. */
  record LfsObjectQuery(List<String> oids) {
    public LfsObjectQuery {
      if (oids == null || oids.size() > StorageLimits.MAX_LFS_OBJECTS) {
        throw StorageLimits.invalid(ErrorCode.VALIDATION, "objects", "Ask for 1 to " + StorageLimits.MAX_LFS_OBJECTS
          + " objects at a time");
      }
      oids = List.copyOf(oids);
      oids.forEach(StorageLimits::lfsOid);
    }
  }

  /** oid and size: what the client announced; staged: what it sent. */
  record StoreLfsObject(String oid, long size, String user, String role, StagedUpload staged) {
    public StoreLfsObject {
      oid = StorageLimits.lfsOid(oid);
      user = required("user", user);
      role = roleOrNull(role);
      if (staged == null) {
        throw new PdmError(ErrorCode.BAD_REQUEST, "The upload is missing");
      }
    }
  }

  record CopiesWait(String sha256, int copies, long waitMs) {
    public CopiesWait {
      sha256 = required("sha256", sha256);
      copies = Math.max(1, copies);
      waitMs = Math.max(0, waitMs);
    }
  }

  record NodeAction(String name, String actor) {
    public NodeAction {
      name = required("name", name);
      actor = required("user", actor);
    }
  }

  // --- replies ---

  /**
   * The file list: {@code json} is the encoded body of {@code GET /api/files} (group -> files sorted
   * by name), made once per seq off the event loops.
   */
  record FileList(long seq, Buffer json) {
    /** The groups decoded (for tests and the bridge; the api sends {@link #json} as it is). */
    @JsonIgnore
    public Map<String, List<FileInfo>> groups() {
      JsonObject decoded = new JsonObject(json);
      Map<String, List<FileInfo>> groups = new java.util.LinkedHashMap<>();
      for (String group : decoded.fieldNames()) {
        List<FileInfo> files = new java.util.ArrayList<>();
        decoded.getJsonArray(group).forEach(f -> files.add(((JsonObject) f).mapTo(FileInfo.class)));
        groups.put(group, files);
      }
      return groups;
    }
  }

  /** A file a user watches, since when (ISO-8601). */
  record Watch(@JsonProperty("filename") String filename, @JsonProperty("since") String since) {
  }

  /** One notice of an inbox. */
  record Notice(
    @JsonProperty("id") long id,
    @JsonProperty("kind") String kind,
    @JsonProperty("from") String from,
    @JsonProperty("filename") String filename,
    @JsonProperty("text") String text,
    @JsonProperty("timestamp") String timestamp,
    @JsonProperty("read") boolean read) {
  }

  /** A page of an inbox, newest first; {@code unread}: the user's unread count; {@code more}: older notices exist. */
  record NoticePage(@JsonProperty("notices") List<Notice> notices, @JsonProperty("unread") int unread,
                    @JsonProperty("more") boolean more) {
  }

  /** {@code transitions}: the file's lifecycle transitions, newest first (who released what, and when). */
  record History(String filename, List<RevisionInfo> revisions, List<StateChange> transitions) {
  }

  /**
   * One lifecycle transition: the revision and its SHA-256 at the time, who made it, when and why;
   * {@code signed} for a release (the signer's password was checked).
   */
  record StateChange(String filename, String from, String to, String revision, String sha256, String user,
                     String at, String comment, boolean signed) {
  }

  /** The released revision of a file and the signature that released it. */
  record ReleasedRevision(String filename, String revision, String sha256, long size, String releasedBy,
                          String releasedAt) {
  }

  /**
   * One line of the audit trail: {@code type} is {@link EventTypes#CREATE}, {@link EventTypes#CHECKIN}
   * or {@link EventTypes#TRANSITION}; from and to only for transitions, signed for releases.
   */
  /**
   * One line of the audit trail: a transition, a new file or check-in, or a transfer to a machine
   * ({@code at} its start, {@code end} its end, {@code comment} why it failed, {@code result} its
   * status; the transfer fields are null for the others).
   */
  record AuditEntry(String at, String type, String filename, String revision, String sha256, String user,
                    String from, String to, boolean signed, String comment, String machine, String end, Long bytes,
                    String result) {

    /** A line that is not a transfer. */
    public AuditEntry(String at, String type, String filename, String revision, String sha256, String user,
                      String from, String to, boolean signed, String comment) {
      this(at, type, filename, revision, sha256, user, from, to, signed, comment, null, null, null, null);
    }
  }

  record AuditTrail(List<AuditEntry> entries, boolean truncated) {
  }

  record Diff(String filename, String from, String to, String diff) {
  }

  /**
   * The program facts of one revision: {@code json} is the {@code ProgramFacts} JSON
   * (docs/nc-program.md) exactly as it was encoded when the content was first interpreted.
   */
  record ProgramInfo(String filename, String revision, String sha256, long size, Buffer json) {
    /** The facts decoded (for tests and the JSON face; the api sends {@link #json} as it is). */
    @JsonIgnore
    public JsonObject facts() {
      return new JsonObject(json);
    }
  }

  record DashboardStats(
    @JsonProperty("active_checkouts") List<ActiveCheckout> activeCheckouts,
    @JsonProperty("total_files") long totalFiles,
    @JsonProperty("locked_files") long lockedFiles,
    @JsonProperty("deleted_files") long deletedFiles,
    @JsonProperty("total_revisions") long totalRevisions,
    @JsonProperty("users") long users,
    @JsonProperty("checkins_per_day") List<DayCount> checkinsPerDay,
    @JsonProperty("locks_per_user") List<UserCount> locksPerUser,
    @JsonProperty("stale_lock_seconds") long staleLockSeconds) {
  }

  record ActiveCheckout(
    @JsonProperty("filename") String filename,
    @JsonProperty("locked_by") String lockedBy,
    @JsonProperty("locked_at") String lockedAt,
    @JsonProperty("duration_seconds") long durationSeconds,
    @JsonProperty("lock_message") String lockMessage,
    @JsonProperty("stale") boolean stale) {
  }

  record DayCount(String day, long count) {
  }

  record UserCount(String user, long count) {
  }

  record ActivityPage(List<Activity> activities) {
  }

  /** One line of the activity feed. */
  record Activity(
    @JsonProperty("seq") long seq,
    @JsonProperty("event_type") String eventType,
    @JsonProperty("filename") String filename,
    @JsonProperty("user") String user,
    @JsonProperty("timestamp") String timestamp,
    @JsonProperty("revision") String revision,
    @JsonProperty("message") String message) {
  }

  /**
   * A page of events oldest first. {@code truncated}: events after since were already dropped by
   * the retention limit (since < oldestSeq - 1); the caller needs a full snapshot.
   */
  record EventPage(List<DomainEvent> events, long latestSeq, long oldestSeq, boolean truncated) {

    /**
     * True when this page continues a history that ended at {@code since} without a hole: its first
     * event is {@code since + 1}, or it is empty and nothing newer exists.
     */
    public boolean continuesFrom(long since) {
      if (truncated) {
        return false;
      }
      return events.isEmpty() ? latestSeq <= since : events.get(0).seq() == since + 1;
    }

    /** True when {@code since} is newer than anything storage has (for example a reset database). */
    public boolean isBehind(long since) {
      return since > latestSeq;
    }
  }

  /**
   * A user as the vault knows it now; tokens issued before {@code sessionsSince} (epoch ms) are no longer good,
   * nor tokens of another {@code id} (the immutable id of this account: a token of a deleted account of the
   * same name carries the deleted one's).
   */
  record Account(String username, String role, String createdAt, long sessionsSince, String id) {
  }

  /** The LFS objects of a {@link LfsObjectQuery} that this node holds (path and size of each). */
  record LfsObjects(List<StoredBlob> present) {
  }

  /** A blob of this node's store, for sending it to another node. */
  record StoredBlob(String sha256, String path, long size) {
  }

  /** {@code held}: nodes in service holding the content when the wait ended; {@code wanted}: the copies asked for. */
  record Copies(String sha256, int held, int wanted) {
    public boolean enough() {
      return held >= wanted;
    }
  }

  /** {@code backlog}: contents this node is to copy; {@code singleCopies}: contents one node in service holds alone. */
  record ReplicationState(int backlog, long singleCopies) {
  }

  /** {@code nodes}: the node list; {@code decommissioned}: nodes taken out of it by an admin. */
  record NodeList(String self, long blobs, List<NodeState> nodes, List<NodeState> decommissioned) {
  }

  /** A node of the registry: where it is reached, when it was last seen, how many contents it holds. */
  record NodeState(String name, String internalUrl, String lastSeen, long blobs) {
  }

  /**
   * database and blobStore "up", "down" (or "unknown" before the first probe), as last probed at
   * {@code checkedAt}; {@code lanes}: what each kind of blocking work is doing (running, waiting,
   * refused so far); the changes committed since start and the transactions they took;
   * {@code skippedPeers}: other nodes this node skips for content now, because they stopped answering;
   * {@code diskSync} (H2 only): "ok", or "failed" once a sync of the database's file failed (at
   * {@code diskSyncFailedAt}), after which the node takes no changes until it is restarted;
   * {@code databaseFileBytes} (H2 only): the size of the database's file.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record StorageHealth(String database, String blobStore, String dbKind, Map<String, LaneState> lanes,
                       String checkedAt, long commits, long commitTransactions, List<String> skippedPeers,
                       String diskSync, String diskSyncFailedAt, Long databaseFileBytes) {
    public static final String DISK_SYNC_OK = "ok";
    public static final String DISK_SYNC_FAILED = "failed";

    @JsonIgnore
    public boolean up() {
      return "up".equals(database) && "up".equals(blobStore) && !DISK_SYNC_FAILED.equals(diskSync);
    }
  }

  /** One lane of blocking work: its threads, how many jobs run and wait, how many were refused. */
  record LaneState(int threads, int running, int waiting, long refused) {
  }
}
