package com.ncvault.contract;

import io.vertx.core.json.JsonObject;

/**
 * One committed change, as stored in the activity log and published on
 * {@link Addresses#DOMAIN_EVENTS}. {@code seq} is global, gap-free and increasing; it is assigned
 * in the same transaction as the change. {@code file} is the file's state right after the change
 * (null for user events). {@code details} holds type-specific data, for example
 * {@code formerHolder} and {@code reason} on override, {@code keepLocked} on checkin,
 * {@code role} on user events.
 */
public record DomainEvent(
  long seq,
  String type,
  String filename,
  String user,
  String timestamp,
  String revision,
  String message,
  JsonObject details,
  FileInfo file) {
}
