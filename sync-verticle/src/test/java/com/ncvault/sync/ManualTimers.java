package com.ncvault.sync;

import java.util.Map;
import java.util.TreeMap;

/** Timers driven by the test: time only moves when {@link #advance} is called. */
final class ManualTimers implements Timers {

  private record Task(long at, Runnable run) {
  }

  private final TreeMap<Long, Task> tasks = new TreeMap<>();
  private long now = 1_000_000;
  private long nextId;

  @Override
  public long schedule(long delayMs, Runnable task) {
    long id = nextId++;
    tasks.put(id, new Task(now + delayMs, task));
    return id;
  }

  @Override
  public void cancel(long id) {
    tasks.remove(id);
  }

  @Override
  public long now() {
    return now;
  }

  int pending() {
    return tasks.size();
  }

  /** Moves time forward, running every task that falls due, in order. */
  void advance(long ms) {
    long until = now + ms;
    while (true) {
      Map.Entry<Long, Task> due = tasks.entrySet().stream()
        .filter(e -> e.getValue().at() <= until)
        .min((a, b) -> Long.compare(a.getValue().at(), b.getValue().at()))
        .orElse(null);
      if (due == null) {
        break;
      }
      tasks.remove(due.getKey());
      now = Math.max(now, due.getValue().at());
      due.getValue().run().run();
    }
    now = until;
  }
}
