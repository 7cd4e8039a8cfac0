package com.ncvault.api;

import com.ncvault.contract.BlobLocation;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StorageActions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Function;

/** The file routes: each reads its input, asks storage, and answers with storage's JSON. */
final class FileRoutes {

  private static final Set<String> STATUS_FILTERS = Set.of("locked", "unlocked", "mine", "deleted");
  private static final int MAX_TEXT = 2000;
  private static final int MAX_QUERY = 200;
  private static final int MAX_FILENAME = 255;

  private final StorageClient storage;
  private final Uploads uploads;
  private final ContentResponder content;

  FileRoutes(StorageClient storage, Uploads uploads, ContentResponder content) {
    this.storage = storage;
    this.uploads = uploads;
    this.content = content;
  }

  void list(RoutingContext ctx) {
    String status = Input.queryString(ctx, "status", 20);
    if (status != null && !STATUS_FILTERS.contains(status)) {
      throw Input.invalid("status", "must be one of locked, unlocked, mine, deleted");
    }
    JsonObject query = new JsonObject().put("user", ApiRouter.user(ctx).username());
    putIfPresent(query, "q", Input.queryString(ctx, "q", MAX_QUERY));
    putIfPresent(query, "status", status);
    if ("deleted".equals(status)) {
      query.put("includeDeleted", true);
    }
    storage.call(StorageActions.FILES_LIST, query)
      .onSuccess(reply -> {
        Object seq = reply.getValue("seq");
        if (seq != null) {
          ctx.response().putHeader("X-PDM-Seq", String.valueOf(seq));
        }
        Replies.json(ctx, reply.getJsonObject("groups", new JsonObject()));
      })
      .onFailure(ctx::fail);
  }

  void get(RoutingContext ctx) {
    answer(ctx, StorageActions.FILES_GET, new JsonObject().put("filename", filename(ctx)));
  }

  /** Admins also see on which nodes each revision's content is stored. */
  void history(RoutingContext ctx) {
    JsonObject request = new JsonObject().put("filename", filename(ctx));
    if (Roles.ADMIN.equals(ApiRouter.user(ctx).role())) {
      request.put("replicas", true);
    }
    answer(ctx, StorageActions.FILES_HISTORY, request);
  }

  void diff(RoutingContext ctx) {
    JsonObject request = new JsonObject().put("filename", filename(ctx));
    putIfPresent(request, "from", Input.queryString(ctx, "from", 20));
    putIfPresent(request, "to", Input.queryString(ctx, "to", 20));
    answer(ctx, StorageActions.FILES_DIFF, request);
  }

  /** A revision other than the current one is saved under a name with its revision (see DownloadName). */
  void content(RoutingContext ctx) {
    String filename = filename(ctx);
    String rev = Input.queryString(ctx, "rev", 20);
    JsonObject request = new JsonObject().put("filename", filename);
    putIfPresent(request, "rev", rev);
    Future<BlobLocation> located = storage.call(StorageActions.FILES_CONTENT, request, StorageClient.CONTENT_TIMEOUT_MS)
      .map(FileRoutes::blobLocation);
    // Without rev the current revision is sent; with one, the file's record says whether it is current.
    Future<String> current = rev == null ? Future.succeededFuture(null)
      : storage.call(StorageActions.FILES_GET, new JsonObject().put("filename", filename))
        .map(file -> file.getString("revision"));
    Future.all(located, current)
      .onSuccess(both -> {
        BlobLocation blob = located.result();
        String name = rev == null ? blob.filename() : DownloadName.of(blob.filename(), blob.revision(), current.result());
        content.send(ctx, blob, name);
      })
      .onFailure(ctx::fail);
  }

  static BlobLocation blobLocation(JsonObject json) {
    return new BlobLocation(json.getString("filename"), json.getString("revision"), json.getString("path"),
      json.getLong("size", 0L), json.getString("sha256"));
  }

  void checkout(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    JsonObject request = acting(ctx);
    putIfPresent(request, "message", Input.optionalString(body, "message", MAX_TEXT));
    answer(ctx, StorageActions.FILES_CHECKOUT, request);
  }

  void cancelCheckout(RoutingContext ctx) {
    answer(ctx, StorageActions.FILES_CANCEL, acting(ctx));
  }

