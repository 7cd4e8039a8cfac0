package com.ncvault.contract;

/**
 * A message for one user, published on {@link Addresses#NOTIFY}. {@code kind} is
 * "message" (from an admin), "override" (your lock was overridden) or "free" (a watched file is
 * free now).
 */
public record Notification(String to, String from, String kind, String filename, String text, String timestamp) {

  /** An admin's message to a user. */
  public static final String KIND_MESSAGE = "message";
  /** The recipient's lock was overridden by an admin. */
  public static final String KIND_OVERRIDE = "override";
  /** A file the recipient watches is free now. */
  public static final String KIND_FREE = "free";
}
