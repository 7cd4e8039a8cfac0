package com.ncvault.api;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.FileInfo;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StorageActions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Just enough of the storage-verticle for testing the api over the event bus: fixed users, files
 * kept in memory, staged uploads read back (and their real SHA-256 recorded) then deleted, as the
 * real storage takes them over.
 */
final class FakeStorage {

  static final String PASSWORD = "correct horse";
  static final String SAMPLE = "1234567_AB1.nc";

  /** An upload storage received: what the api claimed, and what the staged file really held. */
  record Received(String action, JsonObject request, long actualSize, String actualSha256) {
  }

  record Call(String action, JsonObject body) {
  }

  final Map<String, String> roles = new ConcurrentHashMap<>();
  /** Since when each account's sessions are good (epoch ms), as a password change sets it. */
  final Map<String, Long> sessionsSince = new ConcurrentHashMap<>();
  final Map<String, JsonObject> files = new ConcurrentHashMap<>();
  final List<Received> uploads = new CopyOnWriteArrayList<>();
  final List<Call> calls = new CopyOnWriteArrayList<>();
  final Buffer sampleContent;
  private final Map<String, Buffer> contents = new ConcurrentHashMap<>();
  private final Vertx vertx;
  private final Path blobDir;
  private MessageConsumer<JsonObject> consumer;

  FakeStorage(Vertx vertx, Path blobDir) {
    this.vertx = vertx;
    this.blobDir = blobDir;
    reset();
    StringBuilder program = new StringBuilder("%\nO1234 (SAMPLE)\n");
    for (int i = 0; i < 60; i++) {
      program.append("N").append(i * 10).append(" G01 X").append(i).append(".0 Y").append(i * 2).append(".5 F200\n");
    }
    sampleContent = Buffer.buffer(program.append("M30\n%\n").toString());
  }

  /** Back to the fixed users and the one sample file. */
  void reset() {
    roles.clear();
    sessionsSince.clear();
    roles.put("vera", Roles.VIEWER);
    roles.put("paul", Roles.PROGRAMMER);
    roles.put("ada", Roles.ADMIN);
    roles.put("carl", Roles.PROGRAMMER);
    roles.put("tess", Roles.PROGRAMMER);
    files.clear();
    contents.keySet().retainAll(java.util.Set.of(SAMPLE));
    files.put(SAMPLE, fileInfo(SAMPLE, "1.0", 0, "", FileInfo.UNLOCKED, null));
    uploads.clear();
    calls.clear();
  }

