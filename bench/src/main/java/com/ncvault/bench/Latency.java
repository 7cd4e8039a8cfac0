package com.ncvault.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/** Percentiles of a histogram of microseconds, as milliseconds in the results. */
final class Latency {

  private Latency() {
  }

  static JsonObject of(Histogram micros) {
    JsonObject json = new JsonObject().put("count", micros.getTotalCount());
    if (micros.getTotalCount() == 0) {
      return json;
    }
    return json
      .put("p50Ms", ms(micros.getValueAtPercentile(50)))
      .put("p95Ms", ms(micros.getValueAtPercentile(95)))
      .put("p99Ms", ms(micros.getValueAtPercentile(99)))
      .put("maxMs", ms(micros.getMaxValue()))
      .put("meanMs", ms((long) micros.getMean()));
  }

  static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }
}
