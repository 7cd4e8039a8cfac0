package com.ncvault.api;

import com.ncvault.contract.BlobLocation;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.FileInfo;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StagedUpload;
import com.ncvault.contract.StorageActions;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageApi.Credentials;
import com.ncvault.contract.StorageApi.LaneState;
import com.ncvault.contract.StorageApi.StorageHealth;
import com.ncvault.contract.UserInfo;
import com.ncvault.storage.MemoryStorage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-memory storage (the same rules as the real one, see MemoryStorage) with the users and the
 * sample program the api tests log in with, recording the calls and uploads the tests look at.
 */
final class FakeStorage extends MemoryStorage {

  static final String PASSWORD = "correct horse";
  static final String SAMPLE = "1234567_AB1.nc";
  static final List<String> PROGRAMMERS = List.of("paul", "carl", "tess");

  /** An upload storage received: the request, and what the staged file really held. */
  record Received(String action, JsonObject request, long actualSize, String actualSha256) {
  }

  record Call(String action, JsonObject body) {
  }

  final List<Received> uploads = new CopyOnWriteArrayList<>();
  final List<Call> calls = new CopyOnWriteArrayList<>();
  final Buffer sampleContent;
  private final Vertx vertx;

  FakeStorage(Vertx vertx, Path dataDir) {
    super(vertx, dataDir, PASSWORD);
    this.vertx = vertx;
    StringBuilder program = new StringBuilder("%\nO1234 (SAMPLE)\n");
    for (int i = 0; i < 60; i++) {
      program.append("N").append(i * 10).append(" G01 X").append(i).append(".0 Y").append(i * 2).append(".5 F200\n");
    }
    sampleContent = Buffer.buffer(program.append("M30\n%\n").toString());
  }

  /** Binds the storage address with the fixed users and the sample program in place. */
  Future<Void> start() {
    return seed().compose(v -> bind());
  }

  Future<Void> stop() {
    return unbind();
  }

  /** Password checks asked for (logins and the like), counted as they arrive. */
  final AtomicInteger passwordChecks = new AtomicInteger();
  /** While set, each password check waits for it before it is answered: a node busy hashing. */
  volatile Promise<Void> passwordChecksHeld;

  @Override
  public Future<UserInfo> authenticate(Credentials credentials) {
    passwordChecks.incrementAndGet();
    Promise<Void> held = passwordChecksHeld;
    return held == null ? super.authenticate(credentials)
      : held.future().compose(v -> super.authenticate(credentials));
  }

  /** While set, health answers as a node on H2 whose disk failed a sync at this time: 503, "failed". */
  volatile String diskSyncFailedAt;
  /** While set, health reports these lanes of blocking work (the in-memory storage has none). */
  volatile Map<String, LaneState> lanes;
  /** While set, health reports a database file of this size, as a node on H2 does. */
  volatile Long databaseFileBytes;

  @Override
  public Future<StorageHealth> health() {
    String failedAt = diskSyncFailedAt;
    Map<String, LaneState> reported = lanes;
    Long fileBytes = databaseFileBytes;
    return super.health().compose(h -> {
      StorageHealth shown = new StorageHealth(h.database(), h.blobStore(), h.dbKind(), reported == null ? h.lanes() : reported,
        h.checkedAt(), h.commits(), h.commitTransactions(), h.skippedPeers(),
        failedAt == null ? h.diskSync() : StorageHealth.DISK_SYNC_FAILED, failedAt == null ? h.diskSyncFailedAt() : failedAt,
        fileBytes == null ? h.databaseFileBytes() : fileBytes);
      return failedAt == null ? Future.succeededFuture(shown)
        : Future.failedFuture(new PdmError(ErrorCode.UNAVAILABLE, "Storage is not healthy", JsonObject.mapFrom(shown)));
    });
  }

  /** Back to the fixed users and the one sample program. */
  void reset() {
    seed().await();
  }

  private Future<Void> seed() {
    reset(PASSWORD);
    addUser("vera", Roles.VIEWER, PASSWORD);
    PROGRAMMERS.forEach(name -> addUser(name, Roles.PROGRAMMER, PASSWORD));
    addUser("ada", Roles.ADMIN, PASSWORD);
    uploads.clear();
    calls.clear();
    passwordChecks.set(0);
    passwordChecksHeld = null;
    return vertx.executeBlocking(() -> stage(sampleContent.getBytes()))
      .compose(staged -> super.createFile(new CreateFile(SAMPLE, "", null, "paul", Roles.PROGRAMMER, staged)))
      .mapEmpty();
  }

  /** Another file with content, at revision 1.0 (kept until {@link #reset}). */
  Future<FileInfo> addFile(String name, Buffer content) {
    return vertx.executeBlocking(() -> stage(content.getBytes()))
      .compose(staged -> super.createFile(new CreateFile(name, "", null, "paul", Roles.PROGRAMMER, staged)));
  }

  String sampleSha256() {
    return sha256(sampleContent);
  }

  @Override
  public Future<FileInfo> createFile(CreateFile request) {
    return received(StorageActions.FILES_CREATE, JsonObject.mapFrom(request), request.staged())
      .compose(v -> super.createFile(request));
  }

  @Override
  public Future<FileInfo> checkin(Checkin request) {
    return received(StorageActions.FILES_CHECKIN, JsonObject.mapFrom(request), request.staged())
      .compose(v -> super.checkin(request));
  }

  @Override
  public Future<FileInfo> checkout(Checkout request) {
    calls.add(new Call(StorageActions.FILES_CHECKOUT, JsonObject.mapFrom(request)));
    return super.checkout(request);
  }

  @Override
  public Future<BlobLocation> content(ContentQuery query) {
    calls.add(new Call(StorageActions.FILES_CONTENT, JsonObject.mapFrom(query)));
    return super.content(query);
  }

  @Override
  public Future<StoredBlob> localBlob(String sha256) {
    calls.add(new Call(StorageActions.BLOBS_LOCAL, new JsonObject().put("sha256", sha256)));
    return super.localBlob(sha256);
  }

  /** Reads the staged file before storage takes it over, to record what really arrived. */
  private Future<Void> received(String action, JsonObject request, StagedUpload staged) {
    calls.add(new Call(action, request));
    return vertx.fileSystem().readFile(staged.path())
      .onSuccess(content -> uploads.add(new Received(action, request, content.length(), sha256(content))))
      .mapEmpty();
  }

  static String sha256(Buffer content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes()));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
