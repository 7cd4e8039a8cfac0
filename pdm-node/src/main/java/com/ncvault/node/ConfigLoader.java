package com.ncvault.node;

import com.ncvault.contract.ConfigKeys;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds the node's configuration with vertx-config: built-in defaults (ConfigKeys) < the JSON
 * config file < PDM_* environment variables < command-line overrides. Only known keys are taken
 * from the environment, converted to the type of their default.
 */
public final class ConfigLoader {

  /** The config file read when no --conf is given and the file exists. */
  public static final String DEFAULT_CONFIG_FILE = "conf/config.json";

  private ConfigLoader() {
  }

  public static Future<JsonObject> load(Vertx vertx, String configFile, JsonObject overrides) {
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
      .setScanPeriod(0)
      .addStore(new ConfigStoreOptions().setType("json").setConfig(ConfigKeys.defaults()));
    String file = configFile != null ? configFile : DEFAULT_CONFIG_FILE;
    boolean explicit = configFile != null;
    if (explicit || Files.exists(Path.of(file))) {
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("json")
        .setOptional(false).setConfig(new JsonObject().put("path", file)));
    }
    options.addStore(new ConfigStoreOptions().setType("env")
      .setConfig(new JsonObject().put("raw-data", true)));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
      .map(merged -> fromEnvironmentNames(merged).mergeIn(overrides == null ? new JsonObject() : overrides))
      .eventually(retriever::close);
  }

  /**
   * The env store puts variables under their own names (PDM_HTTP_PORT); move each known one onto
   * its key (httpPort) with the default's type, and drop every other variable.
   */
  static JsonObject fromEnvironmentNames(JsonObject merged) {
    JsonObject defaults = ConfigKeys.defaults();
    JsonObject result = new JsonObject();
    for (String key : defaults.fieldNames()) {
      Object value = merged.getValue(key);
      Object env = merged.getValue(ConfigKeys.envName(key));
      result.put(key, env != null ? convert(key, env.toString(), defaults.getValue(key)) : value);
    }
    // keys from the file that have no default (for example cluster settings) pass through
    for (String key : merged.fieldNames()) {
      if (!result.containsKey(key) && !key.matches("[A-Z0-9_]+")) {
        result.put(key, merged.getValue(key));
      }
    }
    return result;
  }

  private static Object convert(String key, String text, Object defaultValue) {
    String trimmed = text.trim();
    try {
      if (defaultValue instanceof Boolean) {
        return Boolean.parseBoolean(trimmed);
      }
      if (defaultValue instanceof Integer) {
        return Integer.parseInt(trimmed);
      }
      if (defaultValue instanceof Long) {
        return Long.parseLong(trimmed);
      }
      if (defaultValue instanceof JsonArray) {
        if (trimmed.startsWith("[")) {
          return new JsonArray(trimmed);
        }
        JsonArray array = new JsonArray();
        for (String part : trimmed.split(",")) {
          if (!part.isBlank()) {
            array.add(part.trim());
          }
        }
        return array;
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Environment variable " + ConfigKeys.envName(key)
        + " is not a valid " + defaultValue.getClass().getSimpleName(), e);
    }
    return text;
  }
}
