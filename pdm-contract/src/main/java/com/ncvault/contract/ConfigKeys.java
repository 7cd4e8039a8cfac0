package com.ncvault.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Every configuration key with its default. Precedence: these defaults < the JSON config file
 * (conf/config.json or --conf FILE) < environment variables. The environment variable of a key is
 * {@code PDM_} followed by the key in upper snake case: {@code httpPort} -> {@code PDM_HTTP_PORT}.
 */
public final class ConfigKeys {

  /** HTTP port of the node (page, REST API and /ws). */
  public static final String HTTP_PORT = "httpPort";
  /** Interface the HTTP server binds to. */
  public static final String HTTP_HOST = "httpHost";
  /**
   * Seconds an HTTP connection may stay silent (nothing read, nothing written) before the server
   * closes it, e.g. a client that sent half a request and stopped; 0 = max(60, 2 * wsPingSeconds + 10).
   * Open /ws sockets are pinged every wsPingSeconds, so keep this above that.
   */
  public static final String HTTP_IDLE_TIMEOUT_SECONDS = "httpIdleTimeoutSeconds";
  /** Number of api-verticle instances (event loops serving HTTP); 0 = number of cores. */
  public static final String HTTP_INSTANCES = "httpInstances";
  /** Directory for the embedded database, the blob store, incoming uploads and the token key. */
  public static final String DATA_DIR = "dataDir";
  /** Name of this node in presence and health; default "node-" + httpPort. */
  public static final String NODE_NAME = "nodeName";

  /** "h2" (embedded, default) or "postgres". */
  public static final String DB_KIND = "dbKind";
  /** PostgreSQL connection URI, e.g. postgresql://user@127.0.0.1:5432/pdm (dbKind=postgres). */
  public static final String PG_URI = "pgUri";
  /** Size of the SQL connection pool. */
  public static final String DB_POOL_SIZE = "dbPoolSize";

  /** Largest accepted upload in bytes (413 above it). */
  public static final String MAX_UPLOAD_BYTES = "maxUploadBytes";
  /** Uploads one user may have being received at once on a node (429 above it). */
  public static final String MAX_UPLOADS_PER_USER = "maxUploadsPerUser";
  /** Allowed filename extensions, lower case with the dot. */
  public static final String ALLOWED_EXTENSIONS = "allowedExtensions";
  /**
   * Extensions whose content is binary (lower case with the dot): the page offers no viewer and no
   * differences for them. Content is also sniffed, so a binary file with another extension is caught.
   */
  public static final String BINARY_EXTENSIONS = "binaryExtensions";
  /** Most files one zip download may hold (413 above it). */
  public static final String ZIP_MAX_FILES = "zipMaxFiles";
  /** Most bytes (before compression) one zip download may hold (413 above it). */
  public static final String ZIP_MAX_BYTES = "zipMaxBytes";
  /** Optional regular expression the name before the extension must match; empty = none. */
  public static final String FILENAME_PATTERN = "filenamePattern";
  /** How many activity events are kept for catch-up (0 = all). */
  public static final String EVENT_RETENTION = "eventRetention";

  /** HMAC key for signing tokens; empty = generated on first start and kept in dataDir. */
  public static final String JWT_SECRET = "jwtSecret";
  /** Lifetime of a login token in seconds (8 h). */
  public static final String TOKEN_TTL_SECONDS = "tokenTtlSeconds";
  /** Password of the first admin on an empty database; empty = random, printed once. */
  public static final String ADMIN_PASSWORD = "adminPassword";
  /** Failed logins per user per minute before 429. */
  public static final String LOGIN_MAX_FAILURES = "loginMaxFailuresPerMinute";
  /** Extra origins allowed to open /ws (the server's own origin always is). */
  public static final String WS_ALLOWED_ORIGINS = "wsAllowedOrigins";
  /** TLS: path of a PEM certificate chain; empty = plain HTTP. */
  public static final String TLS_CERT = "tlsCertPath";
  /** TLS: path of the PEM private key. */
  public static final String TLS_KEY = "tlsKeyPath";

  /** Seed demo users (alice, bob) and sample files on an empty vault. */
  public static final String DEMO = "demo";
  /** Password of the demo users; empty = random, printed once. */
  public static final String DEMO_PASSWORD = "demoPassword";

