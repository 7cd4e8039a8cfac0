package com.ncvault.node;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The example bridge consumer (examples/bridge-consumer/consumer.mjs) run by Node as a process,
 * as a user would run it; each JSON line it prints is kept.
 */
final class BridgeConsumer implements AutoCloseable {

  private final Process process;
  private final List<JsonObject> lines = new ArrayList<>();
  private final List<String> other = new ArrayList<>();

  private BridgeConsumer(Process process) {
    this.process = process;
    Thread reader = new Thread(this::read, "bridge-consumer-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** {@code node consumer.mjs --port P [args]}; the token, if any, is one of the args. */
  static BridgeConsumer start(int port, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("node", script().toString(), "--port", Integer.toString(port)));
    command.addAll(List.of(args));
    return new BridgeConsumer(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** The script, found from the module directory tests run in, up to the repository root. */
  static Path script() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("examples/bridge-consumer/consumer.mjs");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("examples/bridge-consumer/consumer.mjs not found above " + Path.of("").toAbsolutePath());
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (this) {
          try {
            lines.add(new JsonObject(line));
          } catch (DecodeException notJson) {
            other.add(line);
          }
          notifyAll();
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  /** The first printed JSON line matching, waiting up to {@code seconds} for it. */
  synchronized JsonObject await(Predicate<JsonObject> wanted, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      for (JsonObject line : lines) {
        if (wanted.test(line)) {
          return line;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("the consumer printed no such line within " + seconds + " s; it printed "
          + lines + " " + other);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** The exit code, waiting up to {@code seconds} for the process to end. */
  int exitCode(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError("the consumer is still running after " + seconds + " s; it printed " + printed());
    }
    return process.exitValue();
  }

  synchronized List<JsonObject> printed() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
