package com.ncvault.contract;

/**
 * Every event-bus address of the system. Verticles reach each other only through these.
 * The message shapes are the records of this package; docs/event-bus.md describes them for
 * applications that join the cluster.
 */
public final class Addresses {

  /**
   * Request/reply to the storage-verticle of this node (a local consumer): {@link StorageApi}
   * through {@link StorageBinding}. The header {@link #HEADER_ACTION} names the operation (see
   * {@link StorageActions}); the body is the request record. Failures come back as a
   * {@code ReplyException} whose failure code is the HTTP status and whose message is the JSON of a
   * {@link PdmError}.
   */
  public static final String STORAGE = "pdm.storage";

  /**
   * Request/reply to this node's storage-verticle for machines, assignments, transfers and the
   * import queue: {@link MachineStore} through {@link MachineBinding} (local).
   */
  public static final String MACHINE_STORE = "pdm.machines.store";

  /**
   * Request/reply to this node's machine-verticle: {@link MachineLink} (local). Sends run there, on
   * its workers, and report through {@link #MACHINE_STORE}.
   */
  public static final String MACHINE_LINK = "pdm.machines.link";

  /**
   * Cluster-wide, one consumer per node: {@code pdm.machines.link.<node name>} takes the sends for
   * the machines configured to that node from the other nodes. Body {@code {machine, filename,
   * user}}; reply the running transfer as JSON; failures like {@link #STORAGE}'s.
   */
  public static final String MACHINE_LINK_NODE_PREFIX = "pdm.machines.link.";

  /** Header naming the storage operation. */
  public static final String HEADER_ACTION = "action";

  /**
   * Domain events, published cluster-wide by the storage-verticle after each committed change.
   * Body: a {@link DomainEvent} as JSON. Exactly one publish per {@code seq}.
   */
  public static final String DOMAIN_EVENTS = "pdm.events.domain";

  /**
   * A message for one user (admin message, "your lock was overridden", "X is free now"),
   * published cluster-wide. Body: a {@link Notification} as JSON.
   */
  public static final String NOTIFY = "pdm.events.notify";

  /**
   * A change of one user's own state that all of that user's pages show alike (a watch added or
   * removed, notices read), published cluster-wide by storage. Body: a {@link UserUpdate} as JSON;
   * sync sends it to that user's sockets as a message of its {@code type}.
   */
  public static final String USER_UPDATE = "pdm.events.user";

  /**
   * Local only: the api-verticle hands an authenticated, upgraded WebSocket to the
   * sync-verticle. Body: a {@link SocketHandoff} (sent with {@link SocketHandoff#CODEC}).
   */
  public static final String SYNC_CONNECT = "pdm.sync.connect";

  /**
   * Presence of users, published cluster-wide by each node's sync-verticle. Body: a
   * {@link NodePresence} as JSON.
   */
  public static final String PRESENCE = "pdm.sync.presence";

  /**
   * Local request/reply: the sync-verticle's status for /health. Reply:
   * {@code {node, connections: open sockets, users: distinct users connected to this node}}.
   */
  public static final String SYNC_STATUS = "pdm.sync.status";

  /**
   * Local request/reply, only on a clustered node: what this node sees of the cluster, for /health.
   * Reply: a {@link ClusterStatus} as JSON.
   */
  public static final String CLUSTER_STATUS = "pdm.cluster.status";

  /**
   * Local only, published by the storage-verticle when the breaker of another node changes: the node
   * stopped answering content requests and is skipped ({@code open}), is tried again
   * ({@code half_open}), or answers again ({@code closed}). Body: {@code {peer, state}}.
   */
  public static final String PEER_BREAKERS = "pdm.storage.peers";

  /**
   * Requests from programs connected through the TCP event-bus bridge: header {@code action}
   * (a read-only storage action) and header {@code token} (a login token) are required.
   */
  public static final String BRIDGE_REQUEST = "pdm.bridge.request";

  private Addresses() {
  }
}
