package com.ncvault.storage;

import java.util.HashMap;
import java.util.Map;

/** Named SQL parameters; unlike Map.of, values may be null. */
final class Params {

  static Map<String, Object> of(Object... keysAndValues) {
    Map<String, Object> map = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private Params() {
  }
}