  /** Seconds between server pings on /ws; a peer silent for twice this is closed. */
  public static final String WS_PING_SECONDS = "wsPingSeconds";
  /** Largest accepted WebSocket frame from a client, in bytes. */
  public static final String WS_MAX_FRAME_BYTES = "wsMaxFrameBytes";
  /** Client messages per second before the socket is closed for flooding. */
  public static final String WS_RATE_LIMIT = "wsRateLimitPerSecond";
  /** Snapshot protocol: at most one FILE_LIST_UPDATED per client per this many ms. */
  public static final String WS_SNAPSHOT_COALESCE_MS = "wsSnapshotCoalesceMs";
  /** How long a gap in event seq is waited for before the missing events are read from storage. */
  public static final String WS_GAP_WAIT_MS = "wsGapWaitMs";
  /** Bytes a socket may have waiting to be sent; a delta client beyond it is closed with "resync". */
  public static final String WS_WRITE_QUEUE_BYTES = "wsWriteQueueMaxBytes";
  /** Sockets one user may have open on a node; one more is refused with close code 4003. */
  public static final String WS_MAX_SOCKETS_PER_USER = "wsMaxSocketsPerUser";
  /**
   * Milliseconds the node waits for the closing handshake of a socket it closes; then it drops the
   * connection (a client that never reads would otherwise keep it, and what is queued for it, open).
   */
  public static final String WS_CLOSE_GRACE_MS = "wsCloseGraceMs";
  /**
   * Most of the heap, in percent, left free after a full collection: the JVM gives back what is
   * above it (and keeps at least half of it free). The node holds a socket's state on the heap, so
   * the memory it takes follows the connections down again as well as up. 0 leaves the JVM's own
   * ratios; so does {@code -XX:MaxHeapFreeRatio} or {@code -XX:MinHeapFreeRatio} on the command line.
   */
  public static final String HEAP_FREE_PERCENT = "heapFreePercent";

  /**
   * Rapid rate (mm/min) of the estimated cycle times in program facts, until machines carry their
   * own. Facts computed at another rate are computed again; nodes of a cluster should agree on it.
   */
  public static final String RAPID_MM_PER_MIN = "rapidMmPerMin";

  /** Age in seconds after which the dashboard marks a checkout as stale (24 h). */
  public static final String STALE_LOCK_SECONDS = "staleLockSeconds";

  /** Join a cluster of nodes over the Hazelcast event bus. */
  public static final String CLUSTER = "cluster";
  /** Interface Hazelcast and the clustered event bus bind to and announce. */
  public static final String CLUSTER_HOST = "clusterHost";
  /** First Hazelcast port; the node takes the first free one of clusterPortCount ports. */
  public static final String CLUSTER_PORT = "clusterPort";
  /** How many Hazelcast ports from clusterPort are tried (and probed for members). */
  public static final String CLUSTER_PORT_COUNT = "clusterPortCount";
  /** Hosts of the other members (TCP-IP join; multicast is off). */
  public static final String CLUSTER_MEMBERS = "clusterMembers";
  /** Hazelcast cluster name: nodes of one vault share it. */
  public static final String CLUSTER_NAME = "clusterName";
  /** Port of the clustered event bus (0 = any free port). */
  public static final String EVENT_BUS_PORT = "eventBusPort";
  /** Seconds between the heartbeats a member sends to the others. */
  public static final String CLUSTER_HEARTBEAT_SECONDS = "clusterHeartbeatSeconds";
  /**
   * A member that has sent no heartbeat for this many seconds (frozen, crashed, cut off) is removed
   * from the cluster; the other members go on without it.
   */
  public static final String CLUSTER_MEMBER_TIMEOUT_SECONDS = "clusterMemberTimeoutSeconds";
  /**
   * How often a cluster looks for another cluster of the same name to merge with after a network
   * partition (a frozen member that came back alone), and how soon after the start it first looks.
   */
  public static final String CLUSTER_MERGE_SECONDS = "clusterMergeSeconds";
  /** Shared secret authenticating node-to-node requests (blob replication); set it for clusters. */
  public static final String CLUSTER_SECRET = "clusterSecret";
  /**
   * Base URL at which the other nodes reach this node's internal endpoints (blob replication),
   * e.g. "http://plant-a.example:8080". Empty = derived from httpHost and httpPort (clusterHost
   * when httpHost is a wildcard address such as 0.0.0.0); https when TLS is configured.
   */
  public static final String INTERNAL_URL = "internalUrl";
  /** Base URLs of other nodes the page may fail over to, e.g. ["http://plant-b:8080"]. */
  public static final String PEER_URLS = "peerUrls";

