package com.ncvault.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A short CPU profile of a node from Java Flight Recorder (async-profiler is not available here):
 * a recording is started with jcmd when the measured part begins (start-up is left out), dumped with
 * jcmd at its end, and its jdk.ExecutionSample events are counted by their top frame and by the
 * nearest frame of our code.
 */
final class Profile {

  private Profile() {
  }

  private static final String NAME = "bench";

  /** Starts recording with the "profile" settings (Java execution samples every 10-20 ms). */
  static void start(long pid) {
    Harness.run(List.of(Harness.jdkTool("jcmd"), Long.toString(pid), "JFR.start", "name=" + NAME, "settings=profile"), 120);
  }

  /** Writes the recording so far to {@code file} (the node keeps running). */
  static void dump(long pid, Path file) {
    Harness.run(List.of(Harness.jdkTool("jcmd"), Long.toString(pid), "JFR.dump", "name=" + NAME, "filename=" + file), 120);
  }

  /** Ends the recording (what it held is dropped; dump it first). */
  static void stop(long pid) {
    Harness.run(List.of(Harness.jdkTool("jcmd"), Long.toString(pid), "JFR.stop", "name=" + NAME), 120);
  }

  /** The most frequent top frames and the most frequent nearest com.ncvault frames of the samples. */
  static JsonObject summarise(Path recording, int top) {
    Map<String, Integer> topFrames = new HashMap<>();
    Map<String, Integer> ourFrames = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    int samples = 0;
    try {
      Process jfr = new ProcessBuilder(Harness.jdkTool("jfr"), "print", "--stack-depth", "40", "--events",
        "jdk.ExecutionSample", recording.toString()).redirectErrorStream(true).start();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(jfr.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        boolean inStack = false;
        boolean first = false;
        boolean ours = false;
        while ((line = in.readLine()) != null) {
          String t = line.trim();
          if (t.startsWith("sampledThread = ")) {
            threads.merge(threadGroup(t), 1, Integer::sum);
          } else if (t.startsWith("stackTrace = [")) {
            inStack = true;
            first = true;
            ours = false;
            samples++;
          } else if (inStack && t.startsWith("]")) {
            inStack = false;
          } else if (inStack && !t.equals("...")) {
            String frame = frame(t);
            if (first) {
              topFrames.merge(frame, 1, Integer::sum);
              first = false;
            }
            if (!ours && frame.startsWith("com.ncvault.")) {
              ourFrames.merge(frame, 1, Integer::sum);
              ours = true;
            }
          }
        }
      }
      jfr.waitFor(60, TimeUnit.SECONDS);
    } catch (IOException e) {
      return new JsonObject().put("error", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new JsonObject().put("error", "interrupted");
    }
    return new JsonObject()
      .put("samples", samples)
      .put("topFrames", ranked(topFrames, top, samples))
      .put("nearestNcVaultFrames", ranked(ourFrames, top, samples))
      .put("threads", ranked(threads, top, samples));
  }

  /**
   * The allocation profile of the same recording: its jdk.ObjectAllocationSample events (the
   * "profile" settings sample up to 300 a second, each weighted by the bytes it stands for), summed
   * by allocated class, by top frame (the allocating method), by nearest com.ncvault frame and by
   * the first frames of the stack outside java.* and jdk.*.
   */
  static JsonObject summariseAllocations(Path recording, int top) {
    Map<String, Double> classes = new HashMap<>();
    Map<String, Double> topFrames = new HashMap<>();
    Map<String, Double> ourFrames = new HashMap<>();
    Map<String, Double> stacks = new HashMap<>();
    double total = 0;
    int samples = 0;
    try {
      Process jfr = new ProcessBuilder(Harness.jdkTool("jfr"), "print", "--stack-depth", "40", "--events",
        "jdk.ObjectAllocationSample", recording.toString()).redirectErrorStream(true).start();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(jfr.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        String objectClass = "?";
        double weight = 0;
        boolean inStack = false;
        String first = null;
        String ours = null;
        StringBuilder stack = new StringBuilder();
        int stackFrames = 0;
        while ((line = in.readLine()) != null) {
          String t = line.trim();
          if (t.startsWith("objectClass = ")) {
            objectClass = frame(t.substring("objectClass = ".length()).replace(" (classLoader", "("));
          } else if (t.startsWith("weight = ")) {
            weight = bytes(t.substring("weight = ".length()));
          } else if (t.startsWith("stackTrace = [")) {
            inStack = true;
            first = null;
            ours = null;
            stack.setLength(0);
            stackFrames = 0;
          } else if (inStack && t.startsWith("]")) {
            inStack = false;
            samples++;
            total += weight;
            classes.merge(objectClass.trim(), weight, Double::sum);
            topFrames.merge(first == null ? "?" : first, weight, Double::sum);
            ourFrames.merge(ours == null ? "(none)" : ours, weight, Double::sum);
            if (ours != null && stack.indexOf(ours) < 0) {
              stack.append(" <- ... <- ").append(ours);
            }
            stacks.merge(objectClass.trim() + " <- " + (stack.length() == 0 ? "(JDK frames only)" : stack), weight, Double::sum);
          } else if (inStack && !t.equals("...")) {
            String frame = frame(t);
            if (first == null) {
              first = frame;
            }
            if (ours == null && frame.startsWith("com.ncvault.")) {
              ours = frame;
            }
            if (stackFrames < 4 && !frame.startsWith("java.") && !frame.startsWith("jdk.")
              && !frame.startsWith("sun.")) {
              stack.append(stackFrames == 0 ? "" : " <- ").append(frame);
              stackFrames++;
            }
          }
        }
      }
      jfr.waitFor(60, TimeUnit.SECONDS);
    } catch (IOException e) {
      return new JsonObject().put("error", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new JsonObject().put("error", "interrupted");
    }
    return new JsonObject()
      .put("samples", samples)
      .put("sampledBytes", Math.round(total))
      .put("byClass", weighted(classes, top, total))
      .put("topFrames", weighted(topFrames, top, total))
      .put("nearestNcVaultFrames", weighted(ourFrames, top, total))
      .put("stacks", weighted(stacks, top, total));
  }

  /** "1.5 MB", "812 bytes", "12.0 kB" -> bytes (jfr print's binary units). */
  static double bytes(String text) {
    String[] parts = text.trim().split("\\s+");
    try {
      double v = Double.parseDouble(parts[0].replace(",", ""));
      String unit = parts.length > 1 ? parts[1] : "bytes";
      return switch (unit) {
        case "kB", "KB", "KiB" -> v * 1024;
        case "MB", "MiB" -> v * 1024 * 1024;
        case "GB", "GiB" -> v * 1024 * 1024 * 1024;
        default -> v;
      };
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static JsonArray weighted(Map<String, Double> weights, int top, double total) {
    JsonArray ranked = new JsonArray();
    weights.entrySet().stream()
      .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
      .limit(top)
      .forEach(e -> ranked.add(new JsonObject().put("frame", e.getKey()).put("bytes", Math.round(e.getValue()))
        .put("percent", total == 0 ? 0 : FanoutRun.round(100.0 * e.getValue() / total))));
    return ranked;
  }

  /** "io.netty.Foo.bar(int) line: 12" -> "io.netty.Foo.bar" */
  private static String frame(String line) {
    int paren = line.indexOf('(');
    return paren > 0 ? line.substring(0, paren) : line;
  }

  /** Thread names without their number: "vert.x-eventloop-thread-3" -> "vert.x-eventloop-thread". */
  private static String threadGroup(String line) {
    int open = line.indexOf('"');
    int close = line.indexOf('"', open + 1);
    String name = open >= 0 && close > open ? line.substring(open + 1, close) : line;
    return name.replaceAll("[-#]?\\d+$", "");
  }

  private static JsonArray ranked(Map<String, Integer> counts, int top, int samples) {
    JsonArray ranked = new JsonArray();
    counts.entrySet().stream()
      .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
      .limit(top)
      .forEach(e -> ranked.add(new JsonObject().put("frame", e.getKey()).put("samples", e.getValue())
        .put("percent", samples == 0 ? 0 : FanoutRun.round(100.0 * e.getValue() / samples))));
    return ranked;
  }
}
