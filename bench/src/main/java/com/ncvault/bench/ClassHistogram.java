package com.ncvault.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the live heap of a node holds per connection: {@code jmap -histo:live <pid>} (a full GC, then
 * instances and bytes per class) before the clients connect and after they are all ready; the
 * difference per class divided by the number of ready clients. Both histograms are saved as text.
 */
final class ClassHistogram {

  /** "   1:         12345        1234567  [B (java.base@17.0.15)" */
  private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

  record Row(long instances, long bytes) {
  }

  private ClassHistogram() {
  }

  /** Takes a live histogram of {@code pid}, writes it to {@code file} and returns it by class name. */
  static Map<String, Row> take(long pid, Path file) {
    String text = Harness.run(List.of(Harness.jdkTool("jmap"), "-histo:live", Long.toString(pid)), 120);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return parse(text);
  }

  static Map<String, Row> parse(String text) {
    Map<String, Row> rows = new HashMap<>();
    for (String line : text.split("\n")) {
      Matcher m = ROW.matcher(line);
      if (m.find()) {
        rows.merge(m.group(3), new Row(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))),
          (a, b) -> new Row(a.instances() + b.instances(), a.bytes() + b.bytes()));
      }
    }
    return rows;
  }

  /**
   * The {@code top} classes that grew most in bytes from {@code before} to {@code after}, with
   * instances and bytes per connection, and the total growth per connection.
   */
  static JsonObject perConnection(Map<String, Row> before, Map<String, Row> after, int connections, int top) {
    Map<String, Row> growth = new HashMap<>();
    long totalBytes = 0;
    for (Map.Entry<String, Row> e : after.entrySet()) {
      Row b = before.getOrDefault(e.getKey(), new Row(0, 0));
      Row d = new Row(e.getValue().instances() - b.instances(), e.getValue().bytes() - b.bytes());
      growth.put(e.getKey(), d);
      totalBytes += d.bytes();
    }
    for (Map.Entry<String, Row> e : before.entrySet()) {
      if (!after.containsKey(e.getKey())) {
        totalBytes -= e.getValue().bytes();
      }
    }
    int n = Math.max(1, connections);
    JsonArray classes = new JsonArray();
    growth.entrySet().stream()
      .sorted((a, b) -> Long.compare(b.getValue().bytes(), a.getValue().bytes()))
      .limit(top)
      .forEach(e -> classes.add(new JsonObject()
        .put("class", e.getKey())
        .put("instances", e.getValue().instances())
        .put("bytes", e.getValue().bytes())
        .put("instancesPerConnection", FanoutRun.round((double) e.getValue().instances() / n))
        .put("bytesPerConnection", FanoutRun.round((double) e.getValue().bytes() / n))));
    return new JsonObject()
      .put("connections", connections)
      .put("liveBytesGrowth", totalBytes)
      .put("bytesPerConnection", totalBytes / n)
      .put("top", classes);
  }
}
