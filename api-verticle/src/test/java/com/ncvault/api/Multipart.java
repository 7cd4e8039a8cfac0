package com.ncvault.api;

import io.vertx.core.buffer.Buffer;

/** Hand-built multipart/form-data bodies, so that tests control every byte (and every mistake). */
final class Multipart {

  static final String BOUNDARY = "----pdmTestBoundary7MA4YWxkTrZu0gW";
  static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  private final Buffer body = Buffer.buffer();

  static Multipart form() {
    return new Multipart();
  }

  Multipart field(String name, String value) {
    body.appendString("--" + BOUNDARY + "\r\n")
      .appendString("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n")
      .appendString(value).appendString("\r\n");
    return this;
  }

  Multipart file(String name, String filename, Buffer content) {
    body.appendString("--" + BOUNDARY + "\r\n")
      .appendString("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\n")
      .appendString("Content-Type: application/octet-stream\r\n\r\n")
      .appendBuffer(content).appendString("\r\n");
    return this;
  }

  Buffer end() {
    return body.copy().appendString("--" + BOUNDARY + "--\r\n");
  }

  /** The opening of a file part, for streaming its content and {@link #closing()} separately. */
  static Buffer fileHeader(String filename) {
    return Buffer.buffer("--" + BOUNDARY + "\r\n"
      + "Content-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\n"
      + "Content-Type: application/octet-stream\r\n\r\n");
  }

  static Buffer closing() {
    return Buffer.buffer("\r\n--" + BOUNDARY + "--\r\n");
  }

  static Buffer randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new java.util.Random(seed).nextBytes(bytes);
    return Buffer.buffer(bytes);
  }
}
