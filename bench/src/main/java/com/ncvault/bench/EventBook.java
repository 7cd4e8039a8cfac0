package com.ncvault.bench;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each event was sent and when the clients got it. Events are identified by file and ordinal:
 * the actor serialises the events of one file (the next one is sent only after the previous one was
 * answered) and the server delivers each client its events in order, so the k-th lock message a
 * client receives for a file is the k-th event the actor made on that file. Written by the actor's
 * and the clients' event loops at once, hence the atomic arrays.
 */
final class EventBook {

  private final int files;
  private final int perFile;
  private final AtomicLongArray sentNanos;
  private final AtomicIntegerArray stepOf;
  private final AtomicIntegerArray receipts;
  private final AtomicLongArray lastReceiptNanos;
  private final AtomicIntegerArray closedSteps;

  EventBook(int files, int perFile, int maxSteps) {
    this.files = files;
    this.perFile = perFile;
    this.sentNanos = new AtomicLongArray(files * perFile);
    this.stepOf = new AtomicIntegerArray(files * perFile);
    this.receipts = new AtomicIntegerArray(files * perFile);
    this.lastReceiptNanos = new AtomicLongArray(files * perFile);
    this.closedSteps = new AtomicIntegerArray(maxSteps + 1);
  }

  int files() {
    return files;
  }

  boolean hasRoom(int ordinal) {
    return ordinal < perFile;
  }

  int id(int file, int ordinal) {
    return file * perFile + ordinal;
  }

  /** Called by the actor just before it sends the request that makes event (file, ordinal). */
  void sending(int file, int ordinal, int step, boolean lock, long nanos) {
    int id = id(file, ordinal);
    stepOf.set(id, step * 2 + (lock ? 1 : 0));
    receipts.set(id, 0);
    lastReceiptNanos.set(id, 0);
    sentNanos.set(id, nanos);
  }

  /**
   * A client received event (file, ordinal) at {@code nanos}. Returns the id, or -1 when no such
   * event was sent (a client that counts more lock messages than the actor made).
   */
  int received(int file, int ordinal, long nanos) {
    if (file < 0 || file >= files || ordinal >= perFile) {
      return -1;
    }
    int id = id(file, ordinal);
    if (sentNanos.get(id) == 0) {
      return -1;
    }
    receipts.incrementAndGet(id);
    lastReceiptNanos.accumulateAndGet(id, nanos, Math::max);
    return id;
  }

  long sentNanos(int id) {
    return sentNanos.get(id);
  }

  int step(int id) {
    return stepOf.get(id) >> 1;
  }

  /** True when event {@code id} is a lock (FILE_LOCKED), false for an unlock. */
  boolean lockEvent(int id) {
    return (stepOf.get(id) & 1) == 1;
  }

  int receipts(int id) {
    return receipts.get(id);
  }

  long lastReceiptNanos(int id) {
    return lastReceiptNanos.get(id);
  }

  /** After a step's drain time its histograms are final; later receipts count as late. */
  void close(int step) {
    closedSteps.set(step, 1);
  }

  boolean closed(int step) {
    return closedSteps.get(step) == 1;
  }
}
