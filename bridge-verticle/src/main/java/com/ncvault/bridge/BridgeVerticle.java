package com.ncvault.bridge;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageBinding;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offers the domain events to programs in other languages through the Vert.x TCP event-bus
 * bridge. Allowed: registering for {@link Addresses#DOMAIN_EVENTS} and sending read-only requests
 * to {@link Addresses#BRIDGE_REQUEST}; every frame must carry a login token in its headers.
 * Anything else is refused by the bridge's allow-list.
 */
public class BridgeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeVerticle.class);

  private TcpEventBusBridge bridge;
  private MessageConsumer<Object> requests;
  private BridgeRequests questions;
  private BridgeGuard guard;

  @Override
  public Future<?> start() {
    JsonObject config = ConfigKeys.defaults().mergeIn(config());
    int port = config.getInteger(ConfigKeys.BRIDGE_PORT);
    if (port <= 0) {
      return Future.succeededFuture();
    }
    guard = new BridgeGuard(BridgeTokens.create(vertx, config.getString(ConfigKeys.JWT_SECRET)));
    questions = new BridgeRequests(StorageBinding.proxy(vertx));
    requests = vertx.eventBus().localConsumer(Addresses.BRIDGE_REQUEST, this::answer);
    BridgeOptions options = new BridgeOptions()
      .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.DOMAIN_EVENTS))
      .addInboundPermitted(new PermittedOptions().setAddress(Addresses.BRIDGE_REQUEST));
    bridge = TcpEventBusBridge.create(vertx, options, new NetServerOptions(), this::onBridgeEvent);
    String host = config.getString(ConfigKeys.BRIDGE_HOST);
    return requests.completion()
      .compose(v -> bridge.listen(port, host))
      .onSuccess(b -> LOG.info("Event-bus bridge listening on {}:{}", host, port));
  }

  private void onBridgeEvent(BridgeEvent event) {
    guard.check(event.type(), event.getRawMessage())
      .onSuccess(rewritten -> {
        if (rewritten != null) {
          event.setRawMessage(rewritten);
        }
        event.complete(true);
      })
      .onFailure(denied -> event.complete(false));
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
    return requests == null ? closed : closed.compose(v -> requests.unregister());
  }

  /** Kept apart so the guard can be tested without a bridge. */
  static final class BridgeTokens {
    static JWTAuth create(io.vertx.core.Vertx vertx, String secret) {
      return JWTAuth.create(vertx, new io.vertx.ext.auth.jwt.JWTAuthOptions()
        .addPubSecKey(new io.vertx.ext.auth.PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    }

    private BridgeTokens() {
    }
  }
}
