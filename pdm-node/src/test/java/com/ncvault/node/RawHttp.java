package com.ncvault.node;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, byte for byte as written: for requests no well-behaved client
 * would send (raw NUL bytes, truncated bodies, half a request line). Blocking; call it from the
 * test thread, never from an event loop.
 */
final class RawHttp {

  private static final int READ_TIMEOUT_MS = 30_000;

  /** A response as read from the socket; headers by lower-case name. */
  record Response(int status, Map<String, String> headers, byte[] body) {

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The error code of a JSON error body, or null when the body is not one. */
    String errorCode() {
      try {
        return new JsonObject(text()).getJsonObject("error").getString("code");
      } catch (RuntimeException notJson) {
        return null;
      }
    }
  }

  /** What a connection did after a partial request: closed by the server after {@code millis}, or not. */
  record Silence(boolean closedByServer, long millis, String received) {
  }

  private RawHttp() {
  }

  static Response exchange(int port, String request) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes the request (a server may stop reading early: what it answered is read anyway). */
  static Response exchange(int port, byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(READ_TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (SocketException refusedMidway) {
        // the server answered and closed before taking the whole body; its answer is still readable
      }
      return read(socket.getInputStream());
    }
  }

  /**
   * Sends the start of a request and then nothing more; reports when (and whether, within
   * {@code waitMs}) the server closes the connection.
   */
  static Silence sendAndFallSilent(int port, byte[] partial, long waitMs) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) waitMs);
      long start = System.nanoTime();
      socket.getOutputStream().write(partial);
      socket.getOutputStream().flush();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      try {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          received.write(buffer, 0, n);
        }
      } catch (SocketTimeoutException stillOpen) {
        return new Silence(false, (System.nanoTime() - start) / 1_000_000, received.toString(StandardCharsets.UTF_8));
      } catch (SocketException reset) {
        // a reset is a close too
      }
      return new Silence(true, (System.nanoTime() - start) / 1_000_000, received.toString(StandardCharsets.UTF_8));
    }
  }

  private static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int window = 0;
    while (window != 0x0D0A0D0A) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed before a complete response head: " + head);
      }
      head.write(b);
      window = (window << 8) | b;
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
          (a, b) -> a + ", " + b);
      }
    }
    byte[] body;
    if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = readChunked(in);
    } else {
      body = in.readAllBytes();
    }
    return new Response(status, headers, body);
  }

  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      int size = Integer.parseInt(readLine(in).split(";")[0].trim(), 16);
      if (size == 0) {
        readLine(in);
        return body.toByteArray();
      }
      body.write(in.readNBytes(size));
      readLine(in);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }
}
