package com.ncvault.contract;

/** WebSocket close codes the server uses on /ws, and what a client should do after each. */
public final class WsCloseCodes {

  /** The server is stopping: reconnect (with backoff) to this or another node. */
  public static final short GOING_AWAY = 1001;
  /** The client broke the WebSocket protocol (an unmasked frame, a reserved bit or opcode): fix the client. */
  public static final short PROTOCOL = 1002;
  /** Policy violation: more messages per second than allowed. Reconnect with backoff. */
  public static final short POLICY = 1008;
  /** A client frame was larger than wsMaxFrameBytes. */
  public static final short TOO_BIG = 1009;
  /** The server could not serve the socket (storage unavailable). Reconnect with backoff. */
  public static final short SERVER_ERROR = 1011;
  /** The client could not keep up: reconnect at once with {@code since} = the last seq seen. */
  public static final short RESYNC = 4000;
  /** The session expired or became invalid: log in again. */
  public static final short SESSION_EXPIRED = 4001;
  /** No pong nor frame for two ping intervals: the peer is considered gone. */
  public static final short IDLE = 4002;
  /** The user already has wsMaxSocketsPerUser sockets open on this node: close one, then reconnect with backoff. */
  public static final short TOO_MANY_SOCKETS = 4003;

  private WsCloseCodes() {
  }
}
