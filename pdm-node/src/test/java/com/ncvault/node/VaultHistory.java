package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The vault rebuilt from its event log alone, checking on the way that the log is a history that
 * could have happened: seqs 1, 2, 3... without a gap; a checkout only of a free file; a check-in,
 * cancel or override only of a file held by that user (or, for an override, by the former
 * holder); and the file each event carries equal to the state the log has built up to it.
 */
final class VaultHistory {

  /** One file as the log says it is now. */
  record FileState(String revision, String sha256, String lockedBy, boolean deleted, List<String> revisions) {
  }

  private final Map<String, FileState> files = new TreeMap<>();
  private final List<JsonObject> events;

  private VaultHistory(List<JsonObject> events) {
    this.events = events;
  }

  /** Replays the events (oldest first); fails the test at the first one that could not have happened. */
  static VaultHistory replay(List<JsonObject> events) {
    VaultHistory history = new VaultHistory(events);
    long expected = 1;
    for (JsonObject event : events) {
      assertThat(event.getLong("seq")).as("seq after %s", expected - 1).isEqualTo(expected++);
      history.apply(event);
    }
    return history;
  }

  Map<String, FileState> files() {
    return files;
  }

  List<JsonObject> events() {
    return events;
  }

  long latestSeq() {
    return events.isEmpty() ? 0 : events.get(events.size() - 1).getLong("seq");
  }

  /** The events of one type for a file by a user. */
  List<JsonObject> eventsOf(String type, String filename, String user) {
    return events.stream().filter(e -> type.equals(e.getString("type")) && Objects.equals(filename,
      e.getString("filename")) && Objects.equals(user, e.getString("user"))).toList();
  }

  private void apply(JsonObject event) {
    String type = event.getString("type");
    String name = event.getString("filename");
    String user = event.getString("user");
    JsonObject file = event.getJsonObject("file");
    if (file == null) {
      return; // user events
    }
    FileState before = files.get(name);
    String what = "seq " + event.getLong("seq") + " " + type + " of " + name + " by " + user;
    if (!"create".equals(type)) {
      assertThat(before).as(what + ": the file exists").isNotNull();
    }
    FileState after = switch (type) {
      case "create" -> {
        assertThat(before).as(what + ": the file is new").isNull();
        yield new FileState(event.getString("revision"), file.getString("sha256"), null, false,
          List.of(event.getString("revision")));
      }
      case "checkout" -> {
        assertThat(before.lockedBy()).as(what + ": the file was free").isNull();
        yield with(before, before.revision(), before.sha256(), user, before.deleted());
      }
      case "checkin" -> {
        assertThat(before.lockedBy()).as(what + ": only the lock holder checks in").isEqualTo(user);
        boolean keep = event.getJsonObject("details", new JsonObject()).getBoolean("keepLocked", false);
        FileState next = with(before, event.getString("revision"), file.getString("sha256"), keep ? user : null,
          before.deleted());
        List<String> revisions = new ArrayList<>(before.revisions());
        revisions.add(event.getString("revision"));
        yield new FileState(next.revision(), next.sha256(), next.lockedBy(), next.deleted(), List.copyOf(revisions));
      }
      case "cancel" -> {
        assertThat(before.lockedBy()).as(what + ": only the lock holder cancels").isEqualTo(user);
        yield with(before, before.revision(), before.sha256(), null, before.deleted());
      }
      case "override" -> {
        assertThat(before.lockedBy()).as(what + ": an override breaks the former holder's lock")
          .isNotNull().isEqualTo(event.getJsonObject("details").getString("formerHolder"));
        yield with(before, before.revision(), before.sha256(), null, before.deleted());
      }
      case "delete" -> {
        assertThat(before.lockedBy()).as(what + ": a locked file is not deleted").isNull();
        yield with(before, before.revision(), before.sha256(), null, true);
      }
      case "restore" -> with(before, before.revision(), before.sha256(), null, false);
      default -> throw new AssertionError("unknown event type in " + what);
    };
    files.put(name, after);
    assertThat(file.getString("revision")).as(what + ": revision of the file in the event").isEqualTo(after.revision());
    assertThat(file.getString("sha256")).as(what + ": content of the file in the event").isEqualTo(after.sha256());
    assertThat(file.getString("lockedBy")).as(what + ": holder in the event").isEqualTo(after.lockedBy());
    assertThat(file.getBoolean("deleted")).as(what + ": deleted flag in the event").isEqualTo(after.deleted());
  }

  private static FileState with(FileState before, String revision, String sha256, String lockedBy, boolean deleted) {
    return new FileState(revision, sha256, lockedBy, deleted, before.revisions());
  }
}
