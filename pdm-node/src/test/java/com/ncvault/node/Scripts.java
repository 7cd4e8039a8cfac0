package com.ncvault.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the operator's scripts of scripts/ as an operator would, with the environment given. */
final class Scripts {

  /** The output (stdout and stderr) and exit code of one run. */
  record Run(int exitCode, String output) {
  }

  private Scripts() {
  }

  /**
   * The variables that make the scripts use this test run's java and build of the node (so that no
   * packaged jar is needed).
   */
  static Map<String, String> testBuild() {
    return Map.of(
      "JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "NCVAULT_CLASSPATH", System.getProperty("java.class.path"));
  }

  /** Runs {@code scripts/<script> args...} and waits up to 200 s for it. */
  static Run run(Map<String, String> env, String script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash",
      Path.of("..", "scripts", script).toAbsolutePath().normalize().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return e.toString();
      }
    });
    if (!process.waitFor(200, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("scripts/" + script + " " + String.join(" ", args) + " did not finish");
    }
    return new Run(process.exitValue(), output.get(10, TimeUnit.SECONDS));
  }
}
