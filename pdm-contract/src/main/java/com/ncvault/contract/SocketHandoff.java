package com.ncvault.contract;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.http.ServerWebSocket;

/**
 * An upgraded, authenticated WebSocket handed by the api-verticle to the sync-verticle on
 * {@link Addresses#SYNC_CONNECT}. Local delivery only: the codec passes the object itself.
 *
 * @param since the {@code since} query parameter, or -1 when absent
 * @param proto 1 for the seed's snapshot protocol, 2 for deltas
 */
public record SocketHandoff(ServerWebSocket socket, String user, String role, long since, int proto) {

  public static final String CODEC = "pdm.socket-handoff";

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
