package com.ncvault.api;

import com.ncvault.contract.BlobLocation;
import com.ncvault.contract.FileInfo;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.Checkin;
import com.ncvault.contract.StorageApi.Checkout;
import com.ncvault.contract.StorageApi.ContentQuery;
import com.ncvault.contract.StorageApi.CreateFile;
import com.ncvault.contract.StorageApi.DiffQuery;
import com.ncvault.contract.StorageApi.FactsFilter;
import com.ncvault.contract.StorageApi.FileAction;
import com.ncvault.contract.StorageApi.HistoryQuery;
import com.ncvault.contract.StorageApi.ListFiles;
import com.ncvault.contract.StorageApi.OverrideLock;
import com.ncvault.contract.StorageApi.UploadAdmission;
import com.ncvault.contract.StorageApi.Transition;
import com.ncvault.contract.Lifecycle;
import com.ncvault.contract.StorageLimits;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** The file routes: each reads its input, asks storage, and answers with storage's reply. */
final class FileRoutes {

  private final StorageApi storage;
  private final Uploads uploads;
  private final ContentResponder content;
  private final ListCompression compression;
  private final DeletedContent deletedContent;
  private final CopiesGate copies;
  private final PasswordChecks passwords;

  FileRoutes(StorageApi storage, Uploads uploads, ContentResponder content, ListCompression compression,
             DeletedContent deletedContent, CopiesGate copies, PasswordChecks passwords) {
    this.passwords = passwords;
    this.copies = copies;
    this.storage = storage;
    this.uploads = uploads;
    this.content = content;
    this.compression = compression;
    this.deletedContent = deletedContent;
  }

  /** The list (gzip-compressed when the client accepts it and it is large). */
  void list(RoutingContext ctx) {
    String status = Input.queryString(ctx, "status", 20);
    String q = Input.queryString(ctx, "q", StorageLimits.MAX_QUERY);
    ListFiles query = new ListFiles(q, status, ApiRouter.user(ctx).username(),
      StorageLimits.STATUS_DELETED.equals(status), FactsFilter.parse(name -> Input.queryString(ctx, name, 30)));
    storage.listFiles(query)
      .compose(list -> {
        ctx.response()
          .putHeader("X-PDM-Seq", String.valueOf(list.seq()))
          .putHeader(HttpHeaders.CONTENT_TYPE, Replies.JSON)
          .putHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
        if (!ListCompression.accepted(ctx.request(), list.json())) {
          return ctx.response().end(list.json());
        }
        Future<Buffer> compressed = q == null && status == null ? compression.defaultList(list.seq(), list.json())
          : compression.compress(list.json());
        return compressed.compose(gzip -> ctx.response().putHeader(HttpHeaders.CONTENT_ENCODING, "gzip").end(gzip));
      })
      .onFailure(ctx::fail);
  }

  void get(RoutingContext ctx) {
    answer(ctx, storage.getFile(filename(ctx)));
  }

  /** Admins also see on which nodes each revision's content is stored. */
  void history(RoutingContext ctx) {
    answer(ctx, storage.history(new HistoryQuery(filename(ctx), Roles.ADMIN.equals(ApiRouter.user(ctx).role()))));
  }

  void diff(RoutingContext ctx) {
    DiffQuery query = new DiffQuery(filename(ctx), Input.queryString(ctx, "from", StorageLimits.MAX_REVISION),
      Input.queryString(ctx, "to", StorageLimits.MAX_REVISION));
    answer(ctx, deletedContent.check(ApiRouter.user(ctx), query.filename()).compose(v -> storage.diff(query)));
  }

  /** A revision other than the current one is saved under a name with its revision (see DownloadName). */
  void content(RoutingContext ctx) {
    String filename = filename(ctx);
    String rev = Input.queryString(ctx, "rev", StorageLimits.MAX_REVISION);
    Future<BlobLocation> located = deletedContent.check(ApiRouter.user(ctx), filename)
      .compose(v -> storage.content(new ContentQuery(filename, rev)));
    // Without rev the current revision is sent; with one, the file's record says whether it is current.
    Future<String> current = rev == null ? Future.succeededFuture(null)
      : storage.getFile(filename).map(FileInfo::revision);
    Future.all(located, current)
      .onSuccess(both -> {
        BlobLocation blob = located.result();
        String name = rev == null ? blob.filename() : DownloadName.of(blob.filename(), blob.revision(), current.result());
        content.send(ctx, blob, name);
      })
      .onFailure(ctx::fail);
  }


  void checkout(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    SessionUser user = ApiRouter.user(ctx);
    answer(ctx, storage.checkout(new Checkout(filename(ctx), user.username(), user.role(),
      Input.optionalString(body, "message", StorageLimits.MAX_TEXT))));
  }

  /**
   * A lifecycle transition. A release is a signature: its password is checked against the login
   * throttle of the user's name like a login (429 while throttled; a wrong one counts as a failure).
   */
  void transition(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    SessionUser user = ApiRouter.user(ctx);
    Transition request = new Transition(filename(ctx), Input.requiredString(body, "to", 20),
      Input.optionalString(body, "comment", StorageLimits.MAX_TEXT), Input.optionalString(body, "password", 1000),
      user.username(), user.role());
    if (request.password() == null || !Lifecycle.RELEASED.equals(request.to())) {
      answer(ctx, storage.transition(request));
      return;
    }
    answer(ctx, passwords.check(user.username(), "Too many password attempts", () -> storage.transition(request)));
  }

