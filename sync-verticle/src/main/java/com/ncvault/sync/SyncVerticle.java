package com.ncvault.sync;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.SocketHandoff;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * WebSocket live sync of a node. Deploy ONE instance per node: it subscribes once to the domain
 * events, notifications, user updates and presence (never one consumer per socket), takes over the sockets the
 * api-verticle upgrades ({@link Addresses#SYNC_CONNECT}) and answers {@link Addresses#SYNC_STATUS}.
 * The protocol is described in docs/protocol.md.
 */
public class SyncVerticle extends VerticleBase {

  private static final String REGISTRY = "pdm.sync";
  private SyncNode node;
  private MessageConsumer<JsonObject> presence;

  @Override
  public Future<?> start() {
    // A second instance would subscribe twice and deliver every event twice.
    if (vertx.sharedData().<String, String>getLocalMap(REGISTRY).putIfAbsent("instance", deploymentID()) != null) {
      return Future.failedFuture("Deploy one SyncVerticle per node (instances = 1)");
    }
    SyncSettings settings = SyncSettings.from(config());
    node = new SyncNode(vertx, context, settings, new StorageClient(vertx));
    EventBus bus = vertx.eventBus();
    MessageConsumer<JsonObject> events = bus.consumer(Addresses.DOMAIN_EVENTS, m -> node.onDomainEvent(m.body()));
    MessageConsumer<JsonObject> notify = bus.consumer(Addresses.NOTIFY, m -> node.onNotify(m.body()));
    MessageConsumer<JsonObject> userUpdates = bus.consumer(Addresses.USER_UPDATE, m -> node.onUserUpdate(m.body()));
    presence = bus.consumer(Addresses.PRESENCE, m -> node.onPresence(m.body()));
    bus.<SocketHandoff>localConsumer(Addresses.SYNC_CONNECT, m -> node.accept(m.body()));
    bus.<JsonObject>localConsumer(Addresses.SYNC_STATUS, m -> m.reply(node.status()));
    return Future.all(events.completion(), notify.completion(), userUpdates.completion(), presence.completion())
      .compose(v -> node.start())
      .onFailure(e -> vertx.sharedData().<String, String>getLocalMap(REGISTRY).remove("instance", deploymentID()));
  }

  @Override
  public Future<?> stop() {
    if (node == null) {
      return Future.succeededFuture();
    }
    // Stop listening first: the node's farewell publish must not reach its own closing consumer.
    return presence.unregister().compose(v -> node.stop())
      .onComplete(done -> vertx.sharedData().<String, String>getLocalMap(REGISTRY).remove("instance", deploymentID()));
  }
}
