package com.ncvault.node;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A large multipart upload whose bytes are generated while they are sent (never held in memory):
 * chunk {@code i} is always the same pseudo-random 64 KiB, so the expected SHA-256 and any byte
 * range can be computed again without keeping the file.
 */
final class StreamedUpload {

  static final int CHUNK = 64 * 1024;
  private static final String BOUNDARY = "----ncvaultStreamedUpload";

  private final int chunks;
  private final MessageDigest digest = NodeApi.sha256();
  private final AtomicLong sent = new AtomicLong();
  private volatile boolean stopped;
  private String sha256;
  /** Chunks after which the upload stops writing and waits, never ending (a client cut off mid-file). */
  private int holdAfter = Integer.MAX_VALUE;

  StreamedUpload(int chunks) {
    this.chunks = chunks;
  }

  /**
   * Makes the upload stop writing once at least {@code bytes} are sent and leave the request open:
   * whatever ends it (a killed node) finds the client still sending, however fast the node read.
   */
  StreamedUpload holdAfter(long bytes) {
    holdAfter = (int) Math.min(chunks, (bytes + CHUNK - 1) / CHUNK);
    return this;
  }

  long size() {
    return (long) CHUNK * chunks;
  }

  /** File bytes written to the connection so far. */
  long sent() {
    return sent.get();
  }

  /** The pseudo-random chunk number {@code index}. */
  static Buffer chunk(int index) {
    SplittableRandom random = new SplittableRandom(index);
    byte[] bytes = new byte[CHUNK];
    for (int i = 0; i < CHUNK; i += 8) {
      long value = random.nextLong();
      for (int b = 0; b < 8; b++) {
        bytes[i + b] = (byte) (value >>> (8 * b));
      }
    }
    return Buffer.buffer(bytes);
  }

  /** SHA-256 of the whole file; valid once {@link #send} has written every chunk. */
  synchronized String sha256() {
    if (sha256 == null) {
      sha256 = HexFormat.of().formatHex(digest.digest());
    }
    return sha256;
  }

  /**
   * POSTs the file as the multipart part "file" (after a "message" field) to {@code uri} and
   * completes with the response and its body; fails when the connection breaks.
   */
  Future<ResponseWithBody> send(HttpClient http, int port, String uri, String token, String filename,
                                String message) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
      .setURI(uri).putHeader("Authorization", "Bearer " + token)
      .putHeader("Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
    return http.request(options).compose(request -> {
      request.setChunked(true);
      request.exceptionHandler(t -> stopped = true);
      request.connection().closeHandler(v -> stopped = true);
      request.write("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\n" + message + "\r\n"
        + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n");
      Promise<Void> written = Promise.promise();
      pump(request, 0, written);
      written.future().onSuccess(v -> request.end("\r\n--" + BOUNDARY + "--\r\n"));
      return request.response();
    }).compose(response -> response.body().map(body -> new ResponseWithBody(response, body)));
  }

  private void pump(HttpClientRequest request, int from, Promise<Void> written) {
    int next = from;
    while (next < chunks && next < holdAfter && !request.writeQueueFull() && !stopped) {
      Buffer data = chunk(next++);
      digest.update(data.getBytes());
      request.write(data);
      sent.addAndGet(data.length());
    }
    if (stopped) {
      written.tryFail("the connection closed after " + sent.get() + " bytes");
    } else if (next == chunks) {
      written.complete();
    } else if (next < holdAfter) {
      int resumeAt = next;
      request.drainHandler(v -> pump(request, resumeAt, written));
    }
  }

  record ResponseWithBody(HttpClientResponse response, Buffer body) {

    int status() {
      return response.statusCode();
    }
  }
}
