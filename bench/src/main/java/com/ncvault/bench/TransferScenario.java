package com.ncvault.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Scenario 5: a large upload and download through the API of a node limited to -Xmx256m, beside
 * nginx serving the same file and dd writing the same amount to the same disk with fsync.
 */
final class TransferScenario {

  static final String NODE_HEAP = "256m";
  static final int MAX_WARMUP_DOWNLOADS = 12;
  static final int MAX_WARMUP_UPLOADS = 10;
  /** Warm-up uploads take the content of seeds from here on, apart from the measured runs' 0, 1, 2, ... */
  private static final int WARMUP_SEEDS = 1000;

  private final Harness harness;
  private final Settings settings;

  TransferScenario(Harness harness) {
    this.harness = harness;
    this.settings = harness.settings();
  }

  JsonObject run() {
    Path dir = harness.tmp("transfers");
    Path source = dir.resolve("transfer.bin");
    long size = settings.transferBytes();
    // one cold run, then --runs warm ones (their median is the figure); a smoke run does one
    int runs = settings.smoke() ? 1 : settings.runs() + 1;
    JsonObject json = new JsonObject().put("bytes", size).put("nodeHeap", NODE_HEAP).put("runs", runs)
      .put("method", "each side runs " + runs + " times; the first run is reported as cold, the median of the"
        + " others as warm (the figure compared). The node's upload path is first warmed until steady with"
        + " uploads of other content (its first upload is its cold figure); each upload's file is written and"
        + " synced before it is timed. Downloads come after the uploads: the node's download path"
        + " is warmed until steady (its first download is its cold figure), then the node's and nginx's"
        + " take turns on the same content, so both meet the same machine");
    try {
      json.put("dd", FanoutScenario.guarded(() -> repeat(runs, i -> dd(dir.resolve("dd.bin"), size),
        "writeMBps")));
      JsonObject both = FanoutScenario.guarded(() -> nodeAndNginx(dir, source, size, runs));
      if (both.containsKey("error")) {
        json.put("ncvault", both);
      } else {
        json.put("ncvault", both.getJsonObject("ncvault")).put("nginx", both.getJsonObject("nginx"));
      }
    } finally {
      deleteQuietly(source);
      deleteQuietly(dir.resolve("dd.bin"));
    }
    ratio(json, "uploadVsDd", "ncvault", "uploadMBps", "dd", "writeMBps");
    ratio(json, "downloadVsNginx", "ncvault", "downloadMBps", "nginx", "downloadMBps");
    return json;
  }

