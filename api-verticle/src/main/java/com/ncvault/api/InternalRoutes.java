package com.ncvault.api;

import com.ncvault.contract.StorageApi;
import com.ncvault.contract.ClusterHttp;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Routes for the other nodes of the cluster, not for people: authenticated by the cluster
 * secret ({@link ClusterHttp#SECRET_HEADER}) instead of a login, refused on a node without one.
 */
final class InternalRoutes {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final StorageApi storage;
  private final ClusterSecret secret;

  InternalRoutes(StorageApi storage, ClusterSecret secret) {
    this.storage = storage;
    this.secret = secret;
  }

  /** GET /internal/blobs/{sha256}: streams a blob of this node's own store to another node. */
  void blob(RoutingContext ctx) {
    Optional<PdmError> refusal = secret.refusal(ctx.request().getHeader(ClusterHttp.SECRET_HEADER));
    if (refusal.isPresent()) {
      ctx.fail(refusal.get());
      return;
    }
    String sha256 = ctx.pathParam("sha256");
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      ctx.fail(new PdmError(ErrorCode.BAD_REQUEST, "A blob is named by its SHA-256: 64 lower-case hex digits"));
      return;
    }
    storage.localBlob(sha256)
      .compose(blob -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
        .putHeader(HttpHeaders.ETAG, "\"" + sha256 + "\"")
        .sendFile(blob.path()))
      .onFailure(ctx::fail);
  }
}
