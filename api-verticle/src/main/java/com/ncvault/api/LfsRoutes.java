package com.ncvault.api;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.FileInfo;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.Checkout;
import com.ncvault.contract.StorageApi.FileAction;
import com.ncvault.contract.StorageApi.LfsObjectQuery;
import com.ncvault.contract.StorageApi.ListFiles;
import com.ncvault.contract.StorageApi.OverrideLock;
import com.ncvault.contract.StorageApi.StoreLfsObject;
import com.ncvault.contract.StorageApi.StoredBlob;
import com.ncvault.contract.StorageLimits;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Git LFS server (docs/lfs.md): the locking API and the batch API with the basic transfer
 * adapter, under {@value #PREFIX}. A lock is a vault checkout of the file its path names by its last
 * segment (same refusals, same event, same live update), an unlock is a cancel, a forced unlock an
 * admin override with {@link #OVERRIDE_REASON}. Objects are blobs of the content store that no file
 * refers to (see {@link StorageApi#storeLfsObject}).
 */
final class LfsRoutes {

  static final String PREFIX = "/lfs";
  static final String MEDIA_TYPE = "application/vnd.git-lfs+json";
  /** The lock message of a checkout taken through Git LFS; what follows it is the lock's path in the repository. */
  static final String LOCK_MESSAGE = "Git LFS lock: ";
  /** The reason an admin's forced unlock records and the holder is told. */
  static final String OVERRIDE_REASON = "Unlocked with git lfs unlock --force by an admin";
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  private static final int MAX_PATH = 1000;

  private final StorageApi storage;
  private final Uploads uploads;
  private final long maxObjectBytes;

  LfsRoutes(StorageApi storage, Uploads uploads, long maxObjectBytes) {
    this.storage = storage;
    this.uploads = uploads;
    this.maxObjectBytes = maxObjectBytes;
  }

  // --- locks ---

  /** POST /lfs/locks: checks the file out; 409 with the existing lock when someone holds it. */
  void createLock(RoutingContext ctx) {
    SessionUser user = ApiRouter.user(ctx);
    JsonObject body = Input.jsonBody(ctx);
    String path = Input.requiredString(body, "path", MAX_PATH);
    String filename = filenameOf(path);
    if (filename.isBlank() || filename.length() > StorageLimits.MAX_FILENAME) {
      throw noVaultFile(path, filename);
    }
    String message = LOCK_MESSAGE + path;
    storage.checkout(new Checkout(filename, user.username(), user.role(),
        message.length() <= StorageLimits.MAX_TEXT ? message : null))
      .onSuccess(file -> reply(ctx, 201, new JsonObject().put("lock", lock(file))))
      .onFailure(failure -> {
        PdmError error = PdmError.from(failure);
        if (error.code() == ErrorCode.FILE_LOCKED) {
          storage.getFile(filename)
            .onSuccess(file -> {
              String conflict = filename + " is already locked by " + file.lockedBy();
              reply(ctx, 409, new JsonObject()
                .put("lock", file.lockId() == null ? null : lock(file))
                .put("message", conflict)
                .put("error", new JsonObject().put("code", ErrorCode.FILE_LOCKED.code()).put("message", conflict)));
            })
            .onFailure(ctx::fail);
        } else if (error.code() == ErrorCode.NOT_FOUND || error.code() == ErrorCode.INVALID_FILENAME) {
          ctx.fail(noVaultFile(path, filename));
        } else {
          ctx.fail(error);
        }
      });
  }

  /** GET /lfs/locks?path=&id=&cursor=&limit=: the vault's locks, in the order they were taken. */
  void listLocks(RoutingContext ctx) {
    String path = Input.queryString(ctx, "path", MAX_PATH);
    String id = Input.queryString(ctx, "id", StorageLimits.MAX_LOCK_ID);
    String cursor = Input.queryString(ctx, "cursor", StorageLimits.MAX_LOCK_ID);
    int limit = limit(Input.queryString(ctx, "limit", 10));
    locks()
      .onSuccess(all -> {
        List<FileInfo> chosen = all.stream()
          .filter(file -> path == null || file.filename().equals(filenameOf(path)))
          .filter(file -> id == null || id.equals(file.lockId()))
          .toList();
        reply(ctx, 200, page(chosen, cursor, limit, "locks"));
      })
      .onFailure(ctx::fail);
  }

  /** POST /lfs/locks/verify: the locks split into the caller's ({@code ours}) and everyone else's ({@code theirs}). */
  void verifyLocks(RoutingContext ctx) {
    SessionUser user = ApiRouter.user(ctx);
    JsonObject body = Input.jsonBody(ctx);
    String cursor = Input.optionalString(body, "cursor", StorageLimits.MAX_LOCK_ID);
    Object limitValue = body.getValue("limit");
    int limit = limit(limitValue == null ? null : String.valueOf(limitValue));
    locks()
      .onSuccess(all -> {
        JsonObject page = page(all, cursor, limit, "locks");
        JsonArray ours = new JsonArray();
        JsonArray theirs = new JsonArray();
        for (Object item : page.getJsonArray("locks")) {
          JsonObject lock = (JsonObject) item;
          (lock.getJsonObject("owner").getString("name").equals(user.username()) ? ours : theirs).add(lock);
        }
        JsonObject answer = new JsonObject().put("ours", ours).put("theirs", theirs);
        if (page.getString("next_cursor") != null) {
          answer.put("next_cursor", page.getString("next_cursor"));
        }
        reply(ctx, 200, answer);
      })
      .onFailure(ctx::fail);
  }

  /**
   * POST /lfs/locks/{id}/unlock: the holder cancels the checkout; anyone else needs {@code force}
   * and the admin role, and then overrides it with {@link #OVERRIDE_REASON} (the holder is told).
   */
  void unlock(RoutingContext ctx) {
    SessionUser user = ApiRouter.user(ctx);
    String id = ctx.pathParam("id");
    JsonObject body = Input.jsonBody(ctx);
    Object forceValue = body.getValue("force");
    if (forceValue != null && !(forceValue instanceof Boolean)) {
      throw Input.invalid("force", "must be true or false");
    }
    boolean force = Boolean.TRUE.equals(forceValue);
    locks()
      .compose(all -> {
        FileInfo file = all.stream().filter(f -> f.lockId().equals(id)).findFirst().orElse(null);
        if (file == null) {
          return Future.failedFuture(new PdmError(ErrorCode.NOT_FOUND, "There is no lock with the id " + id
            + " (it was released already, or the file was checked in)"));
        }
        if (file.lockedBy().equals(user.username())) {
          return storage.cancelCheckout(new FileAction(file.filename(), user.username(), user.role())).map(file);
        }
        if (!force) {
          return Future.failedFuture(new PdmError(ErrorCode.FORBIDDEN, file.filename() + " is locked by "
            + file.lockedBy() + "; only they can unlock it, or an admin with --force"));
        }
        if (!Roles.ADMIN.equals(user.role())) {
          return Future.failedFuture(new PdmError(ErrorCode.FORBIDDEN, file.filename() + " is locked by "
            + file.lockedBy() + "; only an admin may force an unlock"));
        }
        return storage.overrideLock(new OverrideLock(file.filename(), user.username(), user.role(), OVERRIDE_REASON))
          .map(file);
      })
      .onSuccess(file -> reply(ctx, 200, new JsonObject().put("lock", lock(file))))
      .onFailure(ctx::fail);
  }

  // --- objects ---

  /**
   * POST /lfs/objects/batch: for each object, where to download it (when the store holds it) or
   * upload it (when it does not; nothing for one held already). Uploading needs the programmer role.
   * The transfer actions carry the caller's token, so transfers need no password check of their own.
   */
  void batch(RoutingContext ctx) {
    SessionUser user = ApiRouter.user(ctx);
    JsonObject body = Input.jsonBody(ctx);
    String operation = Input.requiredString(body, "operation", 20);
    if (!operation.equals("download") && !operation.equals("upload")) {
      throw Input.invalid("operation", "must be download or upload");
    }
    if (operation.equals("upload") && !Roles.atLeast(user.role(), Roles.PROGRAMMER)) {
      throw new PdmError(ErrorCode.FORBIDDEN, "Pushing objects to the vault needs the role " + Roles.PROGRAMMER
        + "; you are " + user.role());
    }
    String hashAlgo = Input.optionalString(body, "hash_algo", 20);
    if (hashAlgo != null && !hashAlgo.equals("sha256")) {
      throw new PdmError(ErrorCode.CONFLICT, "The vault stores objects by sha256 only, not " + hashAlgo);
    }
    JsonArray objects = body.getValue("objects") instanceof JsonArray array ? array : null;
    if (objects == null || objects.size() > StorageLimits.MAX_LFS_OBJECTS) {
      throw Input.invalid("objects", "must be a list of at most " + StorageLimits.MAX_LFS_OBJECTS + " objects");
    }
    List<JsonObject> answers = new ArrayList<>();
    List<String> valid = new ArrayList<>();
    for (Object item : objects) {
      JsonObject object = item instanceof JsonObject o ? o : new JsonObject();
      String oid = object.getValue("oid") instanceof String s ? s : null;
      Object sizeValue = object.getValue("size");
      long size = sizeValue instanceof Number n && n.doubleValue() == n.longValue() ? n.longValue() : -1;
      JsonObject answer = new JsonObject().put("oid", oid).put("size", Math.max(0, size));
      answers.add(answer);
      if (oid == null || !oid.matches("[0-9a-f]{64}")) {
        answer.put("error", objectError(422, "The object id must be a SHA-256: 64 lower-case hex digits"));
      } else if (size < 0) {
        answer.put("error", objectError(422, "The object size must be a whole number of bytes, 0 or more"));
      } else if (operation.equals("upload") && size > maxObjectBytes) {
        answer.put("error", objectError(422, "The object has " + size + " bytes; the vault takes at most "
          + maxObjectBytes + " bytes per object"));
      } else {
        valid.add(oid);
      }
    }
    String base = baseUrl(ctx);
    String token = ctx.get(LfsAuth.TOKEN_KEY);
    long expiresIn = Math.max(1, Duration.between(Instant.now(), user.expiresAt()).toSeconds());
    JsonObject header = new JsonObject().put("Authorization", "Bearer " + token);
    storage.lfsObjects(new LfsObjectQuery(valid.stream().distinct().toList()))
      .onSuccess(found -> {
        Map<String, StoredBlob> present = new HashMap<>();
        found.present().forEach(blob -> present.put(blob.sha256(), blob));
        for (JsonObject answer : answers) {
          if (answer.containsKey("error")) {
            continue;
          }
          String oid = answer.getString("oid");
          StoredBlob blob = present.get(oid);
          String href = base + PREFIX + "/objects/" + oid;
          if (operation.equals("download")) {
            if (blob == null) {
              answer.put("error", objectError(404, "The vault has no object " + oid));
            } else {
              answer.put("size", blob.size()).put("authenticated", true).put("actions", new JsonObject()
                .put("download", action(href, header, expiresIn)));
            }
          } else if (blob == null) {
            answer.put("authenticated", true).put("actions", new JsonObject()
              .put("upload", action(href, header.copy().put("Content-Type", Uploads.RAW), expiresIn))
              .put("verify", action(href + "/verify", header, expiresIn)));
          }
        }
        reply(ctx, 200, new JsonObject().put("transfer", "basic").put("objects", new JsonArray(new ArrayList<>(answers)))
          .put("hash_algo", "sha256"));
      })
      .onFailure(ctx::fail);
  }

  /** GET /lfs/objects/{oid}: the object's bytes. */
  void download(RoutingContext ctx) {
    String oid = oid(ctx);
    storage.lfsObjects(new LfsObjectQuery(List.of(oid)))
      .onSuccess(found -> {
        if (found.present().isEmpty()) {
          ctx.fail(new PdmError(ErrorCode.NOT_FOUND, "The vault has no object " + oid));
          return;
        }
        StoredBlob blob = found.present().get(0);
        ctx.response()
          .putHeader(HttpHeaders.CONTENT_TYPE, Uploads.RAW)
          .putHeader(HttpHeaders.CACHE_CONTROL, "private, max-age=31536000, immutable")
          .sendFile(blob.path())
          .onFailure(failure -> {
            if (!ctx.response().headWritten()) {
              ctx.fail(new PdmError(ErrorCode.NOT_FOUND, "The vault has no object " + oid));
            }
          });
      })
      .onFailure(ctx::fail);
  }

  /** PUT /lfs/objects/{oid}: the object as the body, streamed to disk; kept only when its SHA-256 is the oid. */
  void upload(RoutingContext ctx) {
    SessionUser user = ApiRouter.user(ctx);
    String oid;
    try {
      oid = oid(ctx);
    } catch (PdmError invalid) {
      ctx.fail(invalid);
      return;
    }
    uploads.receive(ctx.request(), user.username())
      .compose(upload -> {
        Future<StoredBlob> stored;
        try {
          stored = storage.storeLfsObject(new StoreLfsObject(oid, upload.staged().size(), user.username(), user.role(),
            upload.staged()));
        } catch (PdmError refused) {
          return uploads.discard(upload.staged().path()).compose(v -> Future.failedFuture(refused));
        }
        return stored.recover(t -> t instanceof PdmError e && e.notDelivered()
          ? uploads.discard(upload.staged().path()).compose(v -> Future.failedFuture(t))
          : Future.failedFuture(t));
      })
      .onSuccess(blob -> ctx.response().setStatusCode(200).end())
      .onFailure(ctx::fail);
  }

  /** POST /lfs/objects/{oid}/verify: 200 when the store holds the object with the size given. */
  void verifyObject(RoutingContext ctx) {
    String oid = oid(ctx);
    JsonObject body = Input.jsonBody(ctx);
    Object sizeValue = body.getValue("size");
    if (!(sizeValue instanceof Number size) || size.longValue() < 0) {
      throw Input.invalid("size", "must be the object's size in bytes");
    }
    storage.lfsObjects(new LfsObjectQuery(List.of(oid)))
      .onSuccess(found -> {
        if (found.present().isEmpty()) {
          ctx.fail(new PdmError(ErrorCode.NOT_FOUND, "The vault has no object " + oid));
        } else if (found.present().get(0).size() != size.longValue()) {
          ctx.fail(new PdmError(ErrorCode.VALIDATION, "The vault's object " + oid + " has "
            + found.present().get(0).size() + " bytes, not " + size.longValue()));
        } else {
          reply(ctx, 200, new JsonObject());
        }
      })
      .onFailure(ctx::fail);
  }

  // --- helpers ---

  /** Every locked file, oldest lock first (ties by name), so that a cursor keeps its place. */
  private Future<List<FileInfo>> locks() {
    return storage.listFiles(new ListFiles(null, StorageLimits.STATUS_LOCKED, null, false))
      .map(list -> {
        List<FileInfo> locked = new ArrayList<>();
        list.groups().values().forEach(files -> files.stream()
          .filter(file -> file.lockedBy() != null && file.lockId() != null).forEach(locked::add));
        locked.sort(Comparator.comparing(FileInfo::lockedAt).thenComparing(FileInfo::filename));
        return locked;
      });
  }

  /** From the lock with id {@code cursor} on (the start without one), at most {@code limit} locks. */
  private static JsonObject page(List<FileInfo> files, String cursor, int limit, String field) {
    int start = 0;
    if (cursor != null) {
      start = -1;
      for (int i = 0; i < files.size(); i++) {
        if (cursor.equals(files.get(i).lockId())) {
          start = i;
          break;
        }
      }
      if (start < 0) {
        throw Input.invalid("cursor", "names no current lock; list again from the start");
      }
    }
    JsonArray locks = new JsonArray();
    int end = Math.min(files.size(), start + limit);
    for (int i = start; i < end; i++) {
      locks.add(lock(files.get(i)));
    }
    JsonObject page = new JsonObject().put(field, locks);
    if (end < files.size()) {
      page.put("next_cursor", files.get(end).lockId());
    }
    return page;
  }

  /** A vault lock as Git LFS shows it: the path it was taken with through Git LFS, else the file name. */
  static JsonObject lock(FileInfo file) {
    String message = file.lockMessage();
    String path = file.filename();
    if (message != null && message.startsWith(LOCK_MESSAGE)
      && filenameOf(message.substring(LOCK_MESSAGE.length())).equals(file.filename())) {
      path = message.substring(LOCK_MESSAGE.length());
    }
    return new JsonObject()
      .put("id", file.lockId())
      .put("path", path)
      .put("locked_at", file.lockedAt())
      .put("owner", new JsonObject().put("name", file.lockedBy()));
  }

  /** The vault file a repository path names: its last segment. */
  static String filenameOf(String path) {
    String normalized = path.replace('\\', '/');
    return normalized.substring(normalized.lastIndexOf('/') + 1);
  }

  private static PdmError noVaultFile(String path, String filename) {
    return new PdmError(ErrorCode.NOT_FOUND, path + " is not a vault file: the vault has no file named '"
      + filename + "' (add it to the vault first; a lock path names the vault file by its last part)");
  }

  private static int limit(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(text.strip());
      if (limit >= 1) {
        return Math.min(limit, MAX_LIMIT);
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw Input.invalid("limit", "must be a whole number from 1 to " + MAX_LIMIT);
  }

  private static String oid(RoutingContext ctx) {
    return StorageLimits.lfsOid(ctx.pathParam("oid"));
  }

  private static JsonObject action(String href, JsonObject header, long expiresIn) {
    return new JsonObject().put("href", href).put("header", header).put("expires_in", expiresIn);
  }

  private static JsonObject objectError(int code, String message) {
    return new JsonObject().put("code", code).put("message", message);
  }

  /** The scheme, host and port the client reached this node by. */
  private static String baseUrl(RoutingContext ctx) {
    String host = ctx.request().getHeader(HttpHeaders.HOST);
    if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.:\\[\\]-]+")) {
      throw new PdmError(ErrorCode.BAD_REQUEST, "The request has no valid Host header");
    }
    return ctx.request().scheme() + "://" + host;
  }

  static void reply(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, MEDIA_TYPE).end(body.toBuffer());
  }
}
