package com.ncvault.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A message for one user, published on {@link Addresses#NOTIFY}. {@code kind} is
 * "message" (from an admin), "override" (your lock was overridden) or "free" (a watched file is
 * free now). Storage keeps each in the recipient's inbox before it is published: {@code id} is its
 * inbox id and {@code unread} the recipient's unread count with it (both null before it is kept).
 * {@code seq}: the event that freed the file of a "free" notice (sync sends the notice after it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Notification(String to, String from, String kind, String filename, String text, String timestamp,
                           Long id, Long seq, Integer unread) {

  /** An admin's message to a user. */
  public static final String KIND_MESSAGE = "message";
  /** The recipient's lock was overridden by an admin. */
  public static final String KIND_OVERRIDE = "override";
  /** A file the recipient watches is free now. */
  public static final String KIND_FREE = "free";

  /** A notice not yet kept in an inbox. */
  public Notification(String to, String from, String kind, String filename, String text, String timestamp) {
    this(to, from, kind, filename, text, timestamp, null, null, null);
  }

  /** The same notice as kept: its inbox id and the recipient's unread count. */
  public Notification kept(long inboxId, int unreadCount) {
    return new Notification(to, from, kind, filename, text, timestamp, inboxId, seq, unreadCount);
  }

  /** The same notice, sent after the event {@code eventSeq}. */
  public Notification after(long eventSeq) {
    return new Notification(to, from, kind, filename, text, timestamp, id, eventSeq, unread);
  }
}
