package com.ncvault.bench;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A node started from the runnable jar in its own JVM, and the REST calls the scenarios make on it. */
final class Node implements AutoCloseable {

  /** The JVM flags Hazelcast needs on Java 17 (design.md), for cluster mode. */
  static final List<String> HAZELCAST_FLAGS = List.of("--add-modules", "java.se",
    "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens", "java.base/java.lang=ALL-UNNAMED",
    "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens", "java.management/sun.management=ALL-UNNAMED",
    "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  /**
   * The heap flags a node runs with in service (scripts/systemd/ncvault.service, scripts/node.sh;
   * {@code HarnessPartsTest} keeps them the same): the young generation's floor.
   */
  static final List<String> SERVICE_HEAP_FLAGS = List.of("-XX:NewSize=64m");

  private static final Pattern GC_LINE = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total\\s+(\\d+)K, used (\\d+)K");

  private final Harness harness;
  private final ServerProcess process;
  private final Path gcLog;
  private final Path dataDir;
  private final Path recording;
  private boolean profiling;
  private String adminToken;

  private Node(Harness harness, ServerProcess process, Path gcLog, Path dataDir, Path recording) {
    this.harness = harness;
    this.process = process;
    this.gcLog = gcLog;
    this.dataDir = dataDir;
    this.recording = recording;
  }

  /** Starts a CPU profile (JFR) of what the node does from now on. */
  void startProfile() {
    Profile.start(pid());
    profiling = true;
  }

  /** The CPU profile since {@link #startProfile()}, summarised; null when none was started. */
  JsonObject profile() {
    if (!profiling) {
      return null;
    }
    Profile.dump(pid(), recording);
    return Profile.summarise(recording, 12);
  }

  /**
   * The allocation profile of the recording {@link #profile()} dumped (call that first), summarised;
   * the recording is copied to {@code keep}. Null when no profile was started.
   */
  /** Ends the recording {@link #startProfile()} began (after {@link #profile()} and {@link #allocations} have read it). */
  void stopProfile() {
    if (profiling) {
      Profile.stop(pid());
      profiling = false;
    }
  }

  JsonObject allocations(Path keep) {
    if (!profiling || !Files.isRegularFile(recording)) {
      return null;
    }
    try {
      Files.createDirectories(keep.getParent());
      Files.copy(recording, keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Bench.log("could not keep " + keep + ": " + e);
    }
    return Profile.summariseAllocations(recording, 25).put("recording", keep.getFileName().toString());
  }

  Path dataDir() {
    return dataDir;
  }

  /** Options of one node start. */
  record Options(String name, List<String> jvmFlags, Map<String, String> config, boolean cluster, Path dataDir) {

    static Options embedded(String name, String heap) {
      return new Options(name, List.of("-Xmx" + heap), Map.of(), false, null);
    }

    Options with(String key, Object value) {
      Map<String, String> more = new HashMap<>(config);
      more.put(key, String.valueOf(value));
      return new Options(name, jvmFlags, more, cluster, dataDir);
    }

    /** The same node again on an existing data directory (null: a fresh one). */
    Options on(Path existing) {
      return new Options(name, jvmFlags, config, cluster, existing);
    }
  }

  /** Starts a node with a fresh data directory and waits until /health answers. */
  static Node start(Harness harness, Options options) {
    int port = Harness.freePort();
    Path dir = harness.tmp(options.name());
    Path gcLog = dir.resolve("gc.log");
    List<String> command = new ArrayList<>();
    command.add(Harness.javaBin());
    command.addAll(SERVICE_HEAP_FLAGS);
    command.addAll(options.jvmFlags());
    if (options.cluster()) {
      command.addAll(HAZELCAST_FLAGS);
    }
    command.add("-Xlog:gc:file=" + gcLog);
    Path dataDir = options.dataDir() == null ? dir.resolve("data") : options.dataDir();
    command.addAll(List.of("-jar", harness.settings().jar().toString(), "--port", Integer.toString(port),
      "--data", dataDir.toString()));
    if (options.cluster()) {
      command.add("--cluster");
    }
    Map<String, String> env = new HashMap<>();
    env.put(ConfigKeys.envName(ConfigKeys.ADMIN_PASSWORD), harness.adminPassword());
    env.put(ConfigKeys.envName(ConfigKeys.HTTP_HOST), Http.HOST);
    options.config().forEach((key, value) -> env.put(ConfigKeys.envName(key), value));
    ServerProcess process = ServerProcess.start(options.name(), command, env, dir.resolve("node.log"), port);
    Node node = new Node(harness, process, gcLog, dataDir, dir.resolve("node.jfr"));
    try {
      process.awaitHealthy(harness.vertx(), harness.http(), "/health", 90_000).await();
      node.adminToken = node.login("admin", harness.adminPassword()).await();
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
    return node;
  }

  int port() {
    return process.port();
  }

  long pid() {
    return process.pid();
  }

  String origin() {
    return "http://" + Http.HOST + ":" + port();
  }

  String adminToken() {
    return adminToken;
  }

  ServerProcess process() {
    return process;
  }

  Future<String> login(String username, String password) {
    return harness.http().json(HttpMethod.POST, port(), "/api/auth/login", null,
        new JsonObject().put("username", username).put("password", password))
      .map(reply -> reply.getString("token"));
  }

  Future<Void> createUser(String username, String password, String role) {
    return harness.http().json(HttpMethod.POST, port(), "/api/admin/users", adminToken,
        new JsonObject().put("username", username).put("password", password).put("role", role))
      .mapEmpty();
  }

  /** Creates a user and returns its token. */
  String user(String username, String role) {
    createUser(username, harness.adminPassword(), role).await();
    return login(username, harness.adminPassword()).await();
  }

  Future<Void> upload(String token, String filename, Buffer content) {
    return harness.http().send(HttpMethod.POST, port(), "/api/files?filename=" + filename + "&description=benchmark",
        token, "application/octet-stream", content)
      .compose(r -> r.ok() ? Future.succeededFuture()
        : Future.failedFuture("upload " + filename + " -> " + r.status() + " " + r.body()));
  }

  Future<Void> checkout(String token, String filename) {
    return checkout(harness.http(), token, filename);
  }

  /** A checkout sent through {@code client} (e.g. another user's own connections). */
  Future<Void> checkout(Http client, String token, String filename) {
    return client.send(HttpMethod.POST, port(), "/api/files/" + filename + "/checkout", token,
        "application/json", Buffer.buffer("{\"message\":\"bench\"}"))
      .compose(r -> r.ok() ? Future.succeededFuture()
        : Future.failedFuture("checkout " + filename + " -> " + r.status() + " " + r.body()));
  }

  Future<Void> cancel(String token, String filename) {
    return cancel(harness.http(), token, filename);
  }

  Future<Void> cancel(Http client, String token, String filename) {
    return client.send(HttpMethod.POST, port(), "/api/files/" + filename + "/cancel-checkout", token,
        null, null)
      .compose(r -> r.ok() ? Future.succeededFuture()
        : Future.failedFuture("cancel " + filename + " -> " + r.status() + " " + r.body()));
  }

  /** Heap in use after a full GC (jcmd GC.run, then GC.heap_info), in bytes; -1 when jcmd fails. */
  long heapAfterGc() {
    Harness.run(List.of(Harness.jdkTool("jcmd"), Long.toString(pid()), "GC.run"), 60);
    String info = Harness.run(List.of(Harness.jdkTool("jcmd"), Long.toString(pid()), "GC.heap_info"), 60);
    Matcher m = HEAP_USED.matcher(info);
    return m.find() ? Long.parseLong(m.group(2)) * 1024 : -1;
  }

  /** The largest heap occupancy the GC log shows (before any collection), in bytes. */
  long peakHeapFromGcLog() {
    long peak = -1;
    try {
      for (String line : Files.readAllLines(gcLog)) {
        Matcher m = GC_LINE.matcher(line);
        while (m.find()) {
          peak = Math.max(peak, bytes(m.group(1), m.group(2)));
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return peak;
  }

  private static long bytes(String n, String unit) {
    long v = Long.parseLong(n);
    return switch (unit) {
      case "K" -> v * 1024;
      case "M" -> v * 1024 * 1024;
      default -> v * 1024 * 1024 * 1024;
    };
  }

  @Override
  public void close() {
    process.close();
  }
}
