package com.ncvault.sync;

import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.EventTypes;
import com.ncvault.contract.FileInfo;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventMessagesTest {

  private static final String T = "2025-01-02T03:04:05Z";

  private static FileInfo file(String status, String lockedBy) {
    return new FileInfo("1234567.mcam", "12XXXXX", "op 10", "1.2", 10, "ab", T, T, false, status, lockedBy,
      lockedBy == null ? null : T, lockedBy == null ? null : "fixing", lockedBy == null ? null : "lock-1", "draft", null);
  }

  private static DomainEvent event(String type, FileInfo file, JsonObject details) {
    return new DomainEvent(7, type, file == null ? null : "1234567.mcam", "alice", T, "1.2", "why", details, file);
  }

  private static List<String> types(DomainEvent event) {
    return EventMessages.of(event).stream().map(m -> m.getString("type")).toList();
  }

  @Test
  void eachFileEventMapsToItsDeltaFollowedByActivity() {
    assertThat(types(event(EventTypes.CREATE, file("unlocked", null), null))).containsExactly("FILE_ADDED", "ACTIVITY");
    assertThat(types(event(EventTypes.CHECKOUT, file("locked", "alice"), null))).containsExactly("FILE_LOCKED", "ACTIVITY");
    assertThat(types(event(EventTypes.CANCEL, file("unlocked", null), null))).containsExactly("FILE_UNLOCKED", "ACTIVITY");
    assertThat(types(event(EventTypes.DELETE, file("unlocked", null), null))).containsExactly("FILE_DELETED", "ACTIVITY");
    assertThat(types(event(EventTypes.RESTORE, file("unlocked", null), null))).containsExactly("FILE_RESTORED", "ACTIVITY");
  }

  @Test
  void aCheckinThatReleasesTheLockAddsARevisionThenUnlocks() {
    List<JsonObject> messages = EventMessages.of(event(EventTypes.CHECKIN, file("unlocked", null), null));
    assertThat(messages).extracting(m -> m.getString("type")).containsExactly("REVISION_ADDED", "FILE_UNLOCKED", "ACTIVITY");
    assertThat(messages).allMatch(m -> m.getLong("seq") == 7);
    assertThat(messages.get(0).getJsonObject("payload").getString("revision")).isEqualTo("1.2");
    assertThat(messages.get(1).getJsonObject("payload").getString("reason")).isEqualTo("checkin");
    assertThat(EventMessages.freedFile(event(EventTypes.CHECKIN, file("unlocked", null), null))).isEqualTo("1234567.mcam");
  }

  @Test
  void aTransitionChangesTheFilesStateWithItsSeqAndSaysFromWhereToWhere() {
    DomainEvent release = event(EventTypes.TRANSITION, file("unlocked", null),
      new JsonObject().put("from", "review").put("to", "released").put("signed", true).put("sha256", "ab"));
    List<JsonObject> messages = EventMessages.of(release);
    assertThat(messages).extracting(m -> m.getString("type")).containsExactly("FILE_STATE_CHANGED", "ACTIVITY");
    assertThat(messages).allMatch(m -> m.getLong("seq") == 7);
    JsonObject payload = messages.get(0).getJsonObject("payload");
    assertThat(payload.getString("from")).isEqualTo("review");
    assertThat(payload.getString("to")).isEqualTo("released");
    assertThat(payload.getBoolean("signed")).isTrue();
    assertThat(EventMessages.changesFiles(release)).as("proto 1 clients get the new list").isTrue();
    assertThat(EventMessages.freedFile(release)).isNull();
  }

  @Test
  void aCheckinThatKeepsTheLockOnlyAddsARevision() {
    DomainEvent keep = event(EventTypes.CHECKIN, file("locked", "alice"), new JsonObject().put("keepLocked", true));
    assertThat(types(keep)).containsExactly("REVISION_ADDED", "ACTIVITY");
    assertThat(EventMessages.freedFile(keep)).isNull();
  }

  @Test
  void anOverrideNamesTheFormerHolder() {
    DomainEvent override = event(EventTypes.OVERRIDE, file("unlocked", null),
      new JsonObject().put("formerHolder", "bob").put("reason", "bob is on holiday"));
    JsonObject payload = EventMessages.of(override).get(0).getJsonObject("payload");
    assertThat(payload.getString("reason")).isEqualTo("override");
    assertThat(payload.getString("formerHolder")).isEqualTo("bob");
    assertThat(payload.getString("user")).isEqualTo("alice");
  }

  @Test
  void machineEventsOnlyShowInTheActivityFeedAndLeaveTheFileListAlone() {
    for (String type : List.of(EventTypes.MACHINE_CHANGED, EventTypes.MACHINES_ASSIGNED, EventTypes.TRANSFER_STARTED,
      EventTypes.TRANSFER_ATTEMPT, EventTypes.TRANSFER_FINISHED, EventTypes.IMPORT_RECEIVED, EventTypes.IMPORT_DECIDED)) {
      DomainEvent event = new DomainEvent(9, type, null, "pat", T, null, "Sent O1.nc to mill", new JsonObject(), null);
      assertThat(types(event)).as(type).containsExactly("ACTIVITY");
      assertThat(EventMessages.changesFiles(event)).as(type).isFalse();
      assertThat(EventMessages.freedFile(event)).as(type).isNull();
    }
  }

  @Test
  void userEventsOnlyShowInTheActivityFeed() {
    DomainEvent created = new DomainEvent(9, EventTypes.USER_CREATED, null, "admin", T, null, "dave", null, null);
    assertThat(types(created)).containsExactly("ACTIVITY");
    assertThat(EventMessages.changesFiles(created)).isFalse();
    assertThat(EventMessages.freedFile(created)).isNull();
  }

  @Test
  void aDeltaCarriesTheFileTheUserTheTimeAndTheMessage() {
    JsonObject locked = EventMessages.of(event(EventTypes.CHECKOUT, file("locked", "alice"), null)).get(0);
    assertThat(locked.getLong("seq")).isEqualTo(7);
    JsonObject payload = locked.getJsonObject("payload");
    assertThat(payload.fieldNames()).containsExactlyInAnyOrder("file", "user", "timestamp", "message", "revision");
    assertThat(payload.getJsonObject("file").mapTo(FileInfo.class)).isEqualTo(file("locked", "alice"));
    assertThat(payload.getString("timestamp")).isEqualTo(T);
    assertThat(payload.getString("message")).isEqualTo("why");
  }

  @Test
  void activityIsTheEntryTheDashboardShows() {
    JsonObject activity = EventMessages.of(event(EventTypes.CHECKOUT, file("locked", "alice"), null)).get(1);
    assertThat(activity.getJsonObject("payload")).isEqualTo(new JsonObject().put("seq", 7L).put("event_type", "checkout")
      .put("filename", "1234567.mcam").put("user", "alice").put("timestamp", T).put("revision", "1.2")
      .put("message", "why"));
  }

  @Test
  void anEventSurvivesTheBusAsJson() {
    DomainEvent original = event(EventTypes.OVERRIDE, file("unlocked", null), new JsonObject().put("formerHolder", "bob"));
    DomainEvent back = JsonObject.mapFrom(original).mapTo(DomainEvent.class);
    assertThat(back).isEqualTo(original);
    OutboundEvent encoded = OutboundEvent.encode(back);
    assertThat(encoded.frames()).hasSize(2);
  }

  @Test
  void theProtoThreeMessageCarriesAllOfTheSeqOnce() {
    DomainEvent override = event(EventTypes.OVERRIDE, file("unlocked", null),
      new JsonObject().put("formerHolder", "bob").put("reason", "bob is on holiday"));
    JsonObject single = EventMessages.single(override);
    assertThat(single.getString("type")).isEqualTo("EVENT");
    assertThat(single.getLong("seq")).isEqualTo(7);
    JsonObject payload = single.getJsonObject("payload");
    assertThat(payload.getJsonArray("changes")).containsExactly("FILE_UNLOCKED");
    assertThat(payload.getString("reason")).isEqualTo("override");
    assertThat(payload.getString("formerHolder")).isEqualTo("bob");
    assertThat(payload.getString("event_type")).isEqualTo("override");
    assertThat(payload.getJsonObject("file").getString("status")).isEqualTo("unlocked");
    assertThat(payload.containsKey("seq")).as("the envelope's seq only").isFalse();

    JsonObject user = EventMessages.single(new DomainEvent(8, EventTypes.USER_CREATED, null, "admin", T, null, null,
      new JsonObject().put("username", "carol"), null)).getJsonObject("payload");
    assertThat(user.getJsonArray("changes")).isEmpty();
    assertThat(user.containsKey("file")).isFalse();
    assertThat(user.getString("user")).isEqualTo("admin");
  }
}
