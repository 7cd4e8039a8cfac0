package com.ncvault.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What every scenario shares: the settings, the load generator's Vert.x, an HTTP client, temp space. */
final class Harness implements AutoCloseable {

  private final Settings settings;
  private final Vertx vertx;
  private final Http http;
  private final String adminPassword;
  private int tmpCounter;

  Harness(Settings settings) {
    this.settings = settings;
    // one event loop per client loop, one for the actor, one for the HTTP client and timers
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(settings.generatorLoops() + 2)
      .setBlockedThreadCheckInterval(10_000));
    this.http = new Http(vertx, 128);
    this.adminPassword = randomHex(16);
  }

  Settings settings() {
    return settings;
  }

  Vertx vertx() {
    return vertx;
  }

  Http http() {
    return http;
  }

  String adminPassword() {
    return adminPassword;
  }

  /** A fresh directory under the run's temp directory. */
  Path tmp(String name) {
    try {
      return Files.createDirectories(settings.tmpDir().resolve(String.format("%02d-%s", ++tmpCounter, name)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void pause(long ms) {
    vertx.timer(ms).await();
  }

  static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** Ports below this are left alone (well-known services). */
  private static final int LOWEST_PORT = 10_000;

  /**
   * A free loopback port for a server to listen on, taken below the kernel's range of ephemeral
   * ports when there is room: a port from that range, free now, can be given to anyone's outgoing
   * connection (thousands of clients come and go here) or to a server binding port 0 before the
   * server that was meant to have it binds it. That happened once: a cluster node failed with
   * "Address already in use" right after the 10,000-client fan-out.
   */
  static int freePort() {
    int ephemeralFrom = ephemeralRangeStart();
    for (int attempt = 0; ephemeralFrom > LOWEST_PORT + 1_000 && attempt < 100; attempt++) {
      int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(LOWEST_PORT, ephemeralFrom);
      if (bindable(port)) {
        return port;
      }
    }
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException inUse) {
      return false;
    }
  }

  static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  /** The first port of Linux's ephemeral range, or 0 where it cannot be read. */
  static int ephemeralRangeStart() {
    // read as a line: a whole-file read of this /proc file returned its first byte only (JDK 17)
    try (java.io.BufferedReader reader = Files.newBufferedReader(EPHEMERAL_RANGE)) {
      String range = reader.readLine();
      return range == null ? 0 : Integer.parseInt(range.trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException unknown) {
      return 0;
    }
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** A JDK tool (jcmd, jfr) next to this JVM, else from the PATH. */
  static String jdkTool(String name) {
    Path beside = Path.of(System.getProperty("java.home"), "bin", name);
    return Files.isExecutable(beside) ? beside.toString() : name;
  }

  /** True when {@code command} is on the PATH. */
  static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  /** Runs a short command and returns its output (stdout and stderr); empty when it cannot run. */
  static String run(List<String> command, int timeoutSeconds) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** Runs a command to its end and returns its exit code, failing when it exceeds the timeout. */
  static int runChecked(List<String> command, int timeoutSeconds) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", command));
      }
      return process.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    http.close();
    vertx.close().await();
  }
}