  void cancelCheckout(RoutingContext ctx) {
    answer(ctx, storage.cancelCheckout(acting(ctx)));
  }

  void override(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    SessionUser user = ApiRouter.user(ctx);
    answer(ctx, storage.overrideLock(new OverrideLock(filename(ctx), user.username(), user.role(),
      Input.requiredString(body, "reason", StorageLimits.MAX_TEXT))));
  }

  void delete(RoutingContext ctx) {
    answer(ctx, storage.deleteFile(acting(ctx)));
  }

  void restore(RoutingContext ctx) {
    answer(ctx, storage.restoreFile(acting(ctx)));
  }

  /**
   * New file: the file as the body ({@code application/octet-stream}, {@code filename},
   * {@code description}, {@code message} in the query; refused before any byte is staged when the
   * name is invalid or taken) or multipart with the file part and those fields.
   */
  void create(RoutingContext ctx) {
    SessionUser user = ApiRouter.user(ctx);
    HttpServerRequest request = ctx.request();
    Future<Void> admitted = raw(request)
      ? attempt(() -> {
        limited(request.getParam("description"), "description");
        limited(request.getParam("message"), "message");
        return new UploadAdmission(request.getParam("filename"), user.username(), user.role(), true);
      }).compose(storage::admitUpload)
      : Future.succeededFuture();
    admitted
      .compose(v -> uploads.receive(request, user.username()))
      .compose(upload -> handOver(upload, form -> storage.createFile(new CreateFile(
        form.get("filename") != null && !form.get("filename").isBlank() ? form.get("filename")
          : baseName(upload.uploadedFilename()),
        limited(form.get("description"), "description"), limited(form.get("message"), "message"),
        user.username(), user.role(), upload.staged()))))
      .compose(file -> copies.answer(file).map(answer -> {
        ctx.response().putHeader(HttpHeaders.LOCATION,
          "/api/files/" + URLEncoder.encode(file.filename(), StandardCharsets.UTF_8).replace("+", "%20"));
        return answer;
      }))
      .onSuccess(answer -> Replies.json(ctx, 201, answer))
      .onFailure(ctx::fail);
  }

  /**
   * New revision: the file as the body ({@code message}, {@code major}, {@code keepLocked},
   * {@code lockId} in the query) or multipart with the file part and those fields ({@code lockId}
   * may also be in the query). Refused before any byte is staged when the caller does not hold the
   * lock, or when the lock it names has ended (409 lock_ended); the commit checks both again.
   */
  void checkin(RoutingContext ctx) {
    String filename = filename(ctx);
    SessionUser user = ApiRouter.user(ctx);
    HttpServerRequest request = ctx.request();
    attempt(() -> {
      if (raw(request)) {
        StorageLimits.text("message", limited(request.getParam("message"), "message"), true);
        Input.formBoolean(request.getParam("major"), "major");
        Input.formBoolean(request.getParam("keepLocked"), "keepLocked");
      }
      return new UploadAdmission(filename, user.username(), user.role(), false, request.getParam("lockId"));
    })
      .compose(storage::admitUpload)
      .compose(v -> uploads.receive(request, user.username()))
      .compose(upload -> handOver(upload, form -> storage.checkin(new Checkin(filename, user.username(), user.role(),
        limited(form.get("message"), "message"), Input.formBoolean(form.get("major"), "major"),
        Input.formBoolean(form.get("keepLocked"), "keepLocked"), upload.staged(),
        form.get("lockId") != null ? form.get("lockId") : request.getParam("lockId")))))
      .compose(copies::answer)
      .onSuccess(answer -> Replies.json(ctx, answer))
      .onFailure(ctx::fail);
  }

  private static boolean raw(HttpServerRequest request) {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith(Uploads.RAW);
  }

  private static <T> Future<T> attempt(java.util.function.Supplier<T> work) {
    try {
      return Future.succeededFuture(work.get());
    } catch (PdmError refused) {
      return Future.failedFuture(refused);
    }
  }

  /**
   * Hands the staged file to storage, which owns it from then on. The file is deleted here only
   * when it never reaches storage: the form fields are refused, or no storage is listening.
   */
  private Future<FileInfo> handOver(ReceivedUpload upload, Function<MultiMap, Future<FileInfo>> call) {
    String staged = upload.staged().path();
    Future<FileInfo> sent;
    try {
      sent = call.apply(upload.form());
    } catch (PdmError refused) {
      return uploads.discard(staged).compose(v -> Future.failedFuture(refused));
    }
    return sent.recover(t -> t instanceof PdmError e && e.notDelivered()
      ? uploads.discard(staged).compose(v -> Future.failedFuture(t))
      : Future.failedFuture(t));
  }

  private String limited(String text, String field) {
    if (text != null && text.length() > StorageLimits.MAX_TEXT) {
      throw Input.invalid(field, "must be at most " + StorageLimits.MAX_TEXT + " characters");
    }
    return text;
  }

  private FileAction acting(RoutingContext ctx) {
    SessionUser user = ApiRouter.user(ctx);
    return new FileAction(filename(ctx), user.username(), user.role());
  }

  private static String filename(RoutingContext ctx) {
    return StorageLimits.filename(ctx.pathParam("filename"));
  }

  /** Browsers may send a full client path as the upload's file name. */
  private static String baseName(String uploaded) {
    String name = uploaded == null ? "" : uploaded;
    return name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  }

  private static void answer(RoutingContext ctx, Future<?> reply) {
    reply.onSuccess(body -> Replies.json(ctx, body)).onFailure(ctx::fail);
  }
}