  Future<Void> start() {
    Path blob = blobDir.resolve("sample.blob");
    return vertx.fileSystem().mkdirs(blobDir.toString())
      .compose(v -> vertx.fileSystem().writeFile(blob.toString(), sampleContent))
      .compose(v -> {
        contents.put(SAMPLE, sampleContent);
        files.put(SAMPLE, fileInfo(SAMPLE, "1.0", sampleContent.length(), sha256(sampleContent), FileInfo.UNLOCKED, null));
        consumer = vertx.eventBus().localConsumer(Addresses.STORAGE, this::handle);
        return consumer.completion();
      });
  }

  Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Another file with content at revision {@code revision} (kept until {@link #reset}). */
  Future<Void> addFile(String name, String revision, Buffer content) {
    return vertx.fileSystem().writeFile(blobOf(name).toString(), content).onSuccess(v -> {
      contents.put(name, content);
      files.put(name, fileInfo(name, revision, content.length(), sha256(content), FileInfo.UNLOCKED, null));
    });
  }

  private Path blobOf(String name) {
    return SAMPLE.equals(name) ? sampleBlob() : blobDir.resolve(sha256(Buffer.buffer(name)) + ".blob");
  }

  String sampleSha256() {
    return sha256(sampleContent);
  }

  Path sampleBlob() {
    return blobDir.resolve("sample.blob");
  }

  private void handle(Message<JsonObject> message) {
    String action = message.headers().get(Addresses.HEADER_ACTION);
    JsonObject body = message.body() == null ? new JsonObject() : message.body();
    calls.add(new Call(action, body.copy()));
    Future<JsonObject> reply;
    try {
      reply = answer(action, body);
    } catch (PdmError e) {
      reply = Future.failedFuture(e);
    }
    reply.onSuccess(message::reply).onFailure(t -> {
      PdmError e = t instanceof PdmError pe ? pe : new PdmError(ErrorCode.INTERNAL, t.toString());
      message.fail(e.code().status(), e.toJson().encode());
    });
  }

  private Future<JsonObject> answer(String action, JsonObject body) {
    String filename = body.getString("filename");
    return switch (action) {
      case StorageActions.USERS_AUTHENTICATE -> {
        String name = body.getString("username");
        if (!roles.containsKey(name) || !PASSWORD.equals(body.getString("password"))) {
          throw new PdmError(ErrorCode.UNAUTHENTICATED, "Wrong user name or password");
        }
        yield Future.succeededFuture(user(name));
      }
      case StorageActions.USERS_GET -> {
        String name = existingUser(body.getString("username"));
        yield Future.succeededFuture(user(name).put("sessionsSince", sessionsSince.getOrDefault(name, 0L)));
      }
      case StorageActions.USERS_LIST -> Future.succeededFuture(new JsonObject().put("users",
        new JsonArray(roles.keySet().stream().sorted().map(this::user).toList())));
      case StorageActions.USERS_CREATE -> {
        String name = body.getString("username");
        if (roles.containsKey(name)) {
          throw new PdmError(ErrorCode.ALREADY_EXISTS, "User " + name + " exists");
        }
        roles.put(name, body.getString("role"));
        yield Future.succeededFuture(user(name));
      }
      case StorageActions.USERS_UPDATE -> {
        roles.put(existingUser(body.getString("username")), body.getString("role"));
        yield Future.succeededFuture(user(body.getString("username")));
      }
      case StorageActions.USERS_PASSWORD -> {
        String name = existingUser(body.getString("username"));
        sessionsSince.put(name, System.currentTimeMillis());
        yield Future.succeededFuture(user(name));
      }
      case StorageActions.USERS_DELETE -> {
        roles.remove(existingUser(body.getString("username")));
        yield Future.succeededFuture(new JsonObject());
      }
      case StorageActions.FILES_LIST -> Future.succeededFuture(new JsonObject()
        .put("groups", new JsonObject().put("12XXXXX", new JsonArray(files.values().stream().toList())))
        .put("seq", 7));
      case StorageActions.FILES_GET, StorageActions.FILES_CANCEL, StorageActions.FILES_OVERRIDE,
        StorageActions.FILES_DELETE, StorageActions.FILES_RESTORE -> Future.succeededFuture(existingFile(filename));
      case StorageActions.FILES_CHECKOUT -> {
        JsonObject file = existingFile(filename).copy()
          .put("status", FileInfo.LOCKED).put("lockedBy", body.getString("user"))
          .put("lockedAt", Instant.now().toString()).put("lockMessage", body.getString("message"));
        yield Future.succeededFuture(file);
      }
      case StorageActions.FILES_CREATE -> takeOver(action, body)
        .map(received -> {
          JsonObject file = fileInfo(filename, "1.0", received.actualSize(), received.actualSha256(), FileInfo.UNLOCKED, null);
          files.put(filename, file);
          return file;
        });
      case StorageActions.FILES_CHECKIN -> {
        existingFile(filename);
        yield takeOver(action, body)
          .map(received -> fileInfo(filename, "1.1", received.actualSize(), received.actualSha256(), FileInfo.UNLOCKED, null));
      }
      case StorageActions.FILES_HISTORY -> {
        JsonObject revision = new JsonObject().put("revision", "1.0").put("author", "paul")
          .put("timestamp", "2025-01-01T00:00:00Z").put("message", "first").put("size", 10).put("sha256", "00");
        if (body.getBoolean("replicas", false)) {
          revision.put("replicas", new JsonArray().add("node-a").add("node-b"));
        }
        yield Future.succeededFuture(new JsonObject().put("filename", existingFile(filename).getString("filename"))
          .put("revisions", new JsonArray().add(revision)));
      }
      case StorageActions.BLOBS_LOCAL -> {
        if (!sampleSha256().equals(body.getString("sha256"))) {
          throw new PdmError(ErrorCode.NOT_FOUND, "This node does not hold " + body.getString("sha256"));
        }
        yield Future.succeededFuture(new JsonObject().put("sha256", sampleSha256())
          .put("path", sampleBlob().toString()).put("size", sampleContent.length()));
      }
      case StorageActions.NODES_LIST -> Future.succeededFuture(new JsonObject().put("self", "node-a").put("blobs", 1)
        .put("nodes", new JsonArray().add(new JsonObject().put("name", "node-a").put("internalUrl", "http://127.0.0.1:1")
          .put("lastSeen", "2025-01-01T00:00:00Z").put("blobs", 1))));
      case StorageActions.FILES_DIFF -> Future.succeededFuture(new JsonObject().put("filename", existingFile(filename)
        .getString("filename")).put("from", body.getString("from", "1.0")).put("to", body.getString("to", "1.0"))
        .put("diff", ""));
      case StorageActions.FILES_CONTENT -> {
        JsonObject file = existingFile(filename);
        if (!contents.containsKey(filename)) {
          throw new PdmError(ErrorCode.NOT_FOUND, "No content");
        }
        // Every revision has the same content here; the one asked for is named in the reply.
        yield Future.succeededFuture(new JsonObject().put("filename", filename)
          .put("revision", body.getString("rev", file.getString("revision")))
          .put("path", blobOf(filename).toString()).put("size", file.getLong("size")).put("sha256", file.getString("sha256")));
      }
      case StorageActions.DASHBOARD_STATS -> Future.succeededFuture(new JsonObject()
        .put("active_checkouts", new JsonArray()).put("total_files", files.size()).put("locked_files", 0)
        .put("deleted_files", 0).put("total_revisions", files.size()).put("users", roles.size())
        .put("checkins_per_day", new JsonArray()).put("locks_per_user", new JsonArray())
        .put("stale_lock_seconds", body.getLong("staleSeconds")));
      case StorageActions.ACTIVITY_LIST -> Future.succeededFuture(new JsonObject().put("activities", new JsonArray()));
      case StorageActions.EVENTS_SINCE -> Future.succeededFuture(new JsonObject()
        .put("events", new JsonArray()).put("latestSeq", 7).put("oldestSeq", 1));
      case StorageActions.HEALTH -> Future.succeededFuture(new JsonObject().put("database", "up").put("blobStore", "up"));
      default -> throw new PdmError(ErrorCode.BAD_REQUEST, "Unknown action " + action);
    };
  }

  /** Reads the staged file as storage would, records it, and deletes it (storage owns it now). */
  private Future<Received> takeOver(String action, JsonObject body) {
    JsonObject staged = body.getJsonObject("staged");
    String path = staged.getString("path");
    return vertx.fileSystem().readFile(path)
      .compose(content -> vertx.fileSystem().delete(path).map(content))
      .map(content -> {
        Received received = new Received(action, body.copy(), content.length(), sha256(content));
        uploads.add(received);
        return received;
      });
  }

  private String existingUser(String name) {
    if (name == null || !roles.containsKey(name)) {
      throw new PdmError(ErrorCode.NOT_FOUND, "No user " + name);
    }
    return name;
  }

  private JsonObject existingFile(String filename) {
    JsonObject file = filename == null ? null : files.get(filename);
    if (file == null) {
      throw new PdmError(ErrorCode.NOT_FOUND, "No file " + filename, new JsonObject().put("filename", filename));
    }
    return file;
  }

  private JsonObject user(String name) {
    return new JsonObject().put("username", name).put("role", roles.get(name)).put("createdAt", "2025-01-01T00:00:00Z");
  }

  private static JsonObject fileInfo(String name, String revision, long size, String sha, String status, String lockedBy) {
    String now = Instant.now().toString();
    return JsonObject.mapFrom(new FileInfo(name, "12XXXXX", "", revision, size, sha, now, now, false, status, lockedBy,
      null, null));
  }

  static String sha256(Buffer content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes()));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
