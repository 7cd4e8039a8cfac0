package com.ncvault.bridge;

import com.ncvault.auth.SessionVerifier;
import com.ncvault.auth.Tokens;
import com.ncvault.auth.UserCache;
import com.ncvault.contract.Addresses;
import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.SessionEnds;
import com.ncvault.contract.StorageBinding;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offers the domain events to programs in other languages through the Vert.x TCP event-bus
 * bridge. Allowed: registering for {@link Addresses#DOMAIN_EVENTS} and sending read-only requests
 * to {@link Addresses#BRIDGE_REQUEST}; every frame must carry a login token in its headers.
 * Anything else is refused by the bridge's allow-list. A frame declaring more than
 * {@link ConfigKeys#BRIDGE_MAX_FRAME_BYTES} closes its connection before any of it is buffered; a
 * connection ends with the sessions of the users it acted as (expiry, a new password, deletion).
 */
public class BridgeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeVerticle.class);

  private TcpEventBusBridge bridge;
  private MessageConsumer<Object> requests;
  private MessageConsumer<JsonObject> sessionEnds;
  private BridgeRequests questions;
  private BridgeGuard guard;
  private SessionVerifier verifier;
  private final BridgeSessions<NetSocket> sessions = new BridgeSessions<>();

  @Override
  public Future<?> start() {
    JsonObject config = ConfigKeys.defaults().mergeIn(config());
    int port = config.getInteger(ConfigKeys.BRIDGE_PORT);
    if (port <= 0) {
      return Future.succeededFuture();
    }
    int maxFrameBytes = config.getInteger(ConfigKeys.BRIDGE_MAX_FRAME_BYTES);
    // issues no tokens: only verifies them (the lifetime is the api's concern)
    Tokens tokens = new Tokens(vertx, config.getString(ConfigKeys.JWT_SECRET), 0);
    verifier = new SessionVerifier(tokens, StorageBinding.proxy(vertx), new UserCache(Clock.systemUTC(), UserCache.TTL));
    guard = new BridgeGuard(verifier);
    questions = new BridgeRequests(StorageBinding.proxy(vertx));
    requests = vertx.eventBus().localConsumer(Addresses.BRIDGE_REQUEST, this::answer);
    sessionEnds = vertx.eventBus().consumer(Addresses.DOMAIN_EVENTS, m -> onDomainEvent(m.body()));
    BridgeOptions options = new BridgeOptions()
      .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.DOMAIN_EVENTS))
      .addInboundPermitted(new PermittedOptions().setAddress(Addresses.BRIDGE_REQUEST));
    bridge = TcpEventBusBridge.create(BridgeConnections.intercepting(vertx, socket -> limited(socket, maxFrameBytes)),
      options, new NetServerOptions(), this::onBridgeEvent);
    String host = config.getString(ConfigKeys.BRIDGE_HOST);
    return Future.all(requests.completion(), sessionEnds.completion())
      .compose(v -> bridge.listen(port, host))
      .onSuccess(b -> LOG.info("Event-bus bridge listening on {}:{}", host, port));
  }

  /** The connection as the bridge sees it: its data stops at a frame longer than the limit, which closes it. */
  private NetSocket limited(NetSocket socket, int maxFrameBytes) {
    FrameLimit limit = new FrameLimit(maxFrameBytes);
    NetSocket seen = BridgeConnections.filtering(socket, parser -> data -> {
      if (limit.exceeded()) {
        return;
      }
      if (limit.accept(data)) {
        parser.handle(data);
      } else {
        close(socket, "frame_too_large: a frame may have at most " + maxFrameBytes + " bytes");
      }
    });
    socket.closeHandler(v -> sessions.remove(seen));
    return seen;
  }

  private void onBridgeEvent(BridgeEvent event) {
    guard.check(event.type(), event.getRawMessage())
      .onSuccess(verdict -> {
        if (verdict.frame() != null) {
          event.setRawMessage(verdict.frame());
        }
        if (verdict.session() != null) {
          follow(event.socket(), verdict.session().username(), verdict.session().expiresAt());
        }
        event.complete(true);
      })
      .onFailure(denied -> event.complete(false));
  }

  /** The connection ends when this session does (at its expiry here; at a new password or deletion by its event). */
  private void follow(NetSocket socket, String username, Instant ends) {
    if (sessions.add(socket, username, ends)) {
      long delay = Math.max(1, Duration.between(Instant.now(), ends).toMillis());
      vertx.setTimer(delay, id -> {
        if (sessions.expire(socket, Instant.now())) {
          close(socket, "session_expired: log in again for a new token");
        }
      });
    }
  }

  private void onDomainEvent(JsonObject event) {
    JsonObject details = event == null || !(event.getValue("details") instanceof JsonObject d) ? null : d;
    String reason = event == null ? null : SessionEnds.reason(event.getString("type"), details);
    if (reason == null) {
      return;
    }
    String username = SessionEnds.username(details);
    verifier.forget(username);
    for (NetSocket socket : sessions.endUser(username)) {
      close(socket, "session_ended: " + reason);
    }
  }

  /** An error frame (the bridge protocol's {@code err}) saying why, then the connection closes. */
  private static void close(NetSocket socket, String message) {
    byte[] json = new JsonObject().put("type", "err").put("message", message).encode().getBytes(StandardCharsets.UTF_8);
    socket.end(Buffer.buffer().appendInt(json.length).appendBytes(json));
  }

  private void answer(Message<Object> request) {
    String action = request.headers().get(Addresses.HEADER_ACTION);
    if (!(request.body() == null || request.body() instanceof JsonObject)) {
      fail(request, new PdmError(ErrorCode.BAD_REQUEST, "A request body is a JSON object"));
      return;
    }
    questions.answer(action, (JsonObject) request.body(), request.headers().get(BridgeGuard.HEADER_USER))
      .onSuccess(request::reply)
      .onFailure(e -> fail(request, PdmError.from(e)));
  }

  private static void fail(Message<?> request, PdmError error) {
    request.fail(error.code().status(), error.toJson().encode());
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = bridge == null ? Future.succeededFuture() : bridge.close();
    return closed
      .compose(v -> requests == null ? Future.succeededFuture() : requests.unregister())
      .compose(v -> sessionEnds == null ? Future.succeededFuture() : sessionEnds.unregister());
  }
}
