package com.ncvault.sync;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.EventTypes;
import com.ncvault.contract.FileInfo;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageActions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory stand-in for the storage-verticle: an event log with gap-free seqs and the files
 * those events produce. It answers EVENTS_SINCE, EVENTS_LATEST and FILES_LIST on
 * {@link Addresses#STORAGE} like storage does. Committing and publishing are separate, so a test
 * can publish events late, twice, out of order or never.
 */
final class FakeStorage {

  private final Vertx vertx;
  private final List<DomainEvent> log = new ArrayList<>();
  private final Map<String, FileInfo> files = new TreeMap<>();
  private long oldestKept = 1;
  private MessageConsumer<JsonObject> consumer;
  final AtomicInteger fileListReads = new AtomicInteger();
  final AtomicInteger eventReads = new AtomicInteger();

  FakeStorage(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Void> register() {
    consumer = vertx.eventBus().localConsumer(Addresses.STORAGE, this::handle);
    return consumer.completion();
  }

  /** Commits a change and returns its event, not yet published. */
  synchronized DomainEvent commit(String type, String filename, String user, String message) {
    long seq = log.size() + 1;
    String now = Instant.now().toString();
    JsonObject details = new JsonObject();
    FileInfo before = files.get(filename);
    FileInfo after = null;
    String revision = before == null ? "1.0" : before.revision();
    switch (type) {
      case EventTypes.CREATE -> after = file(filename, "1.0", false, null, now, message);
      case EventTypes.CHECKOUT -> after = file(filename, revision, false, user, now, message);
      case EventTypes.CHECKIN -> {
        revision = nextRevision(revision);
        after = file(filename, revision, false, null, now, null);
      }
      case EventTypes.CANCEL -> after = file(filename, revision, false, null, now, null);
      case EventTypes.OVERRIDE -> {
        details.put("formerHolder", before == null ? null : before.lockedBy()).put("reason", message);
        after = file(filename, revision, false, null, now, null);
      }
      case EventTypes.DELETE -> after = file(filename, revision, true, null, now, null);
      case EventTypes.RESTORE -> after = file(filename, revision, false, null, now, null);
      default -> {
        // user events change no file
      }
    }
    if (after != null) {
      files.put(filename, after);
    }
    DomainEvent event = new DomainEvent(seq, type, after == null ? null : filename, user, now, revision, message,
      details, after);
    log.add(event);
    return event;
  }

  DomainEvent commit(String type, String filename, String user) {
    return commit(type, filename, user, type + " " + filename);
  }

  void publish(DomainEvent event) {
    vertx.eventBus().publish(Addresses.DOMAIN_EVENTS, JsonObject.mapFrom(event));
  }

  /**
   * A user event, committed and published: {@code actor} did {@code type} to the account
   * {@code username}; {@code details} adds to the event's details.
   */
  DomainEvent commitAndPublishUserEvent(String type, String username, String actor, JsonObject details) {
    DomainEvent event;
    synchronized (this) {
      event = new DomainEvent(log.size() + 1, type, null, actor, Instant.now().toString(), null, type + " " + username,
        details.copy().put("username", username), null);
      log.add(event);
    }
    publish(event);
    return event;
  }

  DomainEvent commitAndPublish(String type, String filename, String user) {
    DomainEvent event = commit(type, filename, user);
    publish(event);
    return event;
  }

  synchronized long latestSeq() {
    return log.size();
  }

  /** Drops the history before {@code seq}, as a retention limit would. */
  synchronized void forgetBefore(long seq) {
    oldestKept = seq;
  }

  private synchronized void handle(Message<JsonObject> message) {
    String action = message.headers().get(Addresses.HEADER_ACTION);
    JsonObject body = message.body() == null ? new JsonObject() : message.body();
    switch (action == null ? "" : action) {
      case StorageActions.EVENTS_SINCE -> {
        eventReads.incrementAndGet();
        long since = body.getLong("since", 0L);
        int limit = body.getInteger("limit", 1000);
        JsonArray events = new JsonArray();
        for (DomainEvent event : log) {
          if (event.seq() > since && event.seq() >= oldestKept && events.size() < limit) {
            events.add(JsonObject.mapFrom(event));
          }
        }
        message.reply(new JsonObject().put("events", events).put("latestSeq", (long) log.size())
          .put("oldestSeq", Math.min(oldestKept, log.size())));
      }
      case StorageActions.EVENTS_LATEST -> message.reply(new JsonObject().put("seq", (long) log.size()));
      case StorageActions.FILES_LIST -> {
        fileListReads.incrementAndGet();
        JsonObject groups = new JsonObject();
        files.values().stream().filter(f -> !f.deleted()).forEach(f -> {
          JsonArray group = groups.getJsonArray(f.group());
          if (group == null) {
            group = new JsonArray();
            groups.put(f.group(), group);
          }
          group.add(JsonObject.mapFrom(f));
        });
        message.reply(new JsonObject().put("groups", groups).put("seq", (long) log.size()));
      }
      default -> message.fail(400, new PdmError(ErrorCode.BAD_REQUEST, "Unknown action " + action).toJson().encode());
    }
  }

  private static FileInfo file(String name, String revision, boolean deleted, String lockedBy, String now,
                               String lockMessage) {
    String group = name.matches("\\d{7}.*") ? name.substring(0, 2) + "XXXXX" : "Misc";
    return new FileInfo(name, group, "test file", revision, 100, "0".repeat(64), now, now, deleted,
      lockedBy == null ? FileInfo.UNLOCKED : FileInfo.LOCKED, lockedBy, lockedBy == null ? null : now,
      lockedBy == null ? null : lockMessage);
  }

  private static String nextRevision(String revision) {
    String[] parts = revision.split("\\.");
    return parts[0] + "." + (Integer.parseInt(parts[1]) + 1);
  }
}
