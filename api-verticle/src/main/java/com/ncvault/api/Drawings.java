package com.ncvault.api;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The toolpath drawings of one node, shared by its api-verticle instances: the SVGs made so far,
 * kept by what they show (contents and view) up to {@link #MAX_CHARS} characters in all, the least
 * recently used dropped first; and a count of the drawings being made, beyond which a new one is
 * refused with 503 instead of queueing without end.
 */
final class Drawings implements Shareable {

  /** About 32 MB of SVG text (drawings are ASCII); a drawing has at most about a megabyte. */
  static final long MAX_CHARS = 32L * 1024 * 1024;
  /** Threads drawing at once: half the cores, at least one. */
  static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  /** Drawings waiting for a thread before new ones are refused. */
  static final int MAX_WAITING = 8 * THREADS;

  private final Map<String, String> svgs = new LinkedHashMap<>(16, 0.75f, true);
  private final long maxChars;
  private final AtomicInteger busy = new AtomicInteger();
  private long chars;

  Drawings(long maxChars) {
    this.maxChars = maxChars;
  }

  synchronized String get(String key) {
    return svgs.get(key);
  }

  synchronized void put(String key, String svg) {
    String previous = svgs.put(key, svg);
    chars += svg.length() - (previous == null ? 0 : previous.length());
    Iterator<String> oldest = svgs.values().iterator();
    while (chars > maxChars && oldest.hasNext()) {
      chars -= oldest.next().length();
      oldest.remove();
    }
  }

  /** Takes a drawing slot, or refuses (503, Retry-After) when every thread is busy and the backlog full. */
  void begin() {
    if (busy.incrementAndGet() > THREADS + MAX_WAITING) {
      busy.decrementAndGet();
      throw new PdmError(ErrorCode.UNAVAILABLE, "The node is busy drawing toolpaths; please try again in a moment",
        new JsonObject().put("retryAfterSeconds", 1));
    }
  }

  void end() {
    busy.decrementAndGet();
  }

  synchronized int size() {
    return svgs.size();
  }
}