  /**
   * How many nodes must hold the content of a new file or revision before the upload is answered
   * (each copy checked against its SHA-256). 0 = 2 on a clustered node, 1 on a single node.
   */
  public static final String REPLICATION_FACTOR = "replicationFactor";
  /**
   * The longest an upload's answer waits for {@link #REPLICATION_FACTOR} copies; then it is answered
   * with a {@code warning} (the revision is committed either way).
   */
  public static final String REPLICATION_WAIT_SECONDS = "replicationWaitSeconds";

  /**
   * The longest a node waits for another node to start answering a content request (connection and
   * response headers); then the next node holding the content is asked.
   */
  public static final String PEER_FIRST_BYTE_TIMEOUT_MS = "peerFirstByteTimeoutMs";
  /** The longest a node waits for the next bytes of content another node is sending; then the next node is asked. */
  public static final String PEER_IDLE_TIMEOUT_MS = "peerIdleTimeoutMs";
  /** After this many timed-out content requests in a row, a node is skipped for {@link #PEER_BREAKER_COOLDOWN_MS}. */
  public static final String PEER_BREAKER_FAILURES = "peerBreakerFailures";
  /** How long a node that stopped answering is skipped before one request tries it again. */
  public static final String PEER_BREAKER_COOLDOWN_MS = "peerBreakerCooldownMs";

  /** {@link #REPLICATION_FACTOR} of a configuration with the defaults in: 0 resolves by {@link #CLUSTER}. */
  public static int replicationFactor(JsonObject config) {
    int configured = config.getInteger(REPLICATION_FACTOR, 0);
    return configured > 0 ? configured : config.getBoolean(CLUSTER, false) ? 2 : 1;
  }

  /** Port of the TCP event-bus bridge for programs in other languages (0 = off). */
  public static final String BRIDGE_PORT = "bridgePort";
  /** Interface the TCP event-bus bridge binds to. */
  public static final String BRIDGE_HOST = "bridgeHost";
  /**
   * Largest frame (its declared length, in bytes) a bridge client may send; a longer one closes the
   * connection before any of it is buffered or any token is checked.
   */
  public static final String BRIDGE_MAX_FRAME_BYTES = "bridgeMaxFrameBytes";

  /**
   * The lifecycle's transitions: an array of {from, to, role, comment} ("from" may be "*" for any
   * other state; role is the least role that may make it; comment whether one is required), or the
   * same as JSON text. Default {@link Lifecycle#DEFAULT_TRANSITIONS}; a release is always a signature.
   */
  public static final String LIFECYCLE_TRANSITIONS = "lifecycleTransitions";
  /**
   * Folders under which machines' folders may lie (docs/machines.md); a machine's folder outside
   * all of them is refused. Empty: no folder transport can be set up.
   */
  public static final String MACHINE_FOLDER_ROOTS = "machineFolderRoots";
  /** How often the machines' inboxes (folders, FTP directories) are polled; 0 turns polling off. */
  public static final String MACHINE_POLL_SECONDS = "machinePollSeconds";
  /** How often a transfer is tried before it fails. */
  public static final String MACHINE_TRANSFER_ATTEMPTS = "machineTransferAttempts";
  /** The wait before the first retry of a transfer; each later one waits twice as long, at most 30 s. */
  public static final String MACHINE_RETRY_FIRST_MS = "machineRetryFirstMs";

