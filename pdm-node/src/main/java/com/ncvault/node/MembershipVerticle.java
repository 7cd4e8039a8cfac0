package com.ncvault.node;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.ncvault.contract.Addresses;
import com.ncvault.contract.ClusterStatus;
import com.ncvault.contract.StorageBinding;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership of a clustered node: logs every member that joins or leaves (by name), answers
 * {@link Addresses#CLUSTER_STATUS} for /health and keeps the cluster gauges of /metrics. The members
 * come from Hazelcast; the nodes seen alive recently from the node registry (storage's
 * {@code nodes.list}), read at start, after every membership change and every half heartbeat.
 */
final class MembershipVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MembershipVerticle.class);
  static final long REGISTRY_REFRESH_MS = ClusterStatus.REGISTRY_HEARTBEAT_MS / 2;
  private static final long REGISTRY_TIMEOUT_MS = 10_000;

  private final HazelcastInstance hazelcast;
  private Map<UUID, ClusterPeer> members = Map.of();
  private UUID selfId;
  private Map<String, Long> lastSeen = Map.of();
  private ClusterStatus status;
  private UUID membershipListener;
  private UUID lifecycleListener;
  private long refreshTimer = -1;
  private MessageConsumer<JsonObject> consumer;
  private final AtomicInteger memberCount = new AtomicInteger();
  private final AtomicInteger degraded = new AtomicInteger();
  private final Map<String, AtomicInteger> memberGauges = new HashMap<>();
  private final List<Meter> meters = new ArrayList<>();
  private MeterRegistry registry;

  MembershipVerticle(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  @Override
  public Future<?> start() {
    registry = BackendRegistries.getDefaultNow();
    if (registry != null) {
      meters.add(Gauge.builder("pdm.cluster.members", memberCount, AtomicInteger::get)
        .description("Cluster members visible from this node").register(registry));
      meters.add(Gauge.builder("pdm.cluster.degraded", degraded, AtomicInteger::get)
        .description("1 while a node seen alive recently is not a member visible from this node").register(registry));
    }
    // Hazelcast calls listeners on its own threads; the state lives on this verticle's context.
    membershipListener = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        context.runOnContext(v -> membersChanged());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        context.runOnContext(v -> membersChanged());
      }
    });
    // After a merge the member list is rebuilt; its events may not all arrive as additions.
    lifecycleListener = hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        context.runOnContext(v -> membersChanged());
      }
    });
    membersChanged();
    refreshTimer = vertx.setPeriodic(REGISTRY_REFRESH_MS, id -> refreshRegistry());
    consumer = vertx.eventBus().localConsumer(Addresses.CLUSTER_STATUS, this::answer);
    return consumer.completion().compose(v -> refreshRegistry());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(refreshTimer);
    try {
      hazelcast.getCluster().removeMembershipListener(membershipListener);
      hazelcast.getLifecycleService().removeLifecycleListener(lifecycleListener);
    } catch (RuntimeException hazelcastStopped) {
      // the instance is shutting down with the node; its listeners go with it
    }
    if (registry != null) {
      meters.forEach(registry::remove);
    }
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void answer(Message<JsonObject> request) {
    recompute();
    request.reply(JsonObject.mapFrom(status));
  }

  private void membersChanged() {
    Map<UUID, ClusterPeer> now = new LinkedHashMap<>();
    ClusterPeer self;
    UUID localId;
    try {
      Member local = hazelcast.getCluster().getLocalMember();
      self = ClusterPeer.of(local);
      localId = local.getUuid();
      for (Member member : hazelcast.getCluster().getMembers()) {
        now.put(member.getUuid(), ClusterPeer.of(member));
      }
    } catch (RuntimeException notRunning) {
      LOG.debug("Cluster members not readable now: {}", notRunning.getMessage());
      return;
    }
    boolean first = members.isEmpty();
    Map<UUID, ClusterPeer> before = members;
    UUID selfBefore = this.selfId;
    members = now;
    selfId = localId;
    if (first) {
      LOG.info("In the cluster with {}", members(now));
    } else {
      // This node itself neither joins nor leaves (a merge gives it a new member id).
      now.forEach((uuid, peer) -> {
        if (!before.containsKey(uuid) && !uuid.equals(localId)) {
          LOG.info("Cluster member {} joined ({})", peer.name(), members(now));
          List<String> differing = SecretsCheck.differing(self, peer);
          if (!differing.isEmpty()) {
            LOG.warn("Cluster member {} has another {} than this node (compared by SHA-256 digest); it refuses to serve",
              peer.name(), String.join(" and ", differing));
          }
        }
      });
      before.forEach((uuid, peer) -> {
        if (!now.containsKey(uuid) && !uuid.equals(selfBefore)) {
          LOG.info("Cluster member {} left ({})", peer.name(), members(now));
        }
      });
    }
    recompute();
    if (!first) {
      // A member that left may have registered after the last read: read the registry again.
      refreshRegistry();
    }
  }

  /** "2 members: node-a, node-b". */
  private static String members(Map<UUID, ClusterPeer> members) {
    return members.size() + (members.size() == 1 ? " member: " : " members: ")
      + String.join(", ", members.values().stream().map(ClusterPeer::name).toList());
  }

  private Future<Void> refreshRegistry() {
    return StorageBinding.proxy(vertx).nodes()
      .timeout(REGISTRY_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
      .map(list -> {
        Map<String, Long> seen = new HashMap<>();
        list.nodes().forEach(node -> seen.put(node.name(), Instant.parse(node.lastSeen()).toEpochMilli()));
        return seen;
      })
      .onSuccess(seen -> {
        lastSeen = seen;
        recompute();
      })
      // The last view stays; the database's own trouble shows in /health's storage part.
      .onFailure(e -> LOG.debug("Could not read the node registry: {}", e.getMessage()))
      .<Void>mapEmpty()
      .recover(e -> Future.succeededFuture());
  }

  private void recompute() {
    List<String> nodeMembers = new ArrayList<>();
    for (ClusterPeer peer : members.values()) {
      if (peer.isNode()) {
        nodeMembers.add(peer.name());
      }
    }
    ClusterStatus previous = status;
    status = ClusterView.status(nodeMembers, members.size(), lastSeen, System.currentTimeMillis());
    memberCount.set(status.memberCount());
    degraded.set(ClusterStatus.DEGRADED.equals(status.status()) ? 1 : 0);
    updateMemberGauges();
    if (previous != null && !previous.missing().equals(status.missing())) {
      if (status.missing().isEmpty()) {
        LOG.info("Cluster complete again: every node seen alive recently is a member ({})",
          String.join(", ", status.members()));
      } else {
        LOG.warn("Cluster degraded: {} seen alive in the last {} s but not a member visible from this node",
          String.join(", ", status.missing()), status.recentWindowSeconds());
      }
    }
  }

  /** pdm_cluster_member{name} is 1 for each node visible as a member, 0 for one seen recently but not visible. */
  private void updateMemberGauges() {
    if (registry == null) {
      return;
    }
    List<String> known = new ArrayList<>(status.members());
    known.addAll(status.recentlySeen());
    for (String name : known) {
      memberGauges.computeIfAbsent(name, n -> {
        AtomicInteger value = new AtomicInteger();
        meters.add(Gauge.builder("pdm.cluster.member", value, AtomicInteger::get).tag("name", n)
          .description("1 while the node is a member visible from this node").register(registry));
        return value;
      });
    }
    memberGauges.forEach((name, value) -> value.set(status.members().contains(name) ? 1 : 0));
  }
}
