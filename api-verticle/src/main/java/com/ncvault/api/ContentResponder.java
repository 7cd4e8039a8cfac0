package com.ncvault.api;

import com.ncvault.contract.BlobLocation;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one revision's content from the blob store: ETag = SHA-256 (304 on If-None-Match),
 * single byte ranges (206/416), download as an attachment with a safe name. The file is sent with
 * sendFile, so nothing of it passes through the heap. {@code downloadName} is the name the browser saves it as.
 */
final class ContentResponder {

  private static final Logger LOG = LoggerFactory.getLogger(ContentResponder.class);

  void send(RoutingContext ctx, BlobLocation blob, String downloadName) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    String etag = "\"" + blob.sha256() + "\"";
    response.putHeader(HttpHeaders.ETAG, etag).putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
    if (blob.revision() != null) {
      response.putHeader("X-PDM-Revision", blob.revision());
    }
    if (matchesAny(request.getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
      response.setStatusCode(304).end();
      return;
    }
    String ifRange = request.getHeader("If-Range");
    String rangeHeader = ifRange == null || ifRange.trim().equals(etag) ? request.getHeader("Range") : null;
    ByteRange range = ByteRange.parse(rangeHeader, blob.size());
    if (range.kind() == ByteRange.Kind.UNSATISFIABLE) {
      response.putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + blob.size());
      ctx.fail(new PdmError(ErrorCode.RANGE_NOT_SATISFIABLE, "The file has " + blob.size() + " bytes"));
      return;
    }
    response
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
      .putHeader(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment(downloadName));
    if (blob.size() == 0) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, "0").end();
      return;
    }
    long offset = 0;
    long length = blob.size();
    if (range.kind() == ByteRange.Kind.PARTIAL) {
      offset = range.first();
      length = range.length();
      response.setStatusCode(206)
        .putHeader(HttpHeaders.CONTENT_RANGE, "bytes " + range.first() + "-" + range.last() + "/" + blob.size());
    }
    response.sendFile(blob.path(), offset, length).onFailure(t -> {
      LOG.warn("Sending {} rev {} failed: {}", blob.filename(), blob.revision(), t.toString());
      if (!response.headWritten()) {
        response.headers().remove(HttpHeaders.CONTENT_DISPOSITION).remove(HttpHeaders.CONTENT_RANGE).remove(HttpHeaders.ETAG);
        ctx.fail(new PdmError(ErrorCode.UNAVAILABLE, "The content of this revision is not available on this node"));
      }
    });
  }

  /** If-None-Match: "*" or a list of tags, compared weakly (a W/ prefix does not matter). */
  static boolean matchesAny(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals("*") || tag.equals(etag)) {
        return true;
      }
    }
    return false;
  }
}
