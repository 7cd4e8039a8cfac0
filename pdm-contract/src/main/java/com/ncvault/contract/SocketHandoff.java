package com.ncvault.contract;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.http.ServerWebSocket;

/**
 * An upgraded, authenticated WebSocket handed by the api-verticle to the sync-verticle on
 * {@link Addresses#SYNC_CONNECT}. Local delivery only: the codec passes the object itself. The
 * upgrade's answer may still be held on the connection ({@link UpgradeHold}): it reaches the client
 * with the first thing the taker writes or flushes, or when the taker releases it.
 *
 * @param since the {@code since} query parameter, or -1 when absent
 * @param proto 1 for the seed's snapshot protocol, 2 for deltas (several messages per seq), 3 for one message per seq
 * @param expiresAt epoch millis when the session behind the socket expires (the socket is then
 *     closed with {@link WsCloseCodes#SESSION_EXPIRED}); 0 = no expiry known
 * @param context the context the socket belongs to (the api's event loop). The sync-verticle
 *     writes to the socket from that thread so that {@code writeQueueFull()} measures the client,
 *     not a hop between threads. The shorter constructors take {@link Vertx#currentContext()},
 *     which is that context when called from the upgrade handler.
 */
public record SocketHandoff(ServerWebSocket socket, String user, String role, long since, int proto,
                            long expiresAt, Context context) {

  public static final String CODEC = "pdm.socket-handoff";

  public SocketHandoff(ServerWebSocket socket, String user, String role, long since, int proto) {
    this(socket, user, role, since, proto, 0L, Vertx.currentContext());
  }

  public SocketHandoff(ServerWebSocket socket, String user, String role, long since, int proto, long expiresAt) {
    this(socket, user, role, since, proto, expiresAt, Vertx.currentContext());
  }

  /** Registered once per Vert.x instance by the launcher. */
  public static final class Codec implements MessageCodec<SocketHandoff, SocketHandoff> {
    @Override
    public void encodeToWire(Buffer buffer, SocketHandoff handoff) {
      throw new UnsupportedOperationException("A socket handoff never leaves its node");
    }

    @Override
    public SocketHandoff decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("A socket handoff never leaves its node");
    }

    @Override
    public SocketHandoff transform(SocketHandoff handoff) {
      return handoff;
    }

    @Override
    public String name() {
      return CODEC;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
