package com.ncvault.api;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StagedUpload;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerRequest;

/**
 * One upload whose request body is the file itself. Succeeds when the body has ended and every byte
 * is on disk; fails (closing and deleting the partial file) on a body over the limit, a malformed
 * or truncated body, or a connection that closes ({@code connectionLost} fails) for whatever reason.
 */
final class RawUploadReceiver {

  private final HttpServerRequest request;
  private final StagingSink sink;
  private final Future<Void> connectionLost;
  private final Promise<ReceivedUpload> result = Promise.promise();

  RawUploadReceiver(HttpServerRequest request, StagingSink sink, Future<Void> connectionLost) {
    this.request = request;
    this.sink = sink;
    this.connectionLost = connectionLost;
  }

  Future<ReceivedUpload> receive() {
    connectionLost.onFailure(this::fail);
    if (connectionLost.failed()) {
      return result.future();
    }
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

  private void fail(Throwable cause) {
    if (result.future().isComplete()) {
      return;
    }
    StagingSink.failAndDiscard(result, sink, cause);
  }
}