  /**
   * The figure {@code key} of {@code runs} runs: every run's value, the first (cold) and the median
   * of the others (warm; the first alone when there is only one), as {@code key}.
   */
  static JsonObject repeat(int runs, java.util.function.IntFunction<JsonObject> run, String... keys) {
    List<JsonObject> results = new java.util.ArrayList<>();
    for (int i = 0; i < runs; i++) {
      results.add(run.apply(i));
    }
    JsonObject json = new JsonObject().put("runs", new io.vertx.core.json.JsonArray(results));
    for (String key : keys) {
      List<Double> values = results.stream().map(r -> r.getDouble(key)).toList();
      List<Double> warm = values.size() > 1 ? values.subList(1, values.size()) : values;
      json.put(key + "Cold", values.get(0)).put(key, median(warm));
    }
    return json;
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : FanoutRun.round((sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2);
  }

  private static void ratio(JsonObject json, String name, String a, String aKey, String b, String bKey) {
    JsonObject x = json.getJsonObject(a);
    JsonObject y = json.getJsonObject(b);
    if (x != null && y != null && x.containsKey(aKey) && y.containsKey(bKey) && y.getDouble(bKey) > 0) {
      json.put(name, FanoutRun.round(x.getDouble(aKey) / y.getDouble(bKey)));
    }
  }

  /** Incompressible content, so that no layer can shortcut it: a random MiB, varied per block and per seed. */
  private static void writeRandomFile(Path file, long size, int seed) {
    byte[] block = new byte[1 << 20];
    new Random(42 + seed).nextBytes(block);
    ByteBuffer buffer = ByteBuffer.wrap(block);
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
      StandardOpenOption.TRUNCATE_EXISTING)) {
      for (long written = 0, n = 0; written < size; n++) {
        buffer.clear();
        buffer.putLong(0, n);
        buffer.limit((int) Math.min(block.length, size - written));
        while (buffer.hasRemaining()) {
          written += out.write(buffer);
        }
      }
      out.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonObject dd(Path target, long size) {
    long blocks = size >> 20;
    long started = System.nanoTime();
    int exit = Harness.runChecked(List.of("dd", "if=/dev/zero", "of=" + target, "bs=1M", "count=" + blocks,
      "conv=fsync"), 300);
    double seconds = (System.nanoTime() - started) / 1e9;
    if (exit != 0) {
      throw new IllegalStateException("dd exited with " + exit);
    }
    return new JsonObject().put("seconds", FanoutRun.round(seconds)).put("writeMBps", mbps(blocks << 20, seconds))
      .put("command", "dd if=/dev/zero of=<same disk> bs=1M count=" + blocks + " conv=fsync");
  }

  /**
   * Uploads a different 1 GiB file in each run to one node; then downloads the last of them from the
   * node and the same bytes from nginx, in turns (who goes first alternates), {@code runs} times
   * each. Taking turns keeps a change of load on the shared machine, or the write-back of the
   * uploads, from falling on one side only: timed right after its own upload, the node's download
   * measured 0.60-0.66x nginx, while the same downloads taking turns with nginx measured level with it.
   */
  private JsonObject nodeAndNginx(Path dir, Path source, long size, int runs) {
    try (Node node = Node.start(harness, Node.Options.embedded("transfers-node", NODE_HEAP))) {
      String token = node.user("bench-transfer", "programmer");
      JsonObject uploadWarmUp = warmUploads(node.port(), token, source, size);
      JsonObject uploads = repeat(runs, i -> {
        double seconds = timedUpload(node.port(), token, source, size, i, filename(i));
        return new JsonObject().put("uploadSeconds", FanoutRun.round(seconds)).put("uploadMBps", mbps(size, seconds));
      }, "uploadMBps");
      String nodeUri = "/api/files/" + filename(runs - 1) + "/content";
      JsonObject warmUp = warmDownloads(node.port(), nodeUri, token, size);
      JsonObject nginx = new JsonObject();
      JsonObject downloads;
      if (!Harness.onPath("nginx")) {
        nginx.put("skipped", "nginx is not installed (bench/run.sh installs Debian's package)");
        downloads = repeat(runs, i -> new JsonObject()
          .put("downloadMBps", timedDownload(node.port(), nodeUri, token, size)), "downloadMBps");
      } else {
        try (ServerProcess server = startNginx(dir, source.getParent())) {
          String nginxUri = "/" + source.getFileName();
          nginx.put("version", Harness.run(List.of("nginx", "-v"), 10).trim());
          // who goes first alternates, so neither side always meets what the other left behind
          downloads = repeat(runs, i -> {
            JsonObject pair = new JsonObject();
            if (i % 2 == 1) {
              pair.put("nginxDownloadMBps", timedDownload(server.port(), nginxUri, null, size));
            }
            pair.put("downloadMBps", timedDownload(node.port(), nodeUri, token, size));
            if (i % 2 == 0) {
              pair.put("nginxDownloadMBps", timedDownload(server.port(), nginxUri, null, size));
            }
            return pair;
          }, "downloadMBps", "nginxDownloadMBps");
        }
        nginx.put("downloadMBps", downloads.getValue("nginxDownloadMBps"))
          .put("downloadMBpsCold", downloads.getValue("nginxDownloadMBpsCold"));
      }
      JsonObject ncvault = new JsonObject()
        .put("uploadRuns", uploads.getJsonArray("runs"))
        .put("uploadMBps", uploads.getValue("uploadMBps"))
        .put("uploadMBpsCold", uploadWarmUp.getValue("coldMBps"))
        .put("uploadWarmUp", uploadWarmUp)
        .put("downloadRuns", downloads.getJsonArray("runs"))
        .put("downloadMBps", downloads.getValue("downloadMBps"))
        .put("downloadMBpsCold", warmUp.getValue("coldMBps"))
        .put("downloadWarmUp", warmUp)
        .put("peakHeapBytes", node.peakHeapFromGcLog())
        .put("rssBytesAfter", ProcStats.rssBytes(node.pid()))
        .put("serverAlive", node.process().alive());
      if (!settings.smoke()) {
        ncvault.put("profiled", profiledTransfers(node, token, source, size, runs)).put("profile", node.profile());
      }
      return new JsonObject().put("ncvault", ncvault).put("nginx", nginx);
    }
  }

  /**
   * The node's download path warmed until steady: a fresh node has compiled its upload path by now
   * but not its download path, and while C2 compiles it (about a fifth of the node's CPU in its first
   * downloads, measured with perf) the node has less CPU to send with than nginx, which compiles
   * nothing. Downloads until the last {@value LockScenario#STEADY_WINDOWS} agree within
   * {@code LockScenario.STEADY_SPREAD}, at most {@value #MAX_WARMUP_DOWNLOADS}; the first is the cold figure.
   */
  private JsonObject warmDownloads(int port, String uri, String token, long size) {
    return warmUntilSteady("downloads", MAX_WARMUP_DOWNLOADS, n -> timedDownload(port, uri, token, size));
  }

  /**
   * The node's upload path warmed until steady: uploads of new content (each its own file and
   * blob, so each pays its hash and sync) until the last {@value LockScenario#STEADY_WINDOWS} agree
   * within {@code LockScenario.STEADY_SPREAD}, at most {@value #MAX_WARMUP_UPLOADS}; the first is
   * the cold figure. Four uploads had not been enough: a fresh node's rates rose run by run (330,
   * 350, 400, 445 MB/s), and the figure taken was the median of the last three.
   */
  private JsonObject warmUploads(int port, String token, Path source, long size) {
    return warmUntilSteady("uploads", MAX_WARMUP_UPLOADS,
      n -> mbps(size, timedUpload(port, token, source, size, WARMUP_SEEDS + n, "transfer-warm-" + n + ".nc")));
  }

  /**
   * Runs {@code transfer} (given how many ran before, it answers MB/s) until the last
   * {@value LockScenario#STEADY_WINDOWS} rates agree within {@code LockScenario.STEADY_SPREAD}, at
   * most {@code max} times (once in a smoke run); the first rate is the cold figure.
   */
  private JsonObject warmUntilSteady(String countKey, int max, java.util.function.IntToDoubleFunction transfer) {
    List<Double> rates = new java.util.ArrayList<>();
    long started = System.nanoTime();
    int limit = settings.smoke() ? 1 : max;
    while (rates.size() < limit && !LockScenario.steady(rates)) {
      rates.add(transfer.applyAsDouble(rates.size()));
    }
    return new JsonObject().put(countKey, rates.size()).put("steady", LockScenario.steady(rates))
      .put("seconds", FanoutRun.round((System.nanoTime() - started) / 1e9))
      .put("MBps", new io.vertx.core.json.JsonArray(rates)).put("coldMBps", rates.get(0));
  }

  /**
   * One more upload (new content) and its download under the node's flight recording, for the CPU
   * profile; after the measured ones, so that the recording's cost falls on no measured figure (nginx
   * and dd run without one).
   */
  private JsonObject profiledTransfers(Node node, String token, Path source, long size, int runs) {
    node.startProfile();
    double uploadSeconds = timedUpload(node.port(), token, source, size, runs, filename(runs));
    double downloadMBps = timedDownload(node.port(), "/api/files/" + filename(runs) + "/content", token, size);
    return new JsonObject().put("uploadMBps", mbps(size, uploadSeconds)).put("downloadMBps", downloadMBps);
  }

  /**
   * Writes {@code source} anew with the content of {@code seed}, syncs it (so that its write-back
   * does not share the disk with the upload) and uploads it as {@code filename}; the seconds from
   * the first byte sent to the whole response.
   */
  private double timedUpload(int port, String token, Path source, long size, int seed, String filename) {
    writeRandomFile(source, size, seed);
    long started = System.nanoTime();
    Http.Response uploaded = harness.http().uploadRaw(port, "/api/files?filename=" + filename, token, source, size)
      .await();
    double seconds = (System.nanoTime() - started) / 1e9;
    if (!uploaded.ok()) {
      throw new IllegalStateException("upload of " + filename + " -> " + uploaded.status() + " " + uploaded.body());
    }
    return seconds;
  }

  private static String filename(int run) {
    return "transfer-" + run + ".nc";
  }

  /** One download of {@code size} bytes, in MB/s. */
  private double timedDownload(int port, String uri, String token, long size) {
    long started = System.nanoTime();
    long downloaded = harness.http().download(port, uri, token).await();
    double seconds = (System.nanoTime() - started) / 1e9;
    if (downloaded != size) {
      throw new IllegalStateException("GET " + uri + " sent " + downloaded + " bytes of " + size);
    }
    return mbps(size, seconds);
  }

  /** Debian's nginx serving {@code root} on a loopback port (one process, sendfile on), once it listens. */
  private ServerProcess startNginx(Path dir, Path root) {
    int port = Harness.freePort();
    Path prefix = dir.resolve("nginx");
    try {
      Files.createDirectories(prefix.resolve("logs"));
      // master_process off: one process as the current user, no worker user to switch to
      Files.writeString(prefix.resolve("nginx.conf"), """
        daemon off;
        master_process off;
        pid %1$s/nginx.pid;
        error_log %1$s/logs/error.log;
        events { worker_connections 64; }
        http {
          access_log off;
          sendfile on;
          tcp_nopush on;
          client_body_temp_path %1$s/body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          server {
            listen 127.0.0.1:%2$d;
            root %3$s;
          }
        }
        """.formatted(prefix, port, root));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = List.of("nginx", "-p", prefix.toString(), "-e", prefix.resolve("logs/error.log").toString(),
      "-c", prefix.resolve("nginx.conf").toString());
    ServerProcess nginx = ServerProcess.start("nginx", command, Map.of(), prefix.resolve("logs/out.log"), port);
    try {
      waitForPort(nginx);
    } catch (RuntimeException e) {
      nginx.close();
      throw e;
    }
    return nginx;
  }

  /** nginx has no health URI of its own: ready once its port accepts connections. */
  private void waitForPort(ServerProcess server) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      try (java.net.Socket socket = new java.net.Socket(Http.HOST, server.port())) {
        return;
      } catch (IOException notYet) {
        if (!server.alive()) {
          throw new IllegalStateException("nginx exited:\n" + server.tail(20));
        }
        harness.pause(50);
      }
    }
    throw new IllegalStateException("nginx did not listen:\n" + server.tail(20));
  }

  static double mbps(long bytes, double seconds) {
    return FanoutRun.round(bytes / 1e6 / seconds);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // temp space; the run script removes the directory too
    }
  }
}
