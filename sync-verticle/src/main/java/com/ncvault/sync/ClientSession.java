package com.ncvault.sync;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.UpgradeHold;
import com.ncvault.contract.WsCloseCodes;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * One browser's socket: the adapter between a {@link ServerWebSocket} and its {@link ClientStream}
 * (which decides what is written, and when). Here: the socket's handlers, pings, the limits on what
 * the client sends, and its watches. Runs entirely on the socket's event loop (its hub's).
 */
final class ClientSession implements ClientStream.Outbox, ClientStream.Sources {

  /** WATCH / UNWATCH requests one socket may have at storage at once. */
  static final int MAX_WATCH_REQUESTS = 8;
  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);

  private final ServerWebSocket socket;
  private final String user;
  private final int proto;
  private final Hub hub;
  private final SyncNode node;
  private final SyncSettings settings;
  private final StorageClient storage;
  private final Vertx vertx;
  private final ClientStream stream;
  /** The event frames' way to the channel; null when the socket's channel was out of reach (Vert.x writes them then). */
  private SocketWire wire;
  /** This session's place in its hub's array (O(1) removal); -1 when not registered. */
  int hubIndex = -1;
  /** The hub's ping tick that pings this socket ({@link Hub#pingTick}). */
  byte pingSlice;

  private boolean detached;
  /** The decoder refused a frame: it drops whatever else arrives, so the closing socket goes on reading. */
  private boolean refusedFrame;
  /** The PRESENCE frame last sent to the socket. */
  private Frame presenceSent;
  /** WATCH / UNWATCH requests of this socket that storage has not answered yet. */
  private int watchRequests;
  private boolean heard = true;
  private int silentTicks;
  private long rateWindowStart;
  private int rateCount;
  /** The text of a fragmented text message so far; null between messages and for binary ones. */
  private Buffer fragments;
  /** Bytes of the fragmented message being received, text or binary (-1 between messages). */
  private long fragmentedBytes = -1;

  ClientSession(ServerWebSocket socket, String user, String role, int proto, long since, long expiresAt, Hub hub,
                SyncNode node, SyncSettings settings, StorageClient storage, RecentEvents recent, Vertx vertx) {
    this.socket = socket;
    this.user = user;
    this.proto = proto;
    this.hub = hub;
    this.node = node;
    this.settings = settings;
    this.storage = storage;
    this.vertx = vertx;
    this.stream = new ClientStream(user, role, proto, since, expiresAt, recent, this, Timers.of(vertx), this);
  }

  String user() {
    return user;
  }

  int proto() {
    return proto;
  }

  /** The hub whose event loop runs this session. */
  Hub hub() {
    return hub;
  }


  /** Takes over the (paused) socket. */
  void start() {
    if (socket.isClosed()) {
      // The client went away between the upgrade and this takeover: nothing to serve, only its place to free.
      node.released(user);
      return;
    }
    socket.setWriteQueueMaxSize(settings.writeQueueBytes());
    // Every frame, control frames and continuations included (a pong is a sign of life like any other).
    socket.frameHandler(this::onFrame);
    // The gate calls this session from the channel's thread, which must be the session's own.
    ChannelHandlerContext channel = SocketClosing.channelOf(socket);
    // The upgrade's answer, held back by the gate, goes out with the first frames (see UpgradeHold).
    boolean answerHeld = channel != null && channel.executor().inEventLoop() && UpgradeHold.release(channel.pipeline());
    if (channel == null || !channel.executor().inEventLoop()
      || !PingGate.install(channel.pipeline(), this::admitPing, socket::writePong, stream::onDrain,
      this::onRefusedFrame)) {
      LOG.warn("No ping gate on a socket of {}: Vert.x answers its pings, outside the limits, and writes its frames", user);
    } else {
      // The session's pings watch the socket's life (two silent ticks close it), which the HTTP
      // server's idle timeout stays above. Its idle handler would also give each frame written a
      // promise and a listener of its own, and keep a timer per socket.
      IdleStateHandler idle = channel.pipeline().get(IdleStateHandler.class);
      if (idle != null) {
        channel.pipeline().remove(idle);
      }
      wire = SocketWire.on(channel);
      // every write to this socket is made on this loop from here on, and the upgrade is over
      LeanConnection.install(channel);
    }
    // Vert.x's own queue (pongs, pings, the close frame) drains here; the wire's channel through the gate.
    socket.drainHandler(v -> stream.onDrain());
    socket.exceptionHandler(this::onException);
    socket.closeHandler(v -> detach());
    // The api's HTTP server shuts down gracefully: it waits until its sockets are closed.
    socket.shutdownHandler(v -> close(WsCloseCodes.GOING_AWAY, "server going away"));
    hub.add(this);
    // Who is online goes out with the first frames, in one write; the node sends a newer list if
    // who is online changed since this one was made.
    Frame presence = node.presenceForNewSocket();
    node.joined(this, presence);
    socket.resume();
    if (socket.isClosed()) {
      detach();
      return;
    }
    hub.burst(() -> {
      stream.start();
      if (presence != null) {
        sendPresence(presence);
      }
    });
    if (answerHeld) {
      // the answer leaves now even when the stream's first frames are still on their way (a catch-up)
      channel.flush();
    }
  }

  // ---- from the node (the hub's loop) -------------------------------------------------------------

  void onEvents(List<OutboundEvent> events) {
    stream.onEvents(events);
  }

  void onSnapshot(Snapshot snapshot) {
    stream.onSnapshot(snapshot);
  }

  /** A message outside the event stream (NOTIFY, WATCHING, PONG, ERROR). */
  void sendControl(Frame frame) {
    stream.sendControl(frame);
  }

  /**
   * Who is online (PRESENCE), unless this very frame went to the socket already: a page whose user
   * came online is sent the node's new frame at once, and the push of that frame to every page,
   * which may follow within its window, does not send it again.
   */
  void sendPresence(Frame frame) {
    if (frame == presenceSent) {
      return;
    }
    presenceSent = frame;
    stream.sendControl(frame);
  }

  void pingTick() {
    if (stream.isClosed()) {
      return;
    }
    if (heard) {
      heard = false;
      silentTicks = 0;
    } else if (++silentTicks >= 2) {
      close(WsCloseCodes.IDLE, "no pong");
      return;
    }
    if (!full()) {
      // beyond the queue's bound nothing more is written, a ping neither
      if (wire == null) {
        socket.writePing(Buffer.buffer());
      } else {
        flushUnlessBurst(wire.ping());
      }
    }
  }

  void close(short code, String reason) {
    stream.close(code, reason);
  }

  // ---- ClientStream.Outbox and Sources ---------------------------------------------------------------

  @Override
  public boolean full() {
    try {
      return (wire != null && !wire.writable()) || socket.writeQueueFull();
    } catch (IllegalStateException closed) {
      return true;
    }
  }

  @Override
  public void send(Frame frame) {
    if (wire == null) {
      frame.writeTo(socket, settings.maxFrameBytes());
    } else {
      flushUnlessBurst(wire.write(frame, settings.maxFrameBytes()));
    }
  }

  /** After a write to the wire ({@code first}: the first since its last flush): flushed now, or by the hub's burst. */
  private void flushUnlessBurst(boolean first) {
    if (first && !hub.flushAfterBurst(wire)) {
      wire.flush();
    }
  }

  @Override
  public void closeSocket(short code, String reason) {
    if (socket.isClosed()) {
      // the peer went away first: nothing to tell it
      detach();
      return;
    }
    if (code == WsCloseCodes.RESYNC) {
      LOG.info("A socket of {} cannot keep up; closing it with {} {}", user, code, reason);
    } else {
      LOG.debug("Closing a socket of {} with {} {}", user, code, reason);
    }
    if (wire != null) {
      // What the wire holds for the burst's flush leaves before the close frame, as the client must see it.
      wire.flush();
    }
    SocketClosing.close(vertx, socket, code, reason, settings.closeGraceMs(), refusedFrame);
    detach();
  }

  @Override
  public Future<EventPage> eventsSince(long from, int limit) {
    return storage.eventsSince(from, limit);
  }

  @Override
  public Future<Snapshot> snapshot() {
    Promise<Snapshot> snapshot = Promise.promise();
    node.snapshotFor(hub, snapshot::handle);
    return snapshot.future();
  }

  // ---- frames from the client -----------------------------------------------------------------

  private void onFrame(WebSocketFrame frame) {
    heard = true;
    if (stream.isClosed()) {
      return;
    }
    // Each frame counts toward the rate, whatever its type: continuations and control frames too.
    if (!withinRate()) {
      return;
    }
    try {
      switch (frame.type()) {
        case TEXT, BINARY -> onFirstFrame(frame, frame.type() == WebSocketFrameType.BINARY);
        case CONTINUATION -> onContinuation(frame);
        case PING -> {
          // only without a ping gate: Vert.x has answered it already
          if (full()) {
            close(WsCloseCodes.RESYNC, "resync");
          }
        }
        default -> {
          // a pong is a sign of life (above); Vert.x answers a close
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("Frame from {} not handled", user, e);
      sendControl(Frame.text(Messages.error(new PdmError(ErrorCode.INTERNAL, "Internal error"))));
    }
  }

  /**
   * A ping, taken off the pipeline by the {@link PingGate} before Vert.x could answer it. Counted like
   * every frame; answered only while the socket's queue has room.
   */
  private boolean admitPing() {
    heard = true;
    if (stream.isClosed() || !withinRate()) {
      return false;
    }
    if (full()) {
      close(WsCloseCodes.RESYNC, "resync");
      return false;
    }
    return true;
  }

  private void onFirstFrame(WebSocketFrame frame, boolean binary) {
    fragments = null;
    fragmentedBytes = -1;
    if (frame.isFinal()) {
      onMessage(frame.binaryData(), binary);
      return;
    }
    Buffer data = frame.binaryData();
    if (tooBig(data.length())) {
      return;
    }
    fragmentedBytes = data.length();
    if (!binary) {
      fragments = Buffer.buffer().appendBuffer(data);
    }
  }

  /** The next part of a fragmented message: counted toward the size limit, text or binary. */
  private void onContinuation(WebSocketFrame frame) {
    if (fragmentedBytes < 0) {
      return;
    }
    Buffer data = frame.binaryData();
    fragmentedBytes += data.length();
    if (tooBig(fragmentedBytes)) {
      return;
    }
    if (fragments != null) {
      fragments.appendBuffer(data);
    }
    if (frame.isFinal()) {
      Buffer message = fragments;
      fragments = null;
      fragmentedBytes = -1;
      onMessage(message == null ? Buffer.buffer() : message, message == null);
    }
  }

  private void onMessage(Buffer data, boolean binary) {
    if (tooBig(data.length())) {
      return;
    }
    if (binary) {
      sendControl(Frame.text(Messages.error(new PdmError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Binary frames are not supported"))));
      return;
    }
    ClientFrames.Inbound inbound = ClientFrames.parse(data.toString());
    if (inbound instanceof ClientFrames.Ping) {
      sendControl(Messages.PONG);
    } else if (inbound instanceof ClientFrames.Watch watch) {
      changeWatch(watch.filename(), true);
    } else if (inbound instanceof ClientFrames.Unwatch unwatch) {
      changeWatch(unwatch.filename(), false);
    } else if (inbound instanceof ClientFrames.Invalid invalid) {
      sendControl(Frame.text(Messages.error(invalid.error())));
    }
  }

  /**
   * The user's watch, kept by storage (it outlasts this socket); storage tells every page of the
   * user (WATCHING) once it is changed, this one included. A refusal is this socket's ERROR.
   */
  private void changeWatch(String filename, boolean watch) {
    if (watchRequests >= MAX_WATCH_REQUESTS) {
      sendControl(Frame.text(Messages.error(new PdmError(ErrorCode.TOO_MANY_REQUESTS,
        "At most " + MAX_WATCH_REQUESTS + " watch requests at once"))));
      return;
    }
    watchRequests++;
    (watch ? storage.watch(user, filename) : storage.unwatch(user, filename))
      .onComplete(done -> {
        watchRequests--;
        if (done.failed()) {
          sendControl(Frame.text(Messages.error(PdmError.from(done.cause()))));
        }
      });
  }

  private boolean tooBig(long length) {
    if (length > settings.maxFrameBytes()) {
      close(WsCloseCodes.TOO_BIG, "frame too big");
      return true;
    }
    return false;
  }

  private boolean withinRate() {
    long now = System.currentTimeMillis();
    if (now - rateWindowStart >= 1000) {
      rateWindowStart = now;
      rateCount = 0;
    }
    if (++rateCount > settings.rateLimitPerSecond()) {
      close(WsCloseCodes.POLICY, "rate limit");
      return false;
    }
    return true;
  }

  /** A frame the decoder refused (on the channel's thread, the session's own). */
  private void onRefusedFrame(CorruptedWebSocketFrameException refusal) {
    refusedFrame = true;
    if (refusal.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG) {
      close(WsCloseCodes.TOO_BIG, "frame too big");
    } else {
      LOG.debug("A socket of {} broke the protocol: {}", user, refusal.getMessage());
      close(WsCloseCodes.PROTOCOL, "protocol error");
    }
  }

  private void onException(Throwable error) {
    if (stream.isClosed()) {
      return;
    }
    String message = String.valueOf(error.getMessage());
    if (message.contains("frame length") || message.contains("message size") || message.contains("too big")) {
      close(WsCloseCodes.TOO_BIG, "frame too big");
    } else {
      LOG.debug("Socket of {} failed: {}", user, message);
    }
  }

  private void detach() {
    if (detached) {
      return;
    }
    detached = true;
    stream.end();
    hub.remove(this);
    node.left(this);
  }
}
