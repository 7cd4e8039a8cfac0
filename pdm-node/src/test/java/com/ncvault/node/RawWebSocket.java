package com.ncvault.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A /ws client over a plain socket that writes hand-made frames and, once upgraded, never reads:
 * what a hostile or broken client does. Blocking; use it from a test thread, never an event loop.
 */
final class RawWebSocket implements AutoCloseable {

  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int PING = 0x9;

  private final Socket socket;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
  }

  /** Upgrades {@code /ws?proto=2&token=...}; fails unless the node answers 101. */
  static RawWebSocket connect(int port, String token) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String request = "GET /ws?proto=2&token=" + token + " HTTP/1.1\r\n"
      + "Host: 127.0.0.1:" + port + "\r\n"
      + "Upgrade: websocket\r\n"
      + "Connection: Upgrade\r\n"
      + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
      + "Sec-WebSocket-Version: 13\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    String head = readHead(socket.getInputStream());
    if (!head.startsWith("HTTP/1.1 101")) {
      socket.close();
      throw new IOException("not upgraded: " + head);
    }
    return new RawWebSocket(socket);
  }

  /** One masked frame (clients must mask); blocks while the node does not read. */
  void send(int opcode, boolean fin, byte[] payload) throws IOException {
    out.write(frame(opcode, fin, payload));
  }

  /**
   * One masked binary frame of {@code length} zero bytes, written in 64 KiB pieces: a large frame
   * without a buffer of its size in this process (which the node's tests share with the node).
   */
  void sendZeros(long length) throws IOException {
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    ByteArrayOutputStream header = new ByteArrayOutputStream(14);
    header.write(0x80 | BINARY);
    header.write(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      header.write((int) (length >>> shift) & 0xFF);
    }
    header.write(mask, 0, 4);
    out.write(header.toByteArray());
    // zeros masked are the mask repeated; a piece is a whole number of masks
    byte[] piece = new byte[64 * 1024];
    for (int i = 0; i < piece.length; i++) {
      piece[i] = mask[i & 3];
    }
    for (long left = length; left > 0; left -= piece.length) {
      out.write(piece, 0, (int) Math.min(piece.length, left));
    }
  }

  /** Bytes written as they are: several frames in one write, as a flood comes. */
  void sendRaw(byte[] frames) throws IOException {
    out.write(frames);
  }

  /** {@code count} copies of one masked frame, to be sent with {@link #sendRaw}. */
  static byte[] frames(int opcode, boolean fin, byte[] payload, int count) {
    byte[] one = frame(opcode, fin, payload);
    byte[] all = new byte[one.length * count];
    for (int i = 0; i < count; i++) {
      System.arraycopy(one, 0, all, i * one.length, one.length);
    }
    return all;
  }

  private static byte[] frame(int opcode, boolean fin, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write((fin ? 0x80 : 0) | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xFF);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >>> shift) & 0xFF);
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask, 0, 4);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i & 3]);
    }
    return frame.toByteArray();
  }

  /** One frame from the node: its opcode and payload. */
  private record Received(int opcode, byte[] payload) {
  }

  /** Reads frames until the node's close frame: its code, or -1 when the connection ends without one. */
  int closeCode() throws IOException {
    while (true) {
      Received frame = read();
      if (frame == null) {
        return -1;
      }
      if (frame.opcode() == 0x8) {
        byte[] payload = frame.payload();
        return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
      }
    }
  }

  /**
   * Reads the node's first message (its file list): from then on the node's session serves the
   * socket, and the node's limits apply to what this client sends. Before it, the socket is still on
   * its way from the upgrade to its session.
   */
  void awaitFirstMessage() throws IOException {
    Received frame = read();
    if (frame == null || frame.opcode() != TEXT) {
      throw new IOException("expected the node's first message, got " + (frame == null ? "the end" : frame.opcode()));
    }
  }

  /** The next frame from the node; null when the connection ended. */
  private Received read() throws IOException {
    InputStream in = socket.getInputStream();
    int first = in.read();
    int second = in.read();
    if (first < 0 || second < 0) {
      return null;
    }
    long length = second & 0x7F;
    if (length == 126) {
      length = ((long) in.read() << 8) | in.read();
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | in.read();
      }
    }
    return new Received(first & 0x0F, in.readNBytes((int) length));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** The response head, byte by byte so that nothing after it is read. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int window = 0;
    while (window != 0x0D0A0D0A) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed during the handshake: " + head);
      }
      head.write(b);
      window = (window << 8) | b;
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }
}
