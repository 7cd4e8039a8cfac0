package com.ncvault.storage;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background copies of content to this node: each blob at most once in the queue, at most
 * {@code concurrency} copies at a time, a failed copy retried later with exponential backoff,
 * given up after {@code maxAttempts} (a later scan offers it again). Runs on one thread (the
 * storage-verticle's context); the scheduler and the copy are passed in, so it is tested alone.
 */
final class ReplicationQueue {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicationQueue.class);

  /** Delays retries; {@link #schedule} returns an id for {@link #cancel}. */
  interface Scheduler {
    long schedule(long delayMs, Runnable task);

    void cancel(long id);
  }

  /** One blob to copy; attempt counts from 1. */
  record Job(String sha256, long size, int attempt) {
  }

  static final long FIRST_RETRY_MS = 1_000;
  static final long MAX_RETRY_MS = 60_000;

  private final int concurrency;
  private final int maxAttempts;
  private final Scheduler scheduler;
  private final Function<Job, Future<Void>> copy;
  private final Deque<Job> ready = new ArrayDeque<>();
  private final Set<String> known = new HashSet<>();
  private final Set<Long> timers = new HashSet<>();
  private int running;
  private boolean stopped;

  ReplicationQueue(int concurrency, int maxAttempts, Scheduler scheduler, Function<Job, Future<Void>> copy) {
    this.concurrency = concurrency;
    this.maxAttempts = maxAttempts;
    this.scheduler = scheduler;
    this.copy = copy;
  }

  /** Queues a copy unless that blob is queued, running or waiting for a retry; true when queued. */
  boolean offer(String sha256, long size) {
    if (stopped || !known.add(sha256)) {
      return false;
    }
    ready.add(new Job(sha256, size, 1));
    pump();
    return true;
  }

  /** Delay before attempt {@code attempt + 1}: 1 s, 2 s, 4 s ... at most 60 s. */
  static long retryDelayMs(int attempt) {
    long delay = FIRST_RETRY_MS << Math.min(attempt - 1, 20);
    return Math.min(delay, MAX_RETRY_MS);
  }

  /** Blobs queued, running or waiting for a retry. */
  int outstanding() {
    return known.size();
  }

  int running() {
    return running;
  }

  /** Drops everything queued and every pending retry; running copies finish on their own. */
  void stop() {
    stopped = true;
    ready.clear();
    timers.forEach(scheduler::cancel);
    timers.clear();
  }

  private void pump() {
    while (!stopped && running < concurrency && !ready.isEmpty()) {
      Job job = ready.poll();
      running++;
      Future<Void> done;
      try {
        done = copy.apply(job);
      } catch (RuntimeException e) {
        done = Future.failedFuture(e);
      }
      done.onComplete(result -> {
        running--;
        if (result.succeeded()) {
          known.remove(job.sha256());
        } else {
          retryOrGiveUp(job, result.cause());
        }
        pump();
      });
    }
  }

  private void retryOrGiveUp(Job job, Throwable cause) {
    if (stopped) {
      known.remove(job.sha256());
      return;
    }
    if (job.attempt() >= maxAttempts) {
      known.remove(job.sha256());
      LOG.warn("Gave up copying content {} to this node after {} attempts: {}", job.sha256(), job.attempt(),
        cause.getMessage());
      return;
    }
    long delay = retryDelayMs(job.attempt());
    LOG.debug("Copying content {} failed (attempt {}), retrying in {} ms: {}", job.sha256(), job.attempt(), delay,
      cause.getMessage());
    long[] id = new long[1];
    id[0] = scheduler.schedule(delay, () -> {
      timers.remove(id[0]);
      if (!stopped) {
        ready.add(new Job(job.sha256(), job.size(), job.attempt() + 1));
        pump();
      }
    });
    timers.add(id[0]);
  }
}
