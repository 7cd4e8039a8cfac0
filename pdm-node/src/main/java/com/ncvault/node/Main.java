package com.ncvault.node;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts a node: {@code java -jar ncvault.jar [--conf FILE] [--port N] [--data DIR] [--demo]}.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

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
    Vertx vertx = Vertx.vertx(PdmNode.vertxOptions());
    ConfigLoader.load(vertx, cli.configFile(), cli.overrides())
      .compose(config -> PdmNode.deploy(vertx, config))
      .onSuccess(node -> Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(vertx), "shutdown")))
      .onFailure(failure -> {
        LOG.error("The node could not start: {}", failure.getMessage(), failure);
        vertx.close().onComplete(v -> System.exit(1));
      });
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
  record CommandLine(String configFile, JsonObject overrides, boolean help) {

    static final String USAGE = """
      Usage: java -jar ncvault.jar [options]
        --conf FILE   JSON configuration file (default conf/config.json when present)
        --port N      HTTP port (httpPort, default 8080)
        --data DIR    data directory (dataDir, default ./data)
        --demo        seed demo users and sample files into an empty vault
        --help        this text
      Every configuration key can also be set as an environment variable PDM_<KEY>, see README.""";

    static CommandLine parse(String[] args) {
      String conf = null;
      JsonObject overrides = new JsonObject();
      boolean help = false;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--conf" -> conf = value(args, ++i, arg);
          case "--port" -> overrides.put(ConfigKeys.HTTP_PORT, port(value(args, ++i, arg)));
          case "--data" -> overrides.put(ConfigKeys.DATA_DIR, value(args, ++i, arg));
          case "--demo" -> overrides.put(ConfigKeys.DEMO, true);
          case "--help", "-h" -> help = true;
          default -> throw new IllegalArgumentException("Unknown option: " + arg);
        }
      }
      return new CommandLine(conf, overrides, help);
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
