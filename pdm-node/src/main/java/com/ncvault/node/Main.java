package com.ncvault.node;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts a node: {@code java -jar ncvault.jar [--conf FILE] [--port N] [--data DIR] [--demo]}.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  /** Exit code of a node that refuses its configuration (EX_CONFIG of sysexits.h). */
  static final int EXIT_CONFIG = 78;

  private Main() {
  }

  public static void main(String[] args) {
    CommandLine cli;
    try {
      cli = CommandLine.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(CommandLine.USAGE);
      System.exit(2);
      return;
    }
    if (cli.help()) {
      System.out.println(CommandLine.USAGE);
      return;
    }
    if (cli.resetAdminPassword()) {
      System.exit(AdminPasswordCommand.run(cli));
      return;
    }
    // The main thread is not an event loop: it may wait for each step of the start.
    try {
      // The configuration decides whether Vert.x is clustered, so it is read with a short-lived instance.
      Vertx reader = Vertx.vertx();
      JsonObject config;
      try {
        config = ConfigLoader.load(reader, cli.configFile(), cli.overrides()).await();
      } finally {
        reader.close().await();
      }
      HeapFootprint.apply(config.getInteger(ConfigKeys.HEAP_FREE_PERCENT));
      HazelcastClusterManager clusterManager = null;
      if (config.getBoolean(ConfigKeys.CLUSTER, false)) {
        // Checked before joining: a node that cannot serve the cluster must not become a member.
        ClusterSetup.requireClusterSettings(config);
        clusterManager = ClusterSetup.clusterManager(config);
      }
      Vertx vertx = createVertx(config, clusterManager).await();
      PdmNode node;
      try {
        node = PdmNode.deploy(vertx, config, clusterManager).await();
      } catch (RuntimeException failure) {
        // A refused node leaves the cluster cleanly before it exits, so the others see it go at once.
        // Closed from this thread: a close begun on one of the node's own event loops (where a
        // verticle's start failed) would never hear that it finished.
        vertx.close().await();
        throw failure;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(node.vertx()), "shutdown"));
    } catch (IllegalArgumentException refused) {
      // A configuration the node refuses: the message says what to change, a stack trace would not.
      // Its own exit code, so that a service manager does not start it again unchanged.
      LOG.error("The node could not start: {}", refused.getMessage());
      System.exit(EXIT_CONFIG);
    } catch (RuntimeException failure) {
      LOG.error("The node could not start: {}", failure.getMessage(), failure);
      System.exit(1);
    }
  }

  private static Future<Vertx> createVertx(JsonObject config, HazelcastClusterManager clusterManager) {
    VertxOptions options = PdmNode.vertxOptions();
    Future<Vertx> created;
    if (clusterManager != null) {
      options.getEventBusOptions()
        .setHost(config.getString(ConfigKeys.CLUSTER_HOST))
        .setPort(config.getInteger(ConfigKeys.EVENT_BUS_PORT, 0));
      created = Vertx.builder().with(options).withClusterManager(clusterManager).buildClustered();
    } else {
      created = Future.succeededFuture(Vertx.vertx(options));
    }
    return created;
  }

  private static void shutdown(Vertx vertx) {
    CountDownLatch closed = new CountDownLatch(1);
    vertx.close().onComplete(v -> closed.countDown());
    try {
      closed.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The command-line arguments; each option overrides the config file and the environment. */
  record CommandLine(String configFile, JsonObject overrides, boolean help, boolean resetAdminPassword) {

    static final String USAGE = """
      Usage: java -jar ncvault.jar [options]
        --conf FILE   JSON configuration file (default conf/config.json when present)
        --port N      HTTP port (httpPort, default 8080)
        --data DIR    data directory (dataDir, default ./data)
        --demo        seed demo users and sample files into an empty vault
        --cluster     join the cluster (Hazelcast event bus; see clusterMembers, dbKind=postgres)
        --reset-admin-password
                      set a new password for admin on a stopped node (PDM_ADMIN_PASSWORD, else a
                      random one printed once), end admin's sessions, and exit
        --help        this text
      Every configuration key can also be set as an environment variable PDM_<KEY>, see README.""";

    static CommandLine parse(String[] args) {
      String conf = null;
      JsonObject overrides = new JsonObject();
      boolean help = false;
      boolean resetAdminPassword = false;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--conf" -> conf = value(args, ++i, arg);
          case "--port" -> overrides.put(ConfigKeys.HTTP_PORT, port(value(args, ++i, arg)));
          case "--data" -> overrides.put(ConfigKeys.DATA_DIR, value(args, ++i, arg));
          case "--demo" -> overrides.put(ConfigKeys.DEMO, true);
          case "--cluster" -> overrides.put(ConfigKeys.CLUSTER, true);
          case "--reset-admin-password" -> resetAdminPassword = true;
          case "--help", "-h" -> help = true;
          default -> throw new IllegalArgumentException("Unknown option: " + arg);
        }
      }
      return new CommandLine(conf, overrides, help, resetAdminPassword);
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }

    private static int port(String text) {
      try {
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
          throw new NumberFormatException();
        }
        return port;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--port needs a number from 1 to 65535, not " + text);
      }
    }
  }
}