  /** Defaults for every key. */
  public static JsonObject defaults() {
    return new JsonObject()
      .put(HTTP_PORT, 8080)
      .put(HTTP_HOST, "0.0.0.0")
      .put(HTTP_INSTANCES, 0)
      .put(HTTP_IDLE_TIMEOUT_SECONDS, 0)
      .put(DATA_DIR, "./data")
      .put(NODE_NAME, "")
      .put(DB_KIND, "h2")
      .put(PG_URI, "postgresql://postgres@127.0.0.1:5432/postgres")
      .put(DB_POOL_SIZE, 8)
      .put(MAX_UPLOAD_BYTES, 2L * 1024 * 1024 * 1024)
      .put(MAX_UPLOADS_PER_USER, 4)
      .put(ALLOWED_EXTENSIONS, new JsonArray().add(".mcam").add(".vnc").add(".nc").add(".tap")
        .add(".gcode").add(".mpf").add(".txt"))
      .put(BINARY_EXTENSIONS, new JsonArray().add(".mcam"))
      .put(ZIP_MAX_FILES, 500)
      .put(ZIP_MAX_BYTES, 1024L * 1024 * 1024)
      .put(FILENAME_PATTERN, "")
      .put(EVENT_RETENTION, 0)
      .put(JWT_SECRET, "")
      .put(TOKEN_TTL_SECONDS, 8 * 3600)
      .put(ADMIN_PASSWORD, "")
      .put(LOGIN_MAX_FAILURES, 10)
      .put(WS_ALLOWED_ORIGINS, new JsonArray())
      .put(TLS_CERT, "")
      .put(TLS_KEY, "")
      .put(DEMO, false)
      .put(DEMO_PASSWORD, "")
      .put(WS_PING_SECONDS, 30)
      .put(WS_MAX_FRAME_BYTES, 65536)
      .put(WS_RATE_LIMIT, 50)
      .put(WS_SNAPSHOT_COALESCE_MS, 100)
      .put(WS_GAP_WAIT_MS, 200)
      .put(WS_WRITE_QUEUE_BYTES, 1024 * 1024)
      .put(WS_MAX_SOCKETS_PER_USER, 20)
      .put(WS_CLOSE_GRACE_MS, 250)
      .put(HEAP_FREE_PERCENT, 20)
      .put(RAPID_MM_PER_MIN, 10_000)
      .put(STALE_LOCK_SECONDS, 24 * 3600)
      .put(LIFECYCLE_TRANSITIONS, Lifecycle.DEFAULT_TRANSITIONS.copy())
      .put(CLUSTER, false)
      .put(CLUSTER_HOST, "127.0.0.1")
      .put(CLUSTER_PORT, 5701)
      .put(CLUSTER_PORT_COUNT, 10)
      .put(CLUSTER_MEMBERS, new JsonArray().add("127.0.0.1"))
      .put(CLUSTER_NAME, "ncvault")
      .put(EVENT_BUS_PORT, 0)
      .put(CLUSTER_HEARTBEAT_SECONDS, 5)
      .put(CLUSTER_MEMBER_TIMEOUT_SECONDS, 30)
      .put(CLUSTER_MERGE_SECONDS, 10)
      .put(CLUSTER_SECRET, "")
      .put(INTERNAL_URL, "")
      .put(PEER_URLS, new JsonArray())
      .put(REPLICATION_FACTOR, 0)
      .put(REPLICATION_WAIT_SECONDS, 15)
      .put(PEER_FIRST_BYTE_TIMEOUT_MS, 2_000)
      .put(PEER_IDLE_TIMEOUT_MS, 4_000)
      .put(PEER_BREAKER_FAILURES, 3)
      .put(PEER_BREAKER_COOLDOWN_MS, 30_000)
      .put(BRIDGE_PORT, 0)
      .put(BRIDGE_HOST, "127.0.0.1")
      .put(BRIDGE_MAX_FRAME_BYTES, 64 * 1024)
      .put(MACHINE_FOLDER_ROOTS, new JsonArray())
      .put(MACHINE_POLL_SECONDS, 10)
      .put(MACHINE_TRANSFER_ATTEMPTS, 4)
      .put(MACHINE_RETRY_FIRST_MS, 2_000);
  }

  /** The environment variable that sets {@code key}: httpPort -> PDM_HTTP_PORT. */
  public static String envName(String key) {
    return "PDM_" + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
  }

  private ConfigKeys() {
  }
}
