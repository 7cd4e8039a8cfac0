package com.ncvault.api;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * An OutputStream for a worker thread that writes into an HTTP response: bytes are gathered into
 * chunks, each chunk is written on the response's own context, and the worker waits while
 * {@value #CHUNKS_IN_FLIGHT} chunks are still on their way to a slow client. A client that goes
 * away makes the next write fail, which ends the worker's job.
 */
final class ResponseSink extends OutputStream {

  static final int CHUNK_BYTES = 64 * 1024;
  static final int CHUNKS_IN_FLIGHT = 8;

  private final Context context;
  private final HttpServerResponse response;
  private final Semaphore inFlight = new Semaphore(CHUNKS_IN_FLIGHT);
  private volatile IOException failure;
  private byte[] buffer = new byte[CHUNK_BYTES];
  private int count;

  /** Call on the response's context (it sets the response's close handler). */
  ResponseSink(Context context, HttpServerResponse response) {
    this.context = context;
    this.response = response;
    response.closeHandler(v -> fail(new IOException("The client closed the connection")));
  }

  @Override
  public void write(int b) throws IOException {
    if (count == buffer.length) {
      flushChunk();
    }
    buffer[count++] = (byte) b;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    while (length > 0) {
      if (count == buffer.length) {
        flushChunk();
      }
      int n = Math.min(length, buffer.length - count);
      System.arraycopy(bytes, offset, buffer, count, n);
      count += n;
      offset += n;
      length -= n;
    }
  }

  /** Gathered bytes stay until a chunk is full or the stream closes: many small writes, few large frames. */
  @Override
  public void flush() throws IOException {
    checkFailure();
  }

  /**
   * Sends what is left and returns once every chunk has been written: only then may the caller end
   * the response (a task posted to the context is not ordered before the worker's completion).
   */
  @Override
  public void close() throws IOException {
    if (count > 0) {
      flushChunk();
    }
    await(CHUNKS_IN_FLIGHT);
    inFlight.release(CHUNKS_IN_FLIGHT);
    checkFailure();
  }

  private void flushChunk() throws IOException {
    checkFailure();
    await(1);
    Buffer chunk = Buffer.buffer(count == buffer.length ? buffer : Arrays.copyOf(buffer, count));
    // The handed-over array belongs to the chunk now; gathering goes on in a new one.
    buffer = new byte[CHUNK_BYTES];
    count = 0;
    context.runOnContext(v -> write(chunk).onComplete(written -> {
      inFlight.release();
      if (written.failed()) {
        fail(new IOException("Writing to the client failed", written.cause()));
      }
    }));
  }

  /** A response that was closed meanwhile refuses the write by throwing: a failed write all the same. */
  private Future<Void> write(Buffer chunk) {
    try {
      return response.write(chunk);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** Waits for {@code permits} chunks' room, giving up when the client has gone. */
  private void await(int permits) throws IOException {
    try {
      while (!inFlight.tryAcquire(permits, 1, TimeUnit.SECONDS)) {
        checkFailure();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while the client was slow", e);
    }
  }

  private void fail(IOException e) {
    if (failure == null) {
      failure = e;
    }
  }

  private void checkFailure() throws IOException {
    IOException e = failure;
    if (e != null) {
      throw e;
    }
  }
}
