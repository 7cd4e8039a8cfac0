package com.ncvault.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory and CPU time of processes, read from /proc (Linux). */
final class ProcStats {

  /** USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every Linux the JDK runs on here. */
  private static final long TICKS_PER_SECOND = 100;

  private ProcStats() {
  }

  /** VmRSS of a process in bytes, or -1 when the process is gone. */
  static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          String kib = line.substring("VmRSS:".length()).trim().split("\\s+")[0];
          return Long.parseLong(kib) * 1024;
        }
      }
    } catch (IOException | RuntimeException gone) {
      return -1;
    }
    return -1;
  }

  /** utime + stime of a process in nanoseconds, or -1 when the process is gone. */
  static long cpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // the command name (field 2) may hold spaces: count fields after its closing parenthesis
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    } catch (IOException | RuntimeException gone) {
      return -1;
    }
  }

  /**
   * utime + stime of a JVM's JIT compiler threads (HotSpot names them "C1 CompilerThre..." and "C2
   * CompilerThre..."), in nanoseconds; -1 when the process is gone. A server whose compilers still
   * burn CPU is not warm, however steady its throughput looks.
   */
  static long jitCpuNanos(long pid) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    long ticks = 0;
    try (var threads = Files.list(tasks)) {
      for (Path task : (Iterable<Path>) threads::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException threadEnded) {
          continue;
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (name.contains("CompilerThre")) {
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
      }
    } catch (IOException | RuntimeException gone) {
      return -1;
    }
    return ticks * (1_000_000_000L / TICKS_PER_SECOND);
  }

  /** CPU time of this JVM (the load generator) in nanoseconds. */
  static long selfCpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return cpuNanos(ProcessHandle.current().pid());
  }

  /** CPU use of one process over a window: percent of one core (200 = both cores of a 2-core machine). */
  record CpuWindow(long pid, long startCpu, long startWall) {

    static CpuWindow start(long pid) {
      return new CpuWindow(pid, pid == ProcessHandle.current().pid() ? selfCpuNanos() : cpuNanos(pid), System.nanoTime());
    }

    double percent() {
      long cpu = pid == ProcessHandle.current().pid() ? selfCpuNanos() : cpuNanos(pid);
      long wall = System.nanoTime() - startWall;
      return wall <= 0 || cpu < 0 ? 0 : 100.0 * (cpu - startCpu) / wall;
    }
  }
}
