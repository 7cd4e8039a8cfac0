package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StagedUpload;
import io.vertx.core.json.JsonObject;

/** Typed access to a storage request body; every bad field becomes a 400 with the field's name. */
final class Request {

  static final int MAX_TEXT = 2000;

  private final JsonObject body;

  Request(JsonObject body) {
    this.body = body == null ? new JsonObject() : body;
  }

  /** A non-blank string. */
  String required(String key) {
    String value = optional(key);
    if (value == null || value.isBlank()) {
      throw new PdmError(ErrorCode.BAD_REQUEST, "The field '" + key + "' is required");
    }
    return value;
  }

  String optional(String key) {
    Object v = body.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new PdmError(ErrorCode.BAD_REQUEST, "The field '" + key + "' must be text");
    }
    return s;
  }

  /** Free text such as a message or a description: at most 2000 characters, blank means absent. */
  String text(String key, boolean required) {
    String value = required ? required(key) : optional(key);
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > MAX_TEXT) {
      throw new PdmError(ErrorCode.VALIDATION, "The field '" + key + "' is longer than " + MAX_TEXT
        + " characters");
    }
    return value.strip();
  }

  boolean flag(String key) {
    Object v = body.getValue(key);
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new PdmError(ErrorCode.BAD_REQUEST, "The field '" + key + "' must be true or false");
  }

  long number(String key, long fallback) {
    Object v = body.getValue(key);
    if (v == null || (v instanceof String s && s.isBlank())) {
      return fallback;
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new PdmError(ErrorCode.BAD_REQUEST, "The field '" + key + "' must be a number");
    }
  }

  /** The staged upload, or null when the field is missing or malformed (validated by the blob store). */
  StagedUpload stagedOrNull() {
    Object v = body.getValue("staged");
    if (!(v instanceof JsonObject s)) {
      return null;
    }
    Object path = s.getValue("path");
    Object size = s.getValue("size");
    Object sha = s.getValue("sha256");
    return new StagedUpload(path instanceof String p ? p : null, size instanceof Number n ? n.longValue() : -1,
      sha instanceof String h ? h : null);
  }
}
