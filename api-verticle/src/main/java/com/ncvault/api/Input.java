package com.ncvault.api;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reading request bodies and parameters; every bad value becomes a 400 with the field named. */
final class Input {

  private Input() {
  }

  /** The JSON object body; an empty body reads as {@code {}}. */
  static JsonObject jsonBody(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      return new JsonObject();
    }
    try {
      return new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new PdmError(ErrorCode.INVALID_JSON, "The body must be a JSON object");
    }
  }

  static String requiredString(JsonObject body, String field, int maxLength) {
    String value = optionalString(body, field, maxLength);
    if (value == null || value.isBlank()) {
      throw invalid(field, "is required");
    }
    return value;
  }

  static String optionalString(JsonObject body, String field, int maxLength) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw invalid(field, "must be a string");
    }
    if (text.length() > maxLength) {
      throw invalid(field, "must be at most " + maxLength + " characters");
    }
    return text;
  }

  /** A form field such as "major" or "keepLocked": true/false/1/0/on/off, absent = false. */
  static boolean formBoolean(String value, String field) {
    if (value == null || value.isEmpty()) {
      return false;
    }
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "on", "yes" -> true;
      case "false", "0", "off", "no" -> false;
      default -> throw invalid(field, "must be true or false");
    };
  }

  static String queryString(RoutingContext ctx, String name, int maxLength) {
    String value = ctx.request().getParam(name);
    if (value != null && value.length() > maxLength) {
      throw invalid(name, "must be at most " + maxLength + " characters");
    }
    return value == null || value.isEmpty() ? null : value;
  }

  static int queryInt(RoutingContext ctx, String name, int defaultValue, int min, int max) {
    return queryInt(ctx.request(), name, defaultValue, min, max);
  }

  static int queryInt(HttpServerRequest request, String name, int defaultValue, int min, int max) {
    String value = request.getParam(name);
    if (value == null || value.isEmpty()) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n < min || n > max) {
        throw invalid(name, "must be between " + min + " and " + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw invalid(name, "must be a whole number");
    }
  }

  static long queryLong(RoutingContext ctx, String name, long defaultValue, long min) {
    return queryLong(ctx.request(), name, defaultValue, min);
  }

  static long queryLong(HttpServerRequest request, String name, long defaultValue, long min) {
    String value = request.getParam(name);
    if (value == null || value.isEmpty()) {
      return defaultValue;
    }
    try {
      long n = Long.parseLong(value.trim());
      if (n < min) {
        throw invalid(name, "must be at least " + min);
      }
      return n;
    } catch (NumberFormatException e) {
      throw invalid(name, "must be a whole number");
    }
  }

  static PdmError invalid(String field, String problem) {
    return new PdmError(ErrorCode.VALIDATION, field + " " + problem, new JsonObject().put("field", field));
  }
}
