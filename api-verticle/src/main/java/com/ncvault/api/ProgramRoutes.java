package com.ncvault.api;

import com.ncvault.contract.BlobLocation;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.ContentQuery;
import com.ncvault.contract.StorageApi.ProgramInfo;
import com.ncvault.contract.StorageApi.ProgramQuery;
import com.ncvault.contract.StorageLimits;
import com.ncvault.nc.Backplot;
import com.ncvault.nc.NcOptions;
import com.ncvault.nc.ProgramSource;
import com.ncvault.nc.View;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What is inside a revision's NC program: its facts (from storage, which computes and keeps them)
 * and its toolpath as SVG, alone or over another revision's. Drawings are made here from the
 * content storage locates, on a worker pool of their own, and kept by contents and view
 * ({@link Drawings}); each drawing is made once at a time per api instance.
 */
final class ProgramRoutes {

  static final String SVG = "image/svg+xml; charset=utf-8";
  /** Opened on its own, a drawing is a document that may run nothing, load nothing and be framed by nobody. */
  static final String SVG_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

  private final StorageApi storage;
  private final DeletedContent deletedContent;
  private final Drawings drawings;
  private final WorkerExecutor workers;
  private final Map<String, Future<String>> drawing = new HashMap<>();

  ProgramRoutes(StorageApi storage, DeletedContent deletedContent, Drawings drawings, WorkerExecutor workers) {
    this.storage = storage;
    this.deletedContent = deletedContent;
    this.drawings = drawings;
    this.workers = workers;
  }

  /** The facts JSON as storage keeps it; the revision in X-PDM-Revision. */
  void facts(RoutingContext ctx) {
    ProgramQuery query = new ProgramQuery(filename(ctx), revision(ctx, "rev"));
    deletedContent.check(ApiRouter.user(ctx), query.filename())
      .compose(v -> storage.programFacts(query))
      .onSuccess(info -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, Replies.JSON)
        .putHeader("X-PDM-Revision", info.revision())
        .end(info.json()))
      .onFailure(ctx::fail);
  }

  /** {@code ?rev=&view=}: one revision; {@code ?from=&to=&view=}: two over each other, differences emphasised. */
  void toolpath(RoutingContext ctx) {
    String filename = filename(ctx);
    View view = view(ctx);
    String rev = revision(ctx, "rev");
    String from = revision(ctx, "from");
    String to = revision(ctx, "to");
    if ((from == null) != (to == null)) {
      throw Input.invalid(from == null ? "from" : "to", "is required with " + (from == null ? "to" : "from"));
    }
    if (from != null && rev != null) {
      throw Input.invalid("rev", "cannot be combined with from and to");
    }
    Future<List<ProgramInfo>> programs = deletedContent.check(ApiRouter.user(ctx), filename).compose(v -> from == null
      ? storage.programFacts(new ProgramQuery(filename, rev)).map(List::of)
      : Future.all(storage.programFacts(new ProgramQuery(filename, from)),
        storage.programFacts(new ProgramQuery(filename, to))).map(both -> List.of(both.resultAt(0), both.resultAt(1))));
    programs.compose(infos -> svg(view, infos))
      .onSuccess(svg -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, SVG)
        .putHeader("Content-Security-Policy", SVG_POLICY)
        .end(svg))
      .onFailure(ctx::fail);
  }

  /** The drawing of one program or of two over each other: from the cache, else made once. */
  private Future<String> svg(View view, List<ProgramInfo> programs) {
    StringBuilder key = new StringBuilder(view.name());
    // an overlay names its revisions in its legend, a single drawing does not
    programs.forEach(p -> key.append(' ').append(p.sha256()).append(programs.size() > 1 ? "@" + p.revision() : ""));
    String cached = drawings.get(key.toString());
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    Future<String> running = drawing.get(key.toString());
    if (running != null) {
      return running;
    }
    List<Future<BlobLocation>> located = programs.stream()
      .map(p -> storage.content(new ContentQuery(p.filename(), p.revision()))).toList();
    Future<String> made = Future.all(located)
      .compose(all -> draw(view, programs, located.stream()
        .map(blob -> ProgramSource.of(Path.of(blob.result().path()))).toList()))
      .onSuccess(svg -> drawings.put(key.toString(), svg));
    drawing.put(key.toString(), made);
    made.onComplete(done -> drawing.remove(key.toString()));
    return made;
  }

  private Future<String> draw(View view, List<ProgramInfo> programs, List<ProgramSource> sources) {
    try {
      drawings.begin();
    } catch (PdmError busy) {
      return Future.failedFuture(busy);
    }
    return workers.<String>executeBlocking(() -> programs.size() == 1
        ? Backplot.svg(sources.get(0), NcOptions.DEFAULTS, view)
        : Backplot.overlay(sources.get(0), "rev " + programs.get(0).revision(), sources.get(1),
          "rev " + programs.get(1).revision(), NcOptions.DEFAULTS, view), false)
      .andThen(done -> drawings.end())
      .recover(e -> Future.failedFuture(e instanceof IOException
        ? new PdmError(ErrorCode.UNAVAILABLE, "The content to draw is not available on this node") : e));
  }

  private static View view(RoutingContext ctx) {
    String name = Input.queryString(ctx, "view", 10);
    try {
      return name == null ? View.XY : View.parse(name);
    } catch (IllegalArgumentException e) {
      throw Input.invalid("view", "must be xy, xz or yz");
    }
  }

  private static String revision(RoutingContext ctx, String name) {
    return Input.queryString(ctx, name, StorageLimits.MAX_REVISION);
  }

  private static String filename(RoutingContext ctx) {
    return StorageLimits.filename(ctx.pathParam("filename"));
  }
}