  void override(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    JsonObject request = acting(ctx).put("reason", Input.requiredString(body, "reason", MAX_TEXT));
    answer(ctx, StorageActions.FILES_OVERRIDE, request);
  }

  void delete(RoutingContext ctx) {
    answer(ctx, StorageActions.FILES_DELETE, acting(ctx));
  }

  void restore(RoutingContext ctx) {
    answer(ctx, StorageActions.FILES_RESTORE, acting(ctx));
  }

  /** New file: multipart with the file part and "description" (and optionally "filename"). */
  void create(RoutingContext ctx) {
    SessionUser user = ApiRouter.user(ctx);
    uploads.receive(ctx.request())
      .compose(upload -> handOver(StorageActions.FILES_CREATE, upload, form -> new JsonObject()
        .put("filename", form.get("filename") != null && !form.get("filename").isBlank()
          ? form.get("filename") : baseName(upload.uploadedFilename()))
        .put("description", limited(form.get("description"), "description"))
        .put("message", limited(form.get("message"), "message"))
        .put("user", user.username())
        .put("role", user.role())))
      .onSuccess(file -> {
        ctx.response().putHeader(HttpHeaders.LOCATION,
          "/api/files/" + URLEncoder.encode(file.getString("filename", ""), StandardCharsets.UTF_8).replace("+", "%20"));
        Replies.json(ctx, 201, file);
      })
      .onFailure(ctx::fail);
  }

  /** New revision: multipart with the file part, "message", optional "major" and "keepLocked". */
  void checkin(RoutingContext ctx) {
    JsonObject acting = acting(ctx);
    uploads.receive(ctx.request())
      .compose(upload -> handOver(StorageActions.FILES_CHECKIN, upload, form -> acting
        .put("message", limited(form.get("message"), "message"))
        .put("major", Input.formBoolean(form.get("major"), "major"))
        .put("keepLocked", Input.formBoolean(form.get("keepLocked"), "keepLocked"))))
      .onSuccess(file -> Replies.json(ctx, file))
      .onFailure(ctx::fail);
  }

  /**
   * Hands the staged file to storage, which owns it from then on. The file is deleted here only
   * when it never reaches storage: the form fields are refused, or no storage is listening.
   */
  private Future<JsonObject> handOver(String action, ReceivedUpload upload, Function<MultiMap, JsonObject> fields) {
    String staged = upload.staged().path();
    JsonObject request;
    try {
      request = fields.apply(upload.form()).put("staged", JsonObject.mapFrom(upload.staged()));
    } catch (PdmError refused) {
      return uploads.discard(staged).compose(v -> Future.failedFuture(refused));
    }
    return storage.call(action, request, StorageClient.UPLOAD_COMMIT_TIMEOUT_MS)
      .recover(t -> {
        if (t instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
          return uploads.discard(staged).compose(v -> Future.failedFuture(t));
        }
        return Future.failedFuture(t);
      });
  }

  private String limited(String text, String field) {
    if (text != null && text.length() > MAX_TEXT) {
      throw Input.invalid(field, "must be at most " + MAX_TEXT + " characters");
    }
    return text == null ? "" : text;
  }

  private JsonObject acting(RoutingContext ctx) {
    SessionUser user = ApiRouter.user(ctx);
    return new JsonObject().put("filename", filename(ctx)).put("user", user.username()).put("role", user.role());
  }

  private static String filename(RoutingContext ctx) {
    String name = ctx.pathParam("filename");
    if (name == null || name.isBlank() || name.length() > MAX_FILENAME) {
      throw new PdmError(ErrorCode.INVALID_FILENAME, "Invalid file name");
    }
    return name;
  }

  /** Browsers may send a full client path as the upload's file name. */
  private static String baseName(String uploaded) {
    String name = uploaded == null ? "" : uploaded;
    return name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  }

  private void answer(RoutingContext ctx, String action, JsonObject request) {
    storage.call(action, request).onSuccess(reply -> Replies.json(ctx, reply)).onFailure(ctx::fail);
  }

  private static void putIfPresent(JsonObject json, String key, String value) {
    if (value != null) {
      json.put(key, value);
    }
  }
}
