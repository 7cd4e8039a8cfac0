package com.ncvault.api;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StagedUpload;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.Pipe;

/**
 * One multipart request being received. Succeeds when the request has ended and its single file
 * part is on disk; fails (closing and deleting the partial file) on a missing or second file
 * part, an oversized file, a malformed body or a connection that closes ({@code connectionLost}).
 */
final class UploadReceiver {

  private final HttpServerRequest request;
  private final StagingSink sink;
  private final MultipartTail tail;
  private final Future<Void> connectionLost;
  private final Promise<ReceivedUpload> result = Promise.promise();

  private Pipe<Buffer> pipe;
  private String uploadedFilename;
  private boolean requestEnded;
  private boolean fileWritten;
  private boolean finished;

  UploadReceiver(HttpServerRequest request, StagingSink sink, String boundary, Future<Void> connectionLost) {
    this.request = request;
    this.sink = sink;
    this.tail = new MultipartTail(boundary);
    this.connectionLost = connectionLost;
  }

  Future<ReceivedUpload> receive() {
    connectionLost.onFailure(this::fail);
    if (connectionLost.failed()) {
      return result.future();
    }
    try {
      request.setExpectMultipart(true);
      request.uploadHandler(this::onFilePart);
      request.handler(tail::feed);
      request.exceptionHandler(this::onRequestFailure);
      request.endHandler(v -> onRequestEnd());
      request.resume();
    } catch (IllegalStateException alreadyRead) {
      fail(new PdmError(ErrorCode.BAD_REQUEST, "The upload ended before it could be read"));
    }
    return result.future();
  }

  private void onFilePart(HttpServerFileUpload upload) {
    if (pipe != null) {
      fail(new PdmError(ErrorCode.BAD_REQUEST, "Send exactly one file part"));
      return;
    }
    uploadedFilename = upload.filename();
    pipe = upload.pipe();
    pipe.to(sink).onComplete(written -> {
      if (written.succeeded()) {
        fileWritten = true;
        finishIfComplete();
      } else {
        fail(written.cause());
      }
    });
  }

  private void onRequestEnd() {
    requestEnded = true;
    if (pipe == null) {
      fail(new PdmError(ErrorCode.BAD_REQUEST, "The upload has no file part"));
    } else if (!tail.complete()) {
      fail(new PdmError(ErrorCode.BAD_REQUEST, "The upload is incomplete (no closing multipart boundary)"));
    } else {
      finishIfComplete();
    }
  }

  private void onRequestFailure(Throwable cause) {
    fail(cause);
  }

  private void finishIfComplete() {
    if (finished || !requestEnded || !fileWritten) {
      return;
    }
    finished = true;
    StagedUpload staged = new StagedUpload(sink.path().toString(), sink.size(), sink.sha256());
    result.complete(new ReceivedUpload(staged, uploadedFilename, request.formAttributes()));
  }

  /** Stops writing, deletes the partial file and fails with a 4xx (see {@link StagingSink#failAndDiscard}). */
  private void fail(Throwable cause) {
    if (finished) {
      return;
    }
    finished = true;
    if (pipe != null) {
      pipe.close();
    }
    StagingSink.failAndDiscard(result, sink, cause);
  }
}
