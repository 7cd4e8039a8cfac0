package com.ncvault.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server under test in its own process (a node from the jar, the Node ws broadcaster, nginx), its
 * output in a log file. Stopped with SIGTERM, then SIGKILL after a grace period.
 */
final class ServerProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final int port;
  private final Path log;

  private ServerProcess(String name, Process process, int port, Path log) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static ServerProcess start(String name, List<String> command, Map<String, String> env, Path log, int port) {
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
      builder.environment().putAll(env);
      return new ServerProcess(name, builder.start(), port, log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name + ": " + String.join(" ", command), e);
    }
  }

  /** Polls GET {@code path} until it answers 2xx, the process dies, or the timeout passes. */
  Future<Void> awaitHealthy(Vertx vertx, Http http, String path, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    Promise<Void> ready = Promise.promise();
    poll(vertx, http, path, deadline, ready);
    return ready.future();
  }

  private void poll(Vertx vertx, Http http, String path, long deadline, Promise<Void> ready) {
    http.send(HttpMethod.GET, port, path, null, null, null).onComplete(result -> {
      if (result.succeeded() && result.result().ok()) {
        ready.complete();
      } else if (!process.isAlive()) {
        ready.fail(name + " exited with " + process.exitValue() + ":\n" + tail(30));
      } else if (System.currentTimeMillis() > deadline) {
        ready.fail(name + " did not become healthy on port " + port + ":\n" + tail(30));
      } else {
        vertx.setTimer(100, id -> poll(vertx, http, path, deadline, ready));
      }
    });
  }

  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | RuntimeException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  int port() {
    return port;
  }

  Path log() {
    return log;
  }

  boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
