package com.ncvault.api;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StagedUpload;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * One upload whose request body is the file itself. Succeeds when the body has ended and every byte
 * is on disk; fails (after closing and deleting the partial file) on a body over the limit, a
 * malformed or truncated body, or a client that goes away.
 */
final class RawUploadReceiver {

  private final Vertx vertx;
  private final HttpServerRequest request;
  private final StagingSink sink;
  private final Promise<ReceivedUpload> result = Promise.promise();

  RawUploadReceiver(Vertx vertx, HttpServerRequest request, StagingSink sink) {
    this.vertx = vertx;
    this.request = request;
    this.sink = sink;
  }

  Future<ReceivedUpload> receive() {
    try {
      request.pipeTo(sink).onComplete(done -> {
        if (done.succeeded()) {
          result.tryComplete(new ReceivedUpload(new StagedUpload(sink.path().toString(), sink.size(), sink.sha256()),
            request.getParam("filename"), request.params()));
        } else {
          fail(done.cause());
        }
      });
    } catch (IllegalStateException alreadyRead) {
      fail(new PdmError(ErrorCode.BAD_REQUEST, "The upload ended before it could be read"));
    }
    return result.future();
  }

  /** Deletes the partial file, then fails with a 4xx for input problems. */
  private void fail(Throwable cause) {
    if (result.future().isComplete()) {
      return;
    }
    PdmError error = cause instanceof PdmError e ? e
      : new PdmError(ErrorCode.BAD_REQUEST, "The upload was interrupted or malformed");
    sink.abort().onComplete(v -> result.tryFail(error));
  }
}
