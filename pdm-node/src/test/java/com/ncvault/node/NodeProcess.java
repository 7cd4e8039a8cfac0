package com.ncvault.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A node in its own JVM (for memory limits and for SIGKILL), started from the test classpath
 * with {@link Main}. Ready when the node logs that it is serving.
 */
public final class NodeProcess implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path dataDir;
  private final ConcurrentLinkedQueue<String> output = new ConcurrentLinkedQueue<>();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();

  private NodeProcess(Process process, int port, Path dataDir) {
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
    Thread reader = new Thread(this::readOutput, "node-" + port + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * JVM flags for a node that a test starts, stops and starts again, and asks little of in between
   * (cluster membership, restarts, tools): C1 only. Such a node lives for seconds, in which the C2
   * compiler would take much of one of the two cores from the test. Measured on 2 cores: the ten
   * classes that use it took 268 s before, 222 s after (3-33 % less each). Tests that move much
   * data through a node (large uploads, thousands of requests) keep the default, which is faster
   * for them.
   */
  public static final List<String> SHORT_LIVED = List.of("-XX:TieredStopAtLevel=1");

  /**
   * Starts {@code java [jvmArgs] -cp <test classpath> com.ncvault.node.Main --port P --data D [args]}
   * and waits up to 60 s for it to serve. {@code env} adds PDM_* variables.
   */
  public static NodeProcess start(int port, Path dataDir, List<String> jvmArgs, Map<String, String> env,
                                  List<String> args) throws IOException {
    NodeProcess node = launch(port, dataDir, jvmArgs, env, args);
    node.awaitServing(60);
    return node;
  }

  /** Starts the node like {@link #start} without waiting for it: for a node that is expected to refuse. */
  public static NodeProcess launch(int port, Path dataDir, List<String> jvmArgs, Map<String, String> env,
                                   List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of("--port", Integer.toString(port), "--data", dataDir.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PDM_HTTP_HOST", "127.0.0.1");
    builder.environment().put("PDM_ADMIN_PASSWORD", TestNode.ADMIN_PASSWORD);
    builder.environment().putAll(env);
    return new NodeProcess(builder.start(), port, dataDir);
  }

  private void awaitServing(long seconds) throws IOException {
    try {
      ready.get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IOException("node on port " + port + " did not start:\n" + String.join("\n", output), e);
    }
  }

  /** Waits for the process to end and returns its exit code; fails after {@code seconds}. */
  public int awaitExit(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError("node on port " + port + " still runs after " + seconds + " s:\n"
        + String.join("\n", output));
    }
    return process.exitValue();
  }

  /** SIGSTOP: the process stays, frozen, as a node hung in a long pause or a stopped VM would. */
  public void freeze() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT: a frozen process runs on from where it stopped. */
  public void thaw() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  private void readOutput() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
      StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        output.add(line);
        if (output.size() > 2000) {
          output.poll();
        }
        if (line.contains(" serving http")) {
          ready.complete(null);
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
    ready.completeExceptionally(new IOException("process exited with " + exitCodeOrRunning()));
  }

  private String exitCodeOrRunning() {
    return process.isAlive() ? "output closed" : Integer.toString(process.exitValue());
  }

  /** SIGKILL: no shutdown hook runs. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: a clean shutdown. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      kill();
    }
  }

  public List<String> output() {
    return List.copyOf(output);
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }

  /** What a command of the launcher that ends by itself printed, and its exit status. */
  public record Finished(int exitCode, List<String> output) {
    public String text() {
      return String.join("\n", output);
    }
  }

  /**
   * Runs {@code java -cp <test classpath> com.ncvault.node.Main --data D [args]} to its end (at
   * most 60 s), with only the PDM_* variables of {@code env}.
   */
  public static Finished runToEnd(Path dataDir, Map<String, String> env, List<String> args)
    throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(SHORT_LIVED);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "--data", dataDir.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("PDM_"));
    builder.environment().putAll(env);
    Process process = builder.start();
    List<String> output;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      output = in.lines().toList();
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("still running after 60 s:\n" + String.join("\n", output));
    }
    return new Finished(process.exitValue(), output);
  }

  /** Convenience for tests: the same classpath and defaults with nothing extra. */
  public static NodeProcess start(int port, Path dataDir) throws IOException {
    return start(port, dataDir, SHORT_LIVED, Map.of(), List.of());
  }
}
